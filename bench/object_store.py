"""The whole client flow with every file in an S3-compatible store, against the same flow on local disk, in
the same run.

Three stacks (`manage.py runstack`: gunicorn, the gpu and default workers, beat) run side by side on this
machine's PostgreSQL (one fresh database `bench_object_store` on TEST_DATABASE_URL's server) and Redis (a
db of each stack's own, 7 to 9 of TEST_REDIS_URL's): one on local disk (the default, the baseline), one
with `STORAGE_URL=s3://…` on moto's S3 server started here on loopback, and one on the same store with
`DOWNLOAD_REDIRECT=presigned`. The same client flow runs on each in turn, `--rounds` times (default 3),
so the machine's noise falls on all three alike: upload a photo to Recommendations, AdCreative with six
presets, poll CheckUserProgress every 0.25 s, then download every creative full size as PNG, JPEG and PDF
(the first JPEG and PDF of each are converted and stored on that request). Figures: the median flow on
each store ÷ the median on local disk (goal ≤ 1.25x: moto is a Python server; a real store, MinIO or S3,
sits on another machine's disks and network, so this measures the project's own cost of speaking S3).

    .venv/bin/python bench/object_store.py [--rounds N]
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test").rpartition("/")[0]
DATABASE_URL = f"{SERVER}/bench_object_store"
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15").rpartition("/")[0]
KEYS = {
    "STORAGE_ACCESS_KEY_ID": "bench",
    "STORAGE_SECRET_ACCESS_KEY": "bench-secret",
    "STORAGE_REGION": "us-east-1",
}
os.environ.update({"DATABASE_URL": DATABASE_URL, "HF_HUB_OFFLINE": "1", "LOG_LEVEL": "WARNING"})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adcreative.settings")

import django  # noqa: E402

django.setup()

import photoshoot  # noqa: E402
import redis  # noqa: E402
from django.core.management import call_command  # noqa: E402
from photoshoot.client import Format  # noqa: E402

from bench import stack  # noqa: E402
from bench.figures import Figure, record  # noqa: E402
from bench.httpload import free_port, wait_for_port  # noqa: E402

STACKS = {  # name → (Redis db, settings on top of the shared ones)
    "local disk": (7, {}),
    "S3 (moto on loopback), streamed": (8, {"STORAGE_URL": "s3://{bucket}/media", "STORAGE_ENDPOINT_URL": "{endpoint}"}),
    "S3 (moto on loopback), presigned": (9, {"STORAGE_URL": "s3://{bucket}/media", "STORAGE_ENDPOINT_URL": "{endpoint}",
                                             "DOWNLOAD_REDIRECT": "presigned"}),
}  # fmt: skip
FORMATS: tuple[Format, ...] = ("png", "jpeg", "pdf")


@contextmanager
def moto(folder: Path) -> Iterator[str]:
    """moto's S3 server on loopback, with a bucket; its endpoint."""
    import boto3

    port = free_port()
    with (folder / "moto.log").open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log
        )
        try:
            wait_for_port(port)
            endpoint = f"http://127.0.0.1:{port}"
            boto3.client(
                "s3",
                endpoint_url=endpoint,
                region_name="us-east-1",
                aws_access_key_id="bench",
                aws_secret_access_key="bench-secret",
            ).create_bucket(Bucket="bench-object-store")
            yield endpoint
        finally:
            server.terminate()
            server.wait(timeout=30)


@contextmanager
def running_stack(folder: Path, db: int, extra: dict[str, str], endpoint: str) -> Iterator[str]:
    """A runstack of its own folder and broker; its base URL once it says "Serving"."""
    port = free_port()
    folder.mkdir()
    env = {
        **os.environ, **KEYS, "VAR_DIR": str(folder), "STORAGE_ROOT": str(folder / "media"),
        "CELERY_BROKER_URL": f"{REDIS}/{db}",
        "THROTTLE_RATE_UPLOAD": "100000/minute", "THROTTLE_RATE_POLL": "100000/minute",
        **{name: value.format(bucket="bench-object-store", endpoint=endpoint) for name, value in extra.items()},
    }  # fmt: skip
    redis.Redis.from_url(f"{REDIS}/{db}").flushdb()
    with (folder / "runstack.log").open("w") as log:
        process = stack.serve(port, env, log, str(folder / "runstack.log"))
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=60)


PHASES = ("Recommendations", "AdCreative to all rendered", "18 downloads")


def flow(api: photoshoot.Photoshoot, photo: Path) -> list[float]:
    """Upload to every creative downloaded in every format: the seconds of each of its PHASES."""
    marks = [time.monotonic()]
    found = api.recommend(photo)
    marks.append(time.monotonic())
    prompts = [photoshoot.preset(p) for p in found["recommendedPresetIds"][:6]]
    done = api.wait(api.ad_creative(found, prompts, seed=5), interval=0.25, timeout=600)
    marks.append(time.monotonic())
    for task in done["tasks"]:
        assert task["renderState"] == 5, task
        for fmt in FORMATS:
            body = api.download(task, process=done, format=fmt).content
            assert body[:2] in (b"\x89P", b"\xff\xd8", b"%P"), (fmt, body[:8])
    marks.append(time.monotonic())
    return [later - earlier for earlier, later in itertools.pairwise(marks)]


def measure(rounds: int) -> tuple[list[Figure], dict[str, list[float]]]:
    """The figures, and each stack's median seconds per phase."""
    from tests.drawing import bottle_photo, encode

    stack.fresh_database(DATABASE_URL)
    call_command("migrate", "--noinput", verbosity=0)
    application_id, secrets = stack.funded_application("bench-object-store", 10_000)
    api_key, api_secret = secrets.api_key, secrets.api_secret
    folder = Path(tempfile.mkdtemp(prefix="bench-object-store-"))
    photo = folder / "bottle.jpg"
    photo.write_bytes(encode(bottle_photo(), "JPEG", quality=90))
    with ExitStack() as running:
        endpoint = running.enter_context(moto(folder))
        clients = {}
        for name, (db, extra) in STACKS.items():
            base = running.enter_context(running_stack(folder / uuid.uuid4().hex[:8], db, extra, endpoint))
            clients[name] = photoshoot.Photoshoot(
                base, application_id, api_key=api_key, api_secret=api_secret
            )
        for api in clients.values():
            flow(api, photo)  # each stack's first flow: out of the figures
        phases: dict[str, list[list[float]]] = {name: [] for name in clients}
        for _ in range(rounds):
            for name, api in clients.items():
                phases[name].append(flow(api, photo))
    seconds = {name: [sum(run) for run in runs] for name, runs in phases.items()}
    baseline = statistics.median(seconds["local disk"])
    figures = []
    for name, taken in list(seconds.items())[1:]:
        ratios = [a / b for a, b in zip(taken, seconds["local disk"], strict=True)]
        figures.append(
            Figure(
                f"upload to 18 downloads, {name}",
                statistics.median(taken),
                "s",
                baseline,
                goal=1.25,
                spread=max(ratios) - min(ratios),
                script="object_store.py",
            )
        )
    medians = {
        name: [statistics.median(step) for step in zip(*runs, strict=True)] for name, runs in phases.items()
    }
    return [record(figure) for figure in figures], medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    figures, phases = measure(arguments.rounds)
    print(f"{'median seconds':34}" + "".join(f"{phase:>28}" for phase in PHASES))
    for name, medians in phases.items():
        print(f"{name:34}" + "".join(f"{seconds:28.2f}" for seconds in medians))
    for figure in figures:
        print(
            f"{figure.name}: {figure.value:.2f} s against {figure.baseline:.2f} s on local disk: "
            f"{figure.ratio:.2f}x (goal {figure.goal_text()}, spread {figure.spread:.2f})"
        )


if __name__ == "__main__":
    main()
