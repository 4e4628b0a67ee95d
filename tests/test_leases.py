"""One lease for all leased work, and lost messages found by looking for them in the broker (a real Redis).

A row waiting for a worker whose message the broker no longer holds (a Redis that came back empty) is sent
again at the reaper's next run, not after QUEUED_TASK_RESEND_SECONDS; one whose message is still in its
queue, or taken by a worker and not yet acknowledged, is left alone, however long the queue.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone
from kombu import Connection

from adcreative import broker
from adcreative.creatives.models import Task
from adcreative.creatives.tasks import render
from adcreative.finetunes.models import FineTune
from adcreative.leases import MAX_ATTEMPTS, MESSAGE_GRACE_SECONDS
from adcreative.ops.tasks import REAPED, reap_stuck_work
from adcreative.recommendations import services as recommendations
from adcreative.recommendations.models import Recommendation
from tests.conftest import Tenant
from tests.drawing import bottle_photo, encode
from tests.helpers import queued_process

pytestmark = pytest.mark.django_db
# Past the grace, far within QUEUED_TASK_RESEND_SECONDS.
WAITED = timedelta(seconds=MESSAGE_GRACE_SECONDS + 20)


@pytest.fixture
def reaper_reads(own_broker: str) -> Iterator[str]:
    """The reaper looks for messages in this test's own Redis database (the session's workers never see it)."""
    with mock.patch.object(
        broker, "ids_in_messages", functools.partial(broker.ids_in_messages, url=own_broker)
    ):
        yield own_broker


def sent_ids(send: mock.MagicMock) -> list[str]:
    return sorted(str(call.args[0]) for call in send.call_args_list)


def test_a_waiting_task_whose_message_is_lost_is_sent_again_and_one_in_the_queue_is_not(
    tenant: Tenant, reaper_reads: str
) -> None:
    _, (in_queue, lost, _young) = queued_process(tenant, prompts=3)
    Task.objects.filter(id__in=[in_queue.id, lost.id]).update(queued_at=timezone.now() - WAITED)
    with Connection(reaper_reads) as connection:
        render.apply_async((str(in_queue.id),), connection=connection)
    with mock.patch.object(render, "delay") as send:
        assert reap_stuck_work()["renders_resent"] == 1
    assert sent_ids(send) == [str(lost.id)]  # `_young` may still have its message on the way
    with mock.patch.object(render, "delay") as send:
        assert reap_stuck_work()["renders_resent"] == 0  # just re-sent: within the grace again


def test_a_message_a_worker_took_and_has_not_acknowledged_counts_as_held(
    tenant: Tenant, reaper_reads: str
) -> None:
    _, (task,) = queued_process(tenant, prompts=1)
    Task.objects.filter(id=task.id).update(queued_at=timezone.now() - WAITED)
    with Connection(reaper_reads) as connection:
        render.apply_async((str(task.id),), connection=connection, countdown=60)  # a retry, say
        taken = connection.SimpleQueue("gpu").get(timeout=5)  # a worker holds it, unacknowledged
        assert broker.ids_in_messages(["gpu"], url=reaper_reads) == frozenset([str(task.id)])
        with mock.patch.object(render, "delay") as send:
            reap_stuck_work()
        assert not send.called
        taken.ack()
    assert broker.ids_in_messages(["gpu"], url=reaper_reads) == frozenset()


def test_a_broker_that_cannot_be_read_leaves_waiting_work_to_the_long_wait(tenant: Tenant) -> None:
    _, (task,) = queued_process(tenant, prompts=1)
    Task.objects.filter(id=task.id).update(queued_at=timezone.now() - WAITED)
    nowhere = "redis://127.0.0.1:1/0"  # nothing listens: the reaper cannot tell what is lost
    with (
        mock.patch.object(broker, "ids_in_messages", functools.partial(broker.ids_in_messages, url=nowhere)),
        mock.patch.object(render, "delay") as send,
    ):
        assert reap_stuck_work()["renders_resent"] == 0
    assert not send.called


def a_task(tenant: Tenant) -> Any:
    return queued_process(tenant, prompts=1)[1][0]


def a_recommendation(tenant: Tenant) -> Any:
    from workers.imaging import inspect_upload

    data = encode(bottle_photo((320, 400)), "PNG")
    with mock.patch("adcreative.recommendations.tasks.recommend.delay"):
        return recommendations.create(tenant.application, None, data, inspect_upload(data, 10**8))


def a_fine_tune(tenant: Tenant) -> Any:
    return FineTune.objects.create(application=tenant.application, steps=3)


MAKERS: dict[str, Callable[[Tenant], Any]] = {
    "renders": a_task,
    "recommendations": a_recommendation,
    "fine_tunes": a_fine_tune,
}


@pytest.mark.parametrize("work", REAPED, ids=lambda work: work.name)
def test_every_kind_of_work_follows_the_same_lease(work: Any, tenant: Tenant, reaper_reads: str) -> None:
    """Lost, abandoned, out of tries, held by a live worker: the same outcome for renders, recommendations
    and fine-tunes."""
    make = MAKERS[work.name]
    lost, abandoned, hopeless, live = (make(tenant) for _ in range(4))
    model = work.lease.model
    model.objects.filter(pk=lost.pk).update(queued_at=timezone.now() - WAITED)
    for row in (abandoned, hopeless, live):
        assert work.lease.claim(row.pk) is not None
        assert work.lease.claim(row.pk) is None  # a duplicate message finds it held
    expired = timezone.now() - timedelta(seconds=1)
    model.objects.filter(pk__in=[abandoned.pk, hopeless.pk]).update(lease_until=expired)
    model.objects.filter(pk=hopeless.pk).update(attempts=MAX_ATTEMPTS)
    with mock.patch.object(work.task, "delay") as send:
        counts = reap_stuck_work()
    assert (counts[f"{work.name}_resent"], counts[f"{work.name}_failed"]) == (2, 1)
    assert sent_ids(send) == sorted([str(lost.pk), str(abandoned.pk)])
    failed = model.objects.get(pk=hopeless.pk)
    assert failed.error_code == "stuck" and failed.finished_at is not None
    assert work.lease.held_until(pk=live.pk) is not None
    assert work.lease.claim(abandoned.pk) is not None  # handed back: the re-sent message takes it


def test_the_kinds_of_work_are_the_three_leased_models() -> None:
    assert {work.lease.model for work in REAPED} == {Task, Recommendation, FineTune}
