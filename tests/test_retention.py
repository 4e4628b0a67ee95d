"""Retention: the files of deleted records leave the store (after any link handed out for them expires), and
RETENTION_DAYS expires old uploads and results, never those that work still needs."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from adcreative.api.exceptions import NotFound
from adcreative.assets.models import Asset, DiscardedFile
from adcreative.assets.storage import atomic_with_files, purge_discarded
from adcreative.creatives import services
from adcreative.creatives.models import Process, Task
from adcreative.creatives.tasks import render, render_process
from adcreative.downloads.models import Rendition
from adcreative.finetunes.models import FineTune
from adcreative.ops import retention
from adcreative.ops.tasks import clean_storage
from adcreative.recommendations.models import Recommendation
from adcreative.tenancy.models import CreditEntry
from tests.conftest import Tenant
from tests.drawing import drawn_cutout
from tests.helpers import cutout_asset, queued_process
from tests.test_download import ENGINE, download, finished_process
from workers.imaging import encode_png


def stored(*names: str) -> list[bool]:
    return [default_storage.exists(name) for name in names]


def files_of(task: Task) -> list[str]:
    return [
        task.result.name or "",
        task.thumbnail.name or "",
        *(r.file.name or "" for r in task.renditions.all()),
    ]


def backdate(model: Any, days: int, **where: Any) -> None:
    model.objects.filter(**where).update(created_at=timezone.now() - timedelta(days=days))


def recommendation(tenant: Tenant, status: str = Recommendation.Status.COMPLETED) -> Recommendation:
    image = drawn_cutout().convert("RGB")
    with atomic_with_files() as files:
        photo = files.store(
            tenant.application, Asset.Kind.ORIGINAL, encode_png(image), "image/png", image.size
        )
    return Recommendation.objects.create(
        application=tenant.application, image=photo, cutout=cutout_asset(tenant), status=status
    )


def test_a_deleted_process_leaves_the_store_once_its_links_have_expired(
    client: Client, tenant: Tenant, settings: Any
) -> None:
    settings.DOWNLOAD_LINK_SECONDS = 300
    process, (task,) = finished_process(tenant)
    download(client, tenant, task, format="1")  # a JPEG rendition, made and stored
    names = files_of(task)
    assert len(names) == 3 and all(stored(*names))

    process.delete()  # as the admin deletes it: the tasks and renditions go with it
    assert sorted(DiscardedFile.objects.values_list("name", flat=True)) == sorted(names)
    assert purge_discarded(settings.DOWNLOAD_LINK_SECONDS) == (0, 0)  # a link handed out may still be used
    assert all(stored(*names))

    DiscardedFile.objects.update(discarded_at=timezone.now() - timedelta(seconds=301))
    assert purge_discarded(settings.DOWNLOAD_LINK_SECONDS) == (3, 0)
    assert not any(stored(*names)) and not DiscardedFile.objects.exists()
    assert stored(process.cutout.file.name or "") == [True]  # the cut-out's record still exists


def test_a_deletion_that_rolls_back_discards_nothing(tenant: Tenant) -> None:
    process, (task,) = finished_process(tenant)
    with pytest.raises(RuntimeError), transaction.atomic():
        process.delete()
        raise RuntimeError("the deleting transaction fails")
    assert not DiscardedFile.objects.exists()
    assert Task.objects.filter(id=task.id).exists() and all(stored(*files_of(task)))


def test_a_store_that_fails_keeps_the_rest_for_the_next_run(
    tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    process, (task,) = finished_process(tenant)
    process.delete()
    DiscardedFile.objects.update(discarded_at=timezone.now() - timedelta(hours=1))

    def refuse(name: str) -> None:
        raise OSError("the store is unreachable")

    monkeypatch.setattr(default_storage, "delete", refuse)
    assert purge_discarded(0) == (0, 2)
    assert DiscardedFile.objects.count() == 2
    monkeypatch.undo()
    assert purge_discarded(0) == (2, 0)
    assert not any(stored(*files_of(task)))


def test_a_lost_rendition_made_again_is_not_removed_with_the_lost_ones_name(
    client: Client, tenant: Tenant
) -> None:
    _, (task,) = finished_process(tenant)
    download(client, tenant, task, format="2")
    lost = Rendition.objects.get(task=task)
    default_storage.delete(lost.file.name or "")  # the store lost it
    assert download(client, tenant, task, format="2").status_code == 200  # converted again
    again = Rendition.objects.get(task=task)
    assert again.file.name != lost.file.name
    assert purge_discarded(0) == (1, 0)
    assert stored(again.file.name or "") == [True]


def test_without_retention_days_nothing_expires(tenant: Tenant, settings: Any) -> None:
    settings.RETENTION_DAYS = 0
    finished_process(tenant)
    recommendation(tenant)
    backdate(Process, 400)
    backdate(Recommendation, 400)
    backdate(Asset, 400)
    counts = clean_storage.apply().get()
    assert counts == {"files_removed": 0, "files_left": 0}
    assert Process.objects.count() == 1 and Recommendation.objects.count() == 1 and Asset.objects.count() == 3


def test_expiry_deletes_old_work_that_nothing_needs_with_its_files(
    client: Client, tenant: Tenant, settings: Any
) -> None:
    process, (task,) = finished_process(tenant)
    assert download(client, tenant, task).status_code == 200  # charged: the ledger names the task
    old_recommendation = recommendation(tenant)
    names = [*files_of(task), process.cutout.file.name, old_recommendation.image.file.name]
    names.append(old_recommendation.cutout.file.name)  # type: ignore[union-attr]
    backdate(Process, 40)
    backdate(Recommendation, 40)
    backdate(Asset, 40)

    counts = retention.expire(30)
    assert counts == {"processes": 1, "recommendations": 1, "assets": 3, "fine_tune_uploads": 0}
    assert not Process.objects.exists() and not Task.objects.exists() and not Asset.objects.exists()
    assert CreditEntry.objects.filter(task_id=task.id, change=-1).exists()  # billing history stays
    assert purge_discarded(0) == (len(names), 0)
    assert not any(stored(*names))
    # (this web process remembered the paid download; with its file gone it asks the database again)
    gone = download(client, tenant, task)
    assert gone.status_code == 404 and gone.json()["errors"][ENGINE] == ["Image content not found."]


def test_expiry_keeps_what_work_still_needs(tenant: Tenant) -> None:
    unfinished, _ = queued_process(tenant)  # its tasks have not finished: it and its cut-out stay
    in_use = recommendation(tenant)
    today, _ = queued_process(tenant)  # made today, and rendering from the old recommendation's cut-out
    own_cutout = today.cutout_id
    Process.objects.filter(id=today.id).update(cutout=in_use.cutout)
    analysing = recommendation(tenant, Recommendation.Status.PROCESSING)
    training_photo = cutout_asset(tenant)
    standing_for_its_photo = recommendation(tenant)  # a fine-tune names its cut-out, trains on its photo
    training = FineTune.objects.create(
        application=tenant.application,
        steps=10,
        asset_ids=[str(training_photo.id), str(standing_for_its_photo.cutout_id)],
    )
    for model in (Process, Recommendation, Asset):
        backdate(model, 40)
    Process.objects.filter(id=today.id).update(created_at=timezone.now())

    counts = retention.expire(30)
    assert counts["processes"] == 0 and counts["recommendations"] == 0
    assert Process.objects.count() == 2
    assert set(Recommendation.objects.values_list("id", flat=True)) == {
        in_use.id, analysing.id, standing_for_its_photo.id
    }  # fmt: skip
    kept = set(Asset.objects.values_list("id", flat=True))
    assert {unfinished.cutout_id, in_use.cutout_id, in_use.image_id, analysing.image_id} <= kept
    assert {training_photo.id, standing_for_its_photo.image_id, standing_for_its_photo.cutout_id} <= kept
    assert counts["assets"] == 1 and own_cutout not in kept  # today's process no longer uses it

    FineTune.objects.filter(id=training.id).update(status=FineTune.Status.FAILED)
    after = retention.expire(30)  # a fine-tune that ended needs its photos no more
    assert (after["recommendations"], after["assets"]) == (1, 3)


def test_expiry_removes_a_finished_fine_tunes_upload_and_keeps_its_weights(tenant: Tenant) -> None:
    fine_tune = FineTune(application=tenant.application, steps=10, status=FineTune.Status.COMPLETED)
    fine_tune.upload.save("photos.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=False)
    fine_tune.weights.save("lora.safetensors", ContentFile(b"weights"), save=False)
    fine_tune.finished_at = timezone.now() - timedelta(days=40)
    fine_tune.save()
    upload, weights = fine_tune.upload.name or "", fine_tune.weights.name or ""

    assert retention.expire(30)["fine_tune_uploads"] == 1
    fine_tune.refresh_from_db()
    assert fine_tune.upload.name == "" and fine_tune.weights.name == weights
    assert purge_discarded(0) == (1, 0)
    assert stored(upload, weights) == [False, True]


def test_operators_run_it_now_with_the_days_they_choose(tenant: Tenant, settings: Any) -> None:
    settings.RETENTION_DAYS, settings.DOWNLOAD_LINK_SECONDS = 0, 0
    finished_process(tenant)
    backdate(Process, 8)
    out = StringIO()
    call_command("clean_storage", stdout=out)  # RETENTION_DAYS=0: nothing expires
    assert out.getvalue().strip() == "files removed: 0, files left: 0" and Process.objects.exists()
    call_command("clean_storage", "--days", "7", stdout=out)
    assert "processes: 1" in out.getvalue() and "files removed: 2" in out.getvalue()
    assert not Process.objects.exists()
    with pytest.raises(CommandError, match="--days"):
        call_command("clean_storage", "--days", "-1")


def test_the_beat_job_runs_every_ten_minutes_and_expires_when_asked(tenant: Tenant, settings: Any) -> None:
    assert settings.CELERY_BEAT_SCHEDULE["clean-storage"] == {"task": "ops.clean_storage", "schedule": 600}
    settings.RETENTION_DAYS, settings.DOWNLOAD_LINK_SECONDS = 30, 0
    process, (task,) = finished_process(tenant)
    backdate(Process, 31)
    backdate(Asset, 31)
    counts = clean_storage.apply().get()
    assert counts["processes"] == 1 and counts["assets"] == 1 and counts["files_removed"] == 3
    assert not any(stored(*files_of(task), process.cutout.file.name or ""))
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.png"))


def start_in_thread(tenant: Tenant, cutout: Asset, results: dict[str, Any]) -> threading.Thread:
    """AdCreative's service, as a request runs it, in a thread (a connection) of its own."""
    specs = [
        services.PromptSpec({"tag": "preset", "preset": "white_background"}, "white_background", "x", "")
    ]
    request = services.ProcessRequest(None, cutout, "bottle", "", specs, False, True, 1, "")

    def run() -> None:
        try:
            results["process"], _ = services.start(tenant.application, request)
        except Exception as exc:
            results["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_an_ad_creative_that_races_the_expiry_of_its_cut_out_is_told_it_is_gone(
    tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    cutout, results = cutout_asset(tenant), dict[str, Any]()
    deleted, commit, waiting = threading.Event(), threading.Event(), threading.Event()
    hold = services._hold

    def noted_hold(asset: Asset) -> None:
        waiting.set()
        hold(asset)

    monkeypatch.setattr(services, "_hold", noted_hold)

    def expire() -> None:
        with transaction.atomic():
            Asset.objects.filter(pk=cutout.pk).delete()  # as the expiry does, not committed yet
            deleted.set()
            commit.wait(10)
        connection.close()

    expiry = threading.Thread(target=expire)
    expiry.start()
    assert deleted.wait(10)
    with mock.patch.object(render, "delay"), mock.patch.object(render_process, "delay"):
        request = start_in_thread(tenant, cutout, results)
        assert waiting.wait(10)
        time.sleep(0.3)  # the request now waits for the cut-out's row
        commit.set()
        request.join(10)
    expiry.join(10)
    assert isinstance(results.get("error"), NotFound), results  # the contract's 404, not a database error
    assert not Process.objects.exists() and not Asset.objects.filter(pk=cutout.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_an_expiry_that_races_an_ad_creative_keeps_the_cut_out(
    tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    cutout, results = cutout_asset(tenant), dict[str, Any]()
    backdate(Asset, 40)
    holding, release = threading.Event(), threading.Event()
    open_process = services._open

    def slow_open(*arguments: Any) -> Any:
        holding.set()  # the cut-out's row is held; the process is not made yet
        release.wait(10)
        return open_process(*arguments)

    monkeypatch.setattr(services, "_open", slow_open)
    counts: dict[str, int] = {}

    def expire() -> None:
        counts.update(retention.expire(30))
        connection.close()

    with mock.patch.object(render, "delay"), mock.patch.object(render_process, "delay"):
        request = start_in_thread(tenant, cutout, results)
        assert holding.wait(10)
        expiry = threading.Thread(target=expire)
        expiry.start()
        time.sleep(0.5)  # the expiry now waits to delete the row
        release.set()
        request.join(10)
        expiry.join(10)
    assert "error" not in results and counts["assets"] == 0
    assert Process.objects.filter(cutout=cutout).exists() and Asset.objects.filter(pk=cutout.pk).exists()
