"""manage.py runstack: the web server and both Celery workers in one terminal, for one machine.

This is what `make run` starts on the embedded defaults; in production each process runs on its own
(docker-compose.yml). Ctrl-C stops them all; one that exits is started again, as compose's
`restart: unless-stopped` does. "Serving" is said once the web answers and the gpu worker has loaded its
models, so the first request is not the one that waits for them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from adcreative.recommendations.tasks import warm_marker, warm_up

READY_TIMEOUT = 300.0  # seconds to wait for the web and a warm gpu worker before serving regardless


# Every worker runs without gossip and mingle (the Makefile and the compose files say the same): they serve
# nothing here (no worker asks another for its state), and gossip's consumer is the one that took a worker
# down when Redis restarted: kombu asks the connection already gone for its host while the consumer closes.
WORKER_OPTIONS = ("--without-gossip", "--without-mingle", "-l", "INFO")


def stack(bind: str, web_workers: int) -> dict[str, list[str]]:
    celery = [sys.executable, "-m", "celery", "-A", "adcreative"]
    return {
        "web": [sys.executable, "-m", "gunicorn", "adcreative.wsgi", "--bind", bind,
                "--workers", str(web_workers), "--worker-class", "gthread", "--threads", "8",
                "--access-logfile", "-"],
        "worker-gpu": [*celery, "worker", "-Q", "gpu", "-c", "1", "-n", "gpu@%h", *WORKER_OPTIONS],
        "worker-cpu": [*celery, "worker", "-Q", "default", "-c", "2", "-n", "cpu@%h", *WORKER_OPTIONS],
        "beat": [*celery, "beat", "-l", "INFO", "-s", str(settings.VAR_DIR / "celerybeat-schedule")],
    }  # fmt: skip


def environments(metrics_bind: str) -> dict[str, dict[str, str]]:
    """Each process's environment: with WORKER_METRICS_BIND (host:port) the gpu worker serves its metrics
    there and the default worker on the next port (two exporters cannot share one); the others serve none."""
    base = {name: value for name, value in os.environ.items() if name != "WORKER_METRICS_BIND"}
    if not metrics_bind:
        return {}
    host, _, port = metrics_bind.rpartition(":")
    return {
        "web": base, "beat": base,
        "worker-gpu": {**base, "WORKER_METRICS_BIND": f"{host}:{port}"},
        "worker-cpu": {**base, "WORKER_METRICS_BIND": f"{host}:{int(port) + 1}"},
    }  # fmt: skip


class Command(BaseCommand):
    help = "Run the web server, the gpu and default workers and beat together until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("WEB_BIND", "127.0.0.1:8000"))
        parser.add_argument("--web-workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        marker = warm_marker()
        marker.unlink(missing_ok=True)
        self.say("Starting the web server, the workers and beat; the gpu worker loads its models first…")
        warm_up.delay()  # the gpu worker loads its models now, not on the first photo
        bind = options["bind"]
        announce = threading.Thread(
            target=announce_when_ready, args=(bind, marker, stop, self.say, READY_TIMEOUT), daemon=True
        )
        announce.start()
        envs = environments(os.environ.get("WORKER_METRICS_BIND", ""))
        supervise(stack(bind, options["web_workers"]), stop, self.stderr.write, envs)

    def say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own loopback URL)
            return bool(response.status == 200)
    except OSError:
        return False


def announce_when_ready(
    bind: str, marker: Path, stop: threading.Event, say: Callable[[str], object], timeout: float
) -> bool:
    """Say "Serving" once the web answers /healthz and the gpu worker has written `marker` (its models
    loaded); after `timeout` seconds, say it anyway with what is still missing. True when all was ready."""
    deadline = time.monotonic() + timeout
    web = warm = False
    while not stop.wait(0.2):
        web = web or _answers(f"http://{bind}/healthz")
        warm = warm or marker.exists()
        late = time.monotonic() > deadline
        if (web and warm) or late:
            missing = [what for what, ok in (("the web", web), ("the gpu worker's models", warm)) if not ok]
            note = f"; still waiting for {' and '.join(missing)}: see the logs above" if missing else ""
            say(f"Serving http://{bind}/  (API docs at /api/docs/, admin at /admin/){note}")
            return not missing
    return False


def supervise(
    commands: dict[str, list[str]],
    stop: threading.Event,
    say: Callable[[str], object],
    envs: dict[str, dict[str, str]] | None = None,
    output: IO[bytes] | None = None,
) -> None:
    """Run every command (in its environment from `envs`, else this one's; its output to `output`, else
    this terminal) until `stop` is set, starting again whichever exits, however it exits (a worker that a
    broker outage or the kernel's OOM killer ended comes back): 1 s after, then longer, up to 30 s, for one
    that keeps failing; one that had run for STABLE_SECONDS is back in 1 s again."""
    envs = envs or {}

    def start(name: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            commands[name], cwd=settings.BASE_DIR, env=envs.get(name), stdout=output, stderr=output
        )

    processes = {name: start(name) for name in commands}
    try:
        _restart_until(stop, processes, start, say)
    finally:
        stop_all(processes)


STABLE_SECONDS = 60.0  # a process that ran this long before it exited is restarted without a backoff


def _restart_until(
    stop: threading.Event,
    processes: dict[str, subprocess.Popen[bytes]],
    start: Callable[[str], subprocess.Popen[bytes]],
    say: Callable[[str], object],
) -> None:
    backoff = dict.fromkeys(processes, 1.0)
    started_at = dict.fromkeys(processes, time.monotonic())
    restart_at: dict[str, float] = {}
    while not stop.wait(0.5):
        for name, process in processes.items():
            if process.poll() is not None and name not in restart_at:
                if time.monotonic() - started_at[name] >= STABLE_SECONDS:
                    backoff[name] = 1.0
                say(f"{name} exited with {process.returncode}; starting it again in {backoff[name]:.0f} s.")
                restart_at[name] = time.monotonic() + backoff[name]
                backoff[name] = min(30.0, backoff[name] * 2)
        for name in [n for n, at in restart_at.items() if at <= time.monotonic()]:
            processes[name] = start(name)
            started_at[name] = time.monotonic()
            del restart_at[name]


def stop_all(processes: dict[str, subprocess.Popen[bytes]]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
