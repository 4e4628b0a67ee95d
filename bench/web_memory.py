"""Web memory: the gunicorn worker's resident memory after 1,000 mixed requests against after start-up.

The web process as `make web` runs it (gunicorn, gthread, one worker here), on SQLite, with one application
holding a completed task; a client sends 1,000 requests in turn, mixed as clients mix them: CheckUserProgress,
the PNG download, its JPEG thumbnail, the preset catalog, Credits, and a task that does not exist (404).
Goals: ≤ 150 MB, and ≤ 1.2x the worker's memory after start-up (one request served).

    .venv/bin/python bench/web_memory.py [--requests N]
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.download import ENVIRONMENT, completed_task  # noqa: E402
from bench.figures import Figure, record  # noqa: E402
from bench.httpload import free_port, wait_for_port  # noqa: E402

API = "/api/v1/Image/ProductGeneration"
UNTHROTTLED = {"THROTTLE_RATE_ANONYMOUS": "100000000/second", "THROTTLE_RATE_UPLOAD": "100000000/second"}


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def worker_of(master: int) -> int:
    """The gunicorn worker: the master's only child."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    arguments = parser.parse_args()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    application, headers, task = completed_task()
    query = f"applicationId={application.id}"
    download = f"{API}/Download?{query}&taskId={task.id}&imageProductGeneratorProcessId={task.process_id}"
    paths = [
        f"{API}/CheckUserProgress?{query}",
        download,
        f"{download}&lowResolution=true",
        f"{API}/PresetKeys",
        f"/api/v1/Credits?{query}",
        f"{API}/Download?{query}&taskId={uuid.uuid4()}&imageProductGeneratorProcessId={uuid.uuid4()}",
    ]
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "adcreative.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--worker-class",
            "gthread",
            "--workers",
            "1",
            "--threads",
            "8",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **ENVIRONMENT, **UNTHROTTLED},
        start_new_session=True,
    )
    try:
        wait_for_port(port)
        base, session = f"http://127.0.0.1:{port}", requests.Session()
        session.headers.update(headers)
        assert session.get(base + paths[0], timeout=30).status_code == 200
        worker = worker_of(server.pid)
        started = resident_mb(worker)
        statuses = []
        for path in itertools.islice(itertools.cycle(paths), arguments.requests):
            statuses.append(session.get(base + path, timeout=30).status_code)
        after = resident_mb(worker)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)
    unexpected = [s for s in statuses if s not in (200, 404)]
    assert not unexpected, f"unexpected answers: {sorted(set(unexpected))}"
    print(
        f"web worker resident memory: {started:.1f} MB after start-up, {after:.1f} MB after "
        f"{arguments.requests} mixed requests -> {after / started:.2f}x (goals ≤ 150 MB, ≤ 1.2x)"
    )
    record(
        Figure(
            f"web memory after {arguments.requests} mixed requests",
            after,
            "MB",
            goal=150.0,
            script="web_memory.py",
        )
    )
    record(
        Figure(
            f"web memory growth over {arguments.requests} mixed requests",
            after,
            "MB",
            started,
            goal=1.2,
            script="web_memory.py",
        )
    )


if __name__ == "__main__":
    main()
