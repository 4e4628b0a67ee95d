"""The web's hot paths answer from memory only while that memory is right.

Trusted credentials (API_KEY_CACHE_SECONDS), validated query strings, paid downloads, progress answers
under their application's tick, and the token-bucket rate limits.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from adcreative import memo
from adcreative.api.throttling import BucketThrottle, RateThrottle
from adcreative.creatives import progress, state
from adcreative.creatives.models import Process, Task
from adcreative.downloads import services as download_services
from adcreative.tenancy.models import Application
from tests.conftest import Tenant, token_pair
from tests.helpers import queued_process
from tests.test_download import download, finished_process, stored

ROOT = Path(__file__).resolve().parent.parent
CREDITS = "/api/v1/Credits"
PROGRESS = "/api/v1/Image/ProductGeneration/CheckUserProgress"
ALL_PROGRESSES = "/api/v1/Image/ProductGeneration/CheckApplicationAllProgresses"


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moved = Clock()
    monkeypatch.setattr("adcreative.memo.monotonic", moved)
    return moved


# --- Memo ----------------------------------------------------------------------------------------------


def test_a_memo_forgets_after_its_seconds_and_keeps_the_most_recently_used(clock: Clock) -> None:
    kept: memo.Memo[str] = memo.Memo(max_entries=2)
    kept.put("a", "A", 10)
    kept.put("b", "B", 10)
    assert kept.get("a") == "A"  # now "b" is the least recently used
    kept.put("c", "C", 10)
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == ("A", None, "C")
    clock.now += 10
    assert kept.get("a") is None and kept.get("c") is None
    kept.put("d", "D", 0)
    assert kept.get("d") is None  # 0 seconds keeps nothing
    kept.put("e", "E", 5)
    kept.forget_where(lambda key, value: value == "E")
    assert kept.get("e") is None


# --- trusted credentials -------------------------------------------------------------------------------


def credits(client: Client, tenant: Tenant, **headers: str) -> int:
    return client.get(
        CREDITS, {"applicationId": tenant.id}, headers=headers or tenant.key_headers()
    ).status_code


def disable_elsewhere(tenant: Tenant) -> None:
    """Disable the application as another process would: no signal reaches this one."""
    Application.objects.filter(id=tenant.application.id).update(is_active=False)


def test_a_checked_key_is_trusted_for_its_seconds_then_checked_again(
    client: Client, tenant: Tenant, clock: Clock, settings: Any
) -> None:
    settings.API_KEY_CACHE_SECONDS = 10
    assert credits(client, tenant) == 200
    with CaptureQueriesContext(connection) as queries:
        assert credits(client, tenant) == 200
    assert not any("api_key" in q["sql"] for q in queries.captured_queries)  # the key was not looked up
    disable_elsewhere(tenant)
    clock.now += 9
    assert credits(client, tenant) == 200  # still trusted: the README's revocation delay
    clock.now += 1
    assert credits(client, tenant) == 401


def test_a_wrong_secret_is_refused_even_while_the_key_is_trusted(client: Client, tenant: Tenant) -> None:
    assert credits(client, tenant) == 200
    wrong = {**tenant.key_headers(), "x-api-secret": "0" * 64}
    assert credits(client, tenant, **wrong) == 401


def test_a_change_saved_in_this_process_is_seen_at_once(client: Client, tenant: Tenant) -> None:
    assert credits(client, tenant) == 200
    tenant.application.is_active = False
    tenant.application.save()
    assert credits(client, tenant) == 401


def test_zero_seconds_checks_every_request(client: Client, tenant: Tenant, settings: Any) -> None:
    settings.API_KEY_CACHE_SECONDS = 0
    assert credits(client, tenant) == 200
    disable_elsewhere(tenant)
    assert credits(client, tenant) == 401


def test_a_tokens_application_is_trusted_for_its_seconds_too(
    client: Client, tenant: Tenant, clock: Clock
) -> None:
    bearer = {"Authorization": f"Bearer {token_pair(client, tenant)['accessToken']}"}
    assert credits(client, tenant, **bearer) == 200
    disable_elsewhere(tenant)
    assert credits(client, tenant, **bearer) == 200
    clock.now += 10
    assert credits(client, tenant, **bearer) == 401


def test_requests_never_share_an_application_instance(client: Client, tenant: Tenant) -> None:
    from adcreative.tenancy import trust

    trust.remember(("key", 1), tenant.application)
    first, second = trust.recall(("key", 1)), trust.recall(("key", 1))
    assert first is not None and second is not None and first is not second
    assert first == tenant.application and first.name == tenant.application.name
    assert not first._state.adding and first._state.db == "default"


# --- validated query strings ----------------------------------------------------------------------------


def test_a_query_string_is_validated_once_and_its_errors_every_time(
    client: Client, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from adcreative.creatives.serializers import ProgressQuerySerializer

    made = []
    original = ProgressQuerySerializer.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        made.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ProgressQuerySerializer, "__init__", counting)
    for _ in range(3):
        assert (
            client.get(PROGRESS, {"applicationId": tenant.id}, headers=tenant.key_headers()).status_code
            == 200
        )
    assert len(made) == 1
    for _ in range(2):
        bad = client.get(PROGRESS, {"applicationId": tenant.id, "limit": "0"}, headers=tenant.key_headers())
        assert bad.status_code == 400 and "limit" in bad.json()["errors"]
    assert len(made) == 3


# --- paid downloads -------------------------------------------------------------------------------------


def test_a_paid_download_is_served_again_without_the_database(client: Client, tenant: Tenant) -> None:
    _, (task,) = finished_process(tenant)
    first = download(client, tenant, task)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = download(client, tenant, task)
    assert again.status_code == 200 and again.body == first.body and again["ETag"] == first["ETag"]
    assert queries.captured_queries == []


def test_an_unpaid_download_is_not_remembered(client: Client, tenant: Tenant) -> None:
    _, (task,) = finished_process(tenant)
    head = client.head(
        "/api/v1/Image/ProductGeneration/Download",
        {
            "applicationId": tenant.id,
            "taskId": str(task.id),
            "imageProductGeneratorProcessId": str(task.process_id),
        },
        headers=tenant.key_headers(),
    )
    assert head.status_code == 200
    query = download_services.Query(task.id, task.process_id, False, 0)
    assert download_services._paid.get((tenant.application.id, query)) is None


def test_a_remembered_download_whose_task_was_deleted_is_not_found(client: Client, tenant: Tenant) -> None:
    process, (task,) = finished_process(tenant)
    assert download(client, tenant, task).status_code == 200
    task.result.storage.delete(task.result.name)
    process.delete()
    assert download(client, tenant, task).status_code == 404


# --- progress -------------------------------------------------------------------------------------------


def poll(client: Client, tenant: Tenant, url: str = PROGRESS) -> dict[str, Any]:
    response = client.get(url, {"applicationId": tenant.id}, headers=tenant.key_headers())
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def states(body: dict[str, Any]) -> list[list[int]]:
    return [[t["renderState"] for t in p["tasks"]] for p in body["processes"]]


def test_a_poll_with_nothing_changed_reads_only_the_tick(client: Client, tenant: Tenant) -> None:
    queued_process(tenant)
    first = poll(client, tenant)
    with CaptureQueriesContext(connection) as queries:
        assert poll(client, tenant) == first
    assert len(queries.captured_queries) == 1 and "tick" in queries.captured_queries[0]["sql"]


@pytest.mark.parametrize("url", [PROGRESS, ALL_PROGRESSES])
def test_every_change_is_in_the_next_poll(client: Client, tenant: Tenant, url: str) -> None:
    process, (first, second) = queued_process(tenant)
    assert states(poll(client, tenant, url)) == [[Task.State.QUEUED] * 2]
    claimed = state.claim(str(first.id))
    assert claimed is not None
    assert states(poll(client, tenant, url)) == [[Task.State.PREPARING, Task.State.QUEUED]]
    state.advance(claimed, Task.State.RENDERING, 40)
    body = poll(client, tenant, url)
    assert body["processes"][0]["tasks"][0]["progress"] == 40
    state.fail(str(second.id), "render_failed", "boom")
    assert states(poll(client, tenant, url)) == [[Task.State.RENDERING, Task.State.FAILED]]
    state.cancel(process)
    assert states(poll(client, tenant, url)) == [[Task.State.CANCELLED, Task.State.FAILED]]
    queued_process(tenant, prompts=1)
    assert len(poll(client, tenant, url)["processes"]) == 2
    Process.objects.get(id=process.id).delete()
    assert len(poll(client, tenant, url)["processes"]) == 1


def test_one_applications_change_leaves_anothers_answer(
    client: Client, tenant: Tenant, other_tenant: Tenant
) -> None:
    queued_process(tenant)
    _, (task, _) = queued_process(other_tenant)
    poll(client, tenant)
    state.claim(str(task.id))
    with CaptureQueriesContext(connection) as queries:
        poll(client, tenant)
    assert len(queries.captured_queries) == 1


@pytest.fixture
def shared_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> progress.SharedMemoryClock:
    """The SQLite deployment's clock, on a file of this test's own."""
    the_clock = progress.SharedMemoryClock(str(tmp_path / "db.sqlite3-progress"))
    monkeypatch.setattr(progress, "clock", lambda: the_clock)
    return the_clock


def test_the_shared_memory_clock_ticks_once_each_change_has_committed(
    client: Client,
    tenant: Tenant,
    shared_clock: progress.SharedMemoryClock,
    django_capture_on_commit_callbacks: Any,
) -> None:
    process, (first, _) = queued_process(tenant)
    assert states(poll(client, tenant)) == [[Task.State.QUEUED] * 2]
    before = shared_clock.read(tenant.application.id)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        claimed = state.claim(str(first.id))
    assert claimed is not None and shared_clock.read(tenant.application.id) == before  # not yet committed
    for callback in pending:
        callback()
    assert shared_clock.read(tenant.application.id) == before + 1
    assert states(poll(client, tenant)) == [[Task.State.PREPARING, Task.State.QUEUED]]
    with django_capture_on_commit_callbacks(execute=True):
        Process.objects.get(id=process.id).delete()
    assert poll(client, tenant)["processes"] == []


def test_the_shared_memory_clock_is_seen_by_other_processes_and_counts_every_tick(tmp_path: Path) -> None:
    path = str(tmp_path / "ticks")
    reader = progress.SharedMemoryClock(path)
    application = uuid.uuid4()
    code = (
        "import sys, uuid\n"
        "from adcreative.creatives.progress import SharedMemoryClock\n"
        "SharedMemoryClock(sys.argv[1])._tick_now([uuid.UUID(sys.argv[2])] * 3)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "adcreative.settings"}
    runner = f"import django; django.setup(); exec({code!r})"
    workers = [
        subprocess.Popen([sys.executable, "-c", runner, path, str(application)], cwd=ROOT, env=env)
        for _ in range(4)
    ]
    threads = [threading.Thread(target=reader._tick_now, args=([application],)) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [worker.wait(60) for worker in workers] == [0] * 4
    assert reader.read(application) == 20 + 4  # a set of ids ticks each slot once per change


# --- rate limits ----------------------------------------------------------------------------------------


def test_a_rate_is_a_burst_then_one_request_per_share_of_the_period(
    client: Client, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [5000.0]
    monkeypatch.setattr(BucketThrottle, "timer", lambda self: now[0])
    monkeypatch.setitem(RateThrottle.THROTTLE_RATES, "application", "3/minute")
    assert [credits(client, tenant) for _ in range(4)] == [200, 200, 200, 429]
    refused = client.get(CREDITS, {"applicationId": tenant.id}, headers=tenant.key_headers())
    assert refused.status_code == 429 and refused["Retry-After"] == "20"  # 60 s / 3
    now[0] += 19
    assert credits(client, tenant) == 429
    now[0] += 1
    assert [credits(client, tenant) for _ in range(2)] == [200, 429]
    now[0] += 60
    assert [credits(client, tenant) for _ in range(4)] == [200, 200, 200, 429]


def test_an_application_spends_only_its_own_budget_never_the_anonymous_one(
    client: Client, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(RateThrottle.THROTTLE_RATES, "anonymous", "1/minute")
    assert [credits(client, tenant) for _ in range(3)] == [200, 200, 200]
    presets = "/api/v1/Image/ProductGeneration/PresetKeys"
    assert [client.get(presets).status_code for _ in range(2)] == [200, 429]
    assert credits(client, tenant) == 200  # the address's anonymous budget is spent; the application's is not


def test_the_buckets_live_in_redis_wherever_the_cache_is_redis(
    client: Client, tenant: Tenant, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    import redis

    url = os.environ["TEST_REDIS_URL"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setitem(RateThrottle.THROTTLE_RATES, "application", "2/minute")
    assert [credits(client, tenant) for _ in range(3)] == [200, 200, 429]
    keys = redis.Redis.from_url(url).keys(f"*throttle-bucket_application_{tenant.id}")
    assert len(keys) == 1  # one number per application and endpoint class, shared by every web process
    cache.clear()


def test_a_remembered_application_id_refuses_every_other_application(
    client: Client, tenant: Tenant, other_tenant: Tenant
) -> None:
    query = {"applicationId": tenant.id}
    for _ in range(2):  # the query string's applicationId is remembered; whose it is, checked every time
        assert client.get(CREDITS, query, headers=tenant.key_headers()).status_code == 200
        assert client.get(CREDITS, query, headers=other_tenant.key_headers()).status_code == 401


@pytest.mark.parametrize("local", [True, False])
def test_a_download_opens_through_the_storage_where_it_has_no_local_paths(
    client: Client, tenant: Tenant, monkeypatch: pytest.MonkeyPatch, local: bool
) -> None:
    from django.core.files.storage import default_storage

    from adcreative.downloads import renditions

    class WithoutPaths:  # the storage as an object store shows it: files open by name, no paths on disk
        def open(self, name: str, mode: str) -> Any:
            return default_storage.open(name, mode)

        def path(self, name: str) -> str:
            raise NotImplementedError("This backend doesn't support absolute paths.")

    if not local:
        monkeypatch.setattr(renditions, "default_storage", WithoutPaths())
    _, (task,) = finished_process(tenant)
    for _ in range(2):
        served = download(client, tenant, task)
        assert served.status_code == 200 and served.body == stored(task.result)
