"""Prometheus metrics of every process kind: the web's GET /metrics and each worker's exporter
(WORKER_METRICS_BIND) expose the named series, and they move when a whole flow runs on real workers."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import WORKER_METRICS, make_tenant
from tests.drawing import bottle_photo, encode

photoshoot = pytest.importorskip(
    "photoshoot", reason="the client is installed with `pip install -e ./client`"
)
from photoshoot import Photoshoot, preset  # noqa: E402

from tests.test_client import receiver  # noqa: E402

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(url: str) -> Samples:
    with urllib.request.urlopen(url, timeout=10) as response:
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sample's value; 0 where it is not there yet (a series appears with its first count)."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


DELIVERIES = "photoshoot_notification_deliveries_total"


def changed(
    before: dict[str, Samples], after: dict[str, Samples], kind: str, name: str, **labels: str
) -> bool:
    return value(after[kind], name, **labels) > value(before[kind], name, **labels)


def everything(live_server: Any) -> dict[str, Samples]:
    targets = {"web": f"{live_server.url}/metrics"}
    targets |= {queue: f"http://{bind}/metrics" for queue, bind in WORKER_METRICS.items()}
    return {kind: scrape(url) for kind, url in targets.items()}


def test_the_series_move_when_a_flow_runs(
    live_server: Any, celery_worker: subprocess.Popen[bytes], tmp_path: Path, settings: Any
) -> None:
    settings.NOTIFICATION_ALLOW_PRIVATE_ADDRESSES = True  # the receiver is on loopback
    tenant = make_tenant(balance=10)
    key = tenant.credentials
    photo = tmp_path / "bottle.jpg"
    photo.write_bytes(encode(bottle_photo(), "JPEG"))
    before = everything(live_server)
    with (
        receiver() as url,
        Photoshoot(live_server.url, tenant.id, api_key=key.api_key, api_secret=key.api_secret) as api,
    ):
        api.create_channel({"type": "Webhook", "url": url})
        found = api.recommend(photo)
        done = api.wait(api.ad_creative(found, [preset("white_background")], seed=3), interval=0.3)
        api.download(done["tasks"][0], process=done, format="jpeg")
        webhook = {"channel_type": "Webhook", "outcome": "sent"}
        deadline = time.monotonic() + 60  # the webhooks go out on the default worker, after the renders
        while not changed(before, after := everything(live_server), "default", DELIVERIES, **webhook):
            assert time.monotonic() < deadline, "no webhook delivery was counted"
            time.sleep(0.5)

    def moved(kind: str, name: str, **labels: str) -> bool:
        return changed(before, after, kind, name, **labels)

    gpu = {"queue": "gpu", "outcome": "success"}
    assert moved("gpu", "photoshoot_celery_tasks_total", task="gpu.recommend", **gpu)
    assert moved("gpu", "photoshoot_celery_tasks_total", **gpu, task=celery_render_task(after["gpu"]))
    for stage in ("recommendation", "cutout", "render"):
        assert moved("gpu", "photoshoot_stage_duration_seconds_count", stage=stage), stage
    assert moved("web", "photoshoot_credits_charged_total")
    assert moved("web", "photoshoot_stage_duration_seconds_count", stage="download_conversion")
    assert value(after["web"], "photoshoot_tasks", render_state="Completed") >= 1
    assert ("photoshoot_queue_depth", (("queue", "gpu"),)) in after["web"]
    assert ("photoshoot_queue_depth", (("queue", "default"),)) in after["web"]


def celery_render_task(samples: Samples) -> str:
    """gpu.render or gpu.render_process: whichever the chosen engine sends (batched or one by one)."""
    names = {
        dict(labels).get("task", "") for name, labels in samples if name == "photoshoot_celery_tasks_total"
    }
    (render,) = {name for name in names if name.startswith("gpu.render")}
    return render
