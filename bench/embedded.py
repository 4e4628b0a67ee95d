"""The stack as `make run` serves it, over HTTP: the first request after "Serving", the Recommendations
round trip and a whole flow against the worker's own task times, and the stack's CPU while idle.

`manage.py runstack` (gunicorn, the gpu and default workers, beat) on the embedded defaults (SQLite and
the filesystem broker in a fresh folder) or, with --postgres, on PostgreSQL and Redis (a fresh database
`bench_embedded` on TEST_DATABASE_URL's server, Redis database 11 of TEST_REDIS_URL's); a client that
knows only HTTP:
1. the seconds from "Serving" to the first Recommendations answer (goal ≤ 3 s: the models are loaded and
   numba's cache is filled before "Serving");
2. each later Recommendations round trip ÷ that task's own time in the worker (claimed → recorded, from
   the record's timestamps), the same photo each time (goal ≤ 1.2x embedded, ≤ 1.1x on PostgreSQL +
   Redis);
3. upload to six downloaded creatives (Recommendations, AdCreative with six presets, CheckUserProgress
   every 0.25 s, the six PNGs) ÷ the sum of the seven tasks' own times in the worker (goal ≤ 1.3x);
4. the CPU every process of the stack uses over 20 s with nothing to do (the broker's polling), as a
   share of one core.

    .venv/bin/python bench/embedded.py [--postgres] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = tempfile.mkdtemp(prefix="bench-embedded-")
POSTGRES = "--postgres" in sys.argv  # read before Django is set up: it chooses the settings
SERVER = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test").rpartition("/")[0]
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15").rpartition("/")[0] + "/11"
ENVIRONMENT = {
    "VAR_DIR": VAR, "DATABASE_URL": f"{SERVER}/bench_embedded" if POSTGRES else f"sqlite:///{VAR}/db.sqlite3",
    "CELERY_BROKER_URL": REDIS if POSTGRES else "filesystem://", "HF_HUB_OFFLINE": "1", "LOG_LEVEL": "WARNING",
    "THROTTLE_RATE_UPLOAD": "100000/minute", "THROTTLE_RATE_POLL": "100000/minute",
}  # fmt: skip
WHERE = "PostgreSQL + Redis" if POSTGRES else "embedded defaults"
os.environ.update(ENVIRONMENT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adcreative.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from bench import stack  # noqa: E402
from bench.figures import Figure, record  # noqa: E402
from bench.httpload import free_port  # noqa: E402

API = "/api/v1/Image/ProductGeneration"
IDLE_SECONDS = 20.0


def fresh_stores() -> None:
    """On PostgreSQL + Redis: an empty database and broker for this run."""
    if not POSTGRES:
        return
    import redis

    stack.fresh_database(ENVIRONMENT["DATABASE_URL"])
    redis.Redis.from_url(REDIS).flushdb()


def application() -> tuple[str, dict[str, str]]:
    made, secrets = stack.funded_application("bench-embedded", 1000)
    return made, {"x-api-key": secrets.api_key, "x-api-secret": secrets.api_secret}


def photo() -> bytes:
    from tests.drawing import bottle_photo, encode

    return encode(bottle_photo(), "JPEG", quality=90)


def recommend(base: str, headers: dict[str, str], data: bytes) -> dict[str, Any]:
    files = {"productImage": ("photo.jpg", data, "image/jpeg")}
    answer = requests.post(f"{base}{API}/Recommendations", files=files, headers=headers, timeout=300)
    while answer.status_code == 202:
        time.sleep(0.1)
        answer = requests.get(answer.headers["Location"], headers=headers, timeout=30)
    if answer.status_code != 200:
        raise SystemExit(f"Recommendations answered {answer.status_code}: {answer.text[:300]}")
    return dict(answer.json())


def task_seconds() -> float:
    """The latest recommendation's time in the worker (the answer's body carries no id: the requests are
    one at a time, so the latest is the one just answered)."""
    from adcreative.recommendations.models import Recommendation

    record = Recommendation.objects.order_by("-queued_at").first()
    assert record is not None
    assert record.started_at is not None and record.finished_at is not None
    return (record.finished_at - record.started_at).total_seconds()


def tree(root: int) -> list[int]:
    """`root` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def serve(port: int) -> tuple[subprocess.Popen[str], float]:
    """The stack, and the moment it said "Serving"."""
    running = stack.serve(port, {**os.environ, **ENVIRONMENT}, subprocess.DEVNULL, f"its folder {VAR}")
    return running, time.monotonic()


def flow(base: str, application_id: str, headers: dict[str, str], data: bytes) -> tuple[float, float]:
    """Upload to six downloaded creatives: (its seconds, the sum of its seven tasks' times in the worker)."""
    from adcreative.creatives.models import Task

    started = time.monotonic()
    found = recommend(base, headers, data)
    recommendation_task = task_seconds()
    prompts = [{"tag": "preset", "preset": key} for key in found["recommendedPresetIds"][:6]]
    form = {"applicationId": application_id, "productImageAssetId": found["backgroundRemovedImageAssetId"],
            "PromptObjectsString": json.dumps(prompts), "productName": found["productInfo"]["productName"]}  # fmt: skip
    made = requests.post(f"{base}{API}/AdCreative", data=form, headers=headers, timeout=60)
    made.raise_for_status()
    query = {
        "applicationId": application_id,
        "imageProductGeneratorProcessId": made.json()["imageProductGeneratorProcessId"],
    }
    while True:
        time.sleep(0.25)
        polled = requests.get(f"{base}{API}/CheckUserProgress", params=query, headers=headers, timeout=30)
        (process,) = polled.json()["processes"]
        if process["progress"] == 100:
            break
    for task in process["tasks"]:
        got = requests.get(base + task["downloadUrl"], headers=headers, timeout=60)
        assert got.status_code == 200 and got.content[:8] == b"\x89PNG\r\n\x1a\n", got.status_code
    took = time.monotonic() - started
    renders = Task.objects.filter(process_id=query["imageProductGeneratorProcessId"])
    in_worker = sum(
        (t.finished_at - t.started_at).total_seconds() for t in renders if t.finished_at and t.started_at
    )
    return took, recommendation_task + in_worker


def measure(rounds: int) -> list[Figure]:
    fresh_stores()
    call_command("migrate", "--noinput", verbosity=0)
    port, (application_id, headers), data = free_port(), application(), photo()
    base = f"http://127.0.0.1:{port}"
    running, serving = serve(port)
    try:
        recommend(base, headers, data)
        first = time.monotonic() - serving
        ratios, trips, tasks = [], [], []
        for _ in range(rounds):
            started = time.monotonic()
            recommend(base, headers, data)
            trips.append(time.monotonic() - started)
            tasks.append(task_seconds())
            ratios.append(trips[-1] / tasks[-1])
        flows = [flow(base, application_id, headers, data) for _ in range(2)]
        time.sleep(2.0)  # let the last task's bookkeeping settle
        pids = tree(running.pid)
        before = cpu_seconds(pids)
        time.sleep(IDLE_SECONDS)
        idle = (cpu_seconds(pids) - before) / IDLE_SECONDS
    finally:
        running.terminate()
        running.wait(timeout=60)
    flow_ratios = [took / worker for took, worker in flows]
    figures = [
        Figure(
            f"Recommendations HTTP round trip, {WHERE}",
            statistics.median(trips),
            "s",
            statistics.median(tasks),
            goal=1.1 if POSTGRES else 1.2,
            spread=max(ratios) - min(ratios),
        ),
        Figure(
            f"upload to six downloaded creatives, {WHERE}",
            statistics.median(f[0] for f in flows),
            "s",
            statistics.median(f[1] for f in flows),
            goal=1.3,
            spread=max(flow_ratios) - min(flow_ratios),
        ),
        Figure(f"idle stack CPU, {WHERE}", 100 * idle, "% of a core"),
    ]
    if not POSTGRES:
        figures.insert(0, Figure("first Recommendations after 'Serving'", first, "s", goal=3.0))
    return [record(replace(figure, script="embedded.py")) for figure in figures]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres", action="store_true", help="on PostgreSQL + Redis (TEST_DATABASE_URL's server)"
    )
    parser.add_argument("--rounds", type=int, default=8)
    arguments = parser.parse_args()
    for figure in measure(arguments.rounds):
        baseline = (
            f" against {figure.baseline:.2f} {figure.unit} in the worker: {figure.ratio:.2f}x"
            if figure.baseline
            else ""
        )
        goal = f" (goal {figure.goal_text()})" if figure.goal else ""
        print(f"{figure.name}: {figure.value:.2f} {figure.unit}{baseline}{goal}")


if __name__ == "__main__":
    main()
