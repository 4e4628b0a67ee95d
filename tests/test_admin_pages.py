"""Operators in the Django admin: thumbnails of creatives and cut-outs, the photo beside its cut-out,
filters, usage, re-runs of failed tasks (not charged) and the delivery log of a channel."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any
from unittest import mock

from django.test import Client
from PIL import Image

from adcreative.creatives import state
from adcreative.creatives.models import Process, Task
from adcreative.creatives.tasks import render, render_process
from adcreative.recommendations.models import Recommendation
from adcreative.tenancy.models import CreditEntry
from tests.conftest import Tenant
from tests.helpers import cutout_asset, queued_process
from tests.test_download import balance, download, finished_process

PREVIEW = re.compile(rb'<img src="(/admin/preview/[^"]+)"')


def previews(page: Any) -> list[str]:
    return [url.decode() for url in PREVIEW.findall(page.content)]


def image_of(response: Any) -> Image.Image:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    image = Image.open(BytesIO(body))
    image.load()
    return image


def test_a_process_page_shows_each_creative_and_the_cutout(admin_client: Client, tenant: Tenant) -> None:
    process, tasks = finished_process(tenant, tasks=2)
    page = admin_client.get(f"/admin/creatives/process/{process.id}/change/")
    assert page.status_code == 200
    urls = previews(page)
    assert len(urls) == 3  # the cut-out and the two creatives
    kinds = {image_of(admin_client.get(url)).mode for url in urls}
    assert kinds == {"RGBA", "RGB"}  # the cut-out keeps its transparency; creatives are JPEG thumbnails
    listing = admin_client.get("/admin/creatives/process/")
    assert len(previews(listing)) == 2  # a strip of the creatives on each row
    task_page = admin_client.get(f"/admin/creatives/task/{tasks[0].id}/change/")
    (url,) = previews(task_page)
    assert image_of(admin_client.get(url)).width == 837  # the creative, half size
    full = re.search(rb'<a href="(/admin/preview/[^"]+)"', task_page.content)
    assert full is not None
    assert image_of(admin_client.get(full.group(1).decode())).size == (1674, 628)


def test_a_task_page_lists_the_conversions_download_made_of_it(
    admin_client: Client, client: Client, tenant: Tenant
) -> None:
    """The downloads app adds its part to the creatives' Task page through that app's admin hook."""
    _, (task,) = finished_process(tenant)
    assert download(client, tenant, task, format="1").status_code == 200  # a JPEG conversion, kept
    page = admin_client.get(f"/admin/creatives/task/{task.id}/change/")
    assert page.status_code == 200 and b"Renditions" in page.content and b"jpeg" in page.content.lower()


def test_previews_are_for_staff_only_and_only_of_what_the_admin_signed(
    admin_client: Client, client: Client, tenant: Tenant
) -> None:
    process, _ = finished_process(tenant)
    (url, *_) = previews(admin_client.get(f"/admin/creatives/process/{process.id}/change/"))
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    assert admin_client.get(url[:-3] + "abc").status_code == 404
    assert admin_client.get("/admin/preview/not-a-token").status_code == 404


def test_a_recommendation_page_shows_the_photo_beside_its_cutout(
    admin_client: Client, tenant: Tenant
) -> None:
    photo, cutout = cutout_asset(tenant), cutout_asset(tenant)
    recommendation = Recommendation.objects.create(
        application=tenant.application, image=photo, cutout=cutout, status="Completed", product_name="bottle"
    )
    page = admin_client.get(f"/admin/recommendations/recommendation/{recommendation.id}/change/")
    assert page.status_code == 200 and b"Photo and cut-out" in page.content
    assert len(previews(page)) == 2
    assert all(admin_client.get(url).status_code == 200 for url in previews(page))
    search = admin_client.get("/admin/recommendations/recommendation/", {"q": str(cutout.id)})
    assert str(recommendation.id).encode() in search.content


def failed_process(tenant: Tenant, prompts: int = 2) -> tuple[Process, list[Task]]:
    process, tasks = queued_process(tenant, prompts=prompts)
    for task in tasks:
        assert state.fail(str(task.id), "render_failed", "The renderer ran out of memory.")
    return process, [Task.objects.get(id=task.id) for task in tasks]


def test_a_failed_process_is_rerun_with_the_same_prompts_and_seeds(
    admin_client: Client, tenant: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    process, failed = failed_process(tenant)
    with (
        mock.patch.object(render, "delay") as sent,
        mock.patch.object(render_process, "delay") as sent_batched,
        django_capture_on_commit_callbacks(execute=True),
    ):
        page = admin_client.post(
            "/admin/creatives/process/",
            {"action": "rerun_failed", "_selected_action": [str(process.id)]},
            follow=True,
        )
    rerun = Process.objects.get(rerun_of=process)
    assert f"as process {rerun.id}".encode() in page.content
    copies = list(rerun.tasks.order_by("order"))
    assert [(t.prompt, t.prompt_text, t.seed, t.width) for t in copies] == [
        (t.prompt, t.prompt_text, t.seed, t.width) for t in failed
    ]
    assert {t.render_state for t in copies} == {Task.State.QUEUED}
    assert sent.call_count + sent_batched.call_count >= 1  # sent to the gpu queue
    assert {t.render_state for t in Task.objects.filter(process=process)} == {Task.State.FAILED}  # unchanged
    waived = CreditEntry.objects.filter(task_id__in=[t.id for t in copies])
    assert [(e.change, e.reason.startswith("Re-run of failed task")) for e in waived] == [(0, True)] * 2


def test_a_rerun_creative_is_downloaded_free(admin_client: Client, client: Client, tenant: Tenant) -> None:
    from tests.test_download import creative

    process, _ = failed_process(tenant, prompts=1)
    with mock.patch.object(render, "delay"), mock.patch.object(render_process, "delay"):
        admin_client.post(
            "/admin/creatives/task/", {"action": "rerun", "_selected_action": [str(process.tasks.get().id)]}
        )
    copy = Task.objects.get(process__rerun_of=process)
    claimed = state.claim(str(copy.id))
    assert claimed is not None and state.advance(claimed, Task.State.FINALIZING, 90)
    assert state.complete(claimed, *creative(), {}, engine="studio")
    before = balance(tenant)
    assert download(client, tenant, Task.objects.get(id=copy.id)).status_code == 200
    assert balance(tenant) == before


def test_completed_tasks_are_not_rerun(admin_client: Client, tenant: Tenant) -> None:
    process, _ = finished_process(tenant)
    page = admin_client.post(
        "/admin/creatives/process/",
        {"action": "rerun_failed", "_selected_action": [str(process.id)]},
        follow=True,
    )
    assert b"Nothing to re-run" in page.content and not Process.objects.filter(rerun_of=process).exists()


def test_processes_filter_by_status_and_search_by_a_task_id(admin_client: Client, tenant: Tenant) -> None:
    failed, failed_tasks = failed_process(tenant)
    done, _ = finished_process(tenant)
    running, _ = queued_process(tenant)
    for status, shown in (("Failed", failed), ("Completed", done), ("Processing", running)):
        page = admin_client.get("/admin/creatives/process/", {"status": status})
        others = {failed, done, running} - {shown}
        assert str(shown.id).encode() in page.content, status
        assert not any(str(other.id).encode() in page.content for other in others), status
    search = admin_client.get("/admin/creatives/process/", {"q": str(failed_tasks[1].id)})
    assert str(failed.id).encode() in search.content and str(done.id).encode() not in search.content
    by_state = admin_client.get("/admin/creatives/task/", {"render_state__exact": Task.State.FAILED})
    assert by_state.status_code == 200 and str(failed_tasks[0].id).encode() in by_state.content


def test_an_application_page_shows_its_usage_over_thirty_days(
    admin_client: Client, client: Client, tenant: Tenant
) -> None:
    _, tasks = finished_process(tenant, tasks=2)
    download(client, tenant, tasks[0])
    page = admin_client.get(f"/admin/tenancy/application/{tenant.id}/change/")
    text = re.sub(r"<[^>]+>", "", page.content.decode())
    for line in ("2 creatives requested", "2 creatives rendered", "1 downloads charged", "1 credits charged"):
        assert line in text, line


def test_a_channel_page_counts_its_deliveries_and_links_its_log(admin_client: Client, tenant: Tenant) -> None:
    from adcreative.notifications.models import Delivery, NotificationChannel

    channel = NotificationChannel.objects.create(
        application=tenant.application, type="Webhook", url="http://x/"
    )
    Delivery.objects.create(
        channel=channel, message_type="ImageGenerationProgress", payload={}, status="sent"
    )
    Delivery.objects.create(
        channel=channel, message_type="ImageGenerationProgress", payload={}, status="failed"
    )
    page = admin_client.get(f"/admin/notifications/notificationchannel/{channel.id}/change/")
    text = page.content.decode()
    assert "1 Sent" in text and "1 Failed (gave up)" in text
    link = re.search(r'href="(/admin/notifications/delivery/\?[^"]+)"', text)
    assert link is not None
    log = admin_client.get(link.group(1).replace("&amp;", "&"))
    assert log.status_code == 200 and "2 deliveries" in log.content.decode()
