"""manage.py runstack: the web server and both Celery workers in one terminal, for one machine.

This is what `make run` starts on the embedded defaults; in production each process runs on its own
(docker-compose.yml). Ctrl-C stops them all; if one dies, the others are stopped too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from adcreative.recommendations.tasks import warm_up


def stack(bind: str, web_workers: int) -> dict[str, list[str]]:
    celery = [sys.executable, "-m", "celery", "-A", "adcreative"]
    return {
        "web": [sys.executable, "-m", "gunicorn", "adcreative.wsgi", "--bind", bind,
                "--workers", str(web_workers), "--worker-class", "gthread", "--threads", "8",
                "--access-logfile", "-"],
        "worker-gpu": [*celery, "worker", "-Q", "gpu", "-c", "1", "-n", "gpu@%h", "-l", "INFO"],
        "worker-cpu": [*celery, "worker", "-Q", "default", "-c", "2", "-n", "cpu@%h", "-l", "INFO"],
        "beat": [*celery, "beat", "-l", "INFO", "-s", str(settings.VAR_DIR / "celerybeat-schedule")],
    }  # fmt: skip


class Command(BaseCommand):
    help = "Run the web server, the gpu and default workers and beat together until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("WEB_BIND", "127.0.0.1:8000"))
        parser.add_argument("--web-workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))

    def handle(self, *args: Any, **options: Any) -> None:
        processes = {
            name: subprocess.Popen(command, cwd=settings.BASE_DIR)
            for name, command in stack(options["bind"], options["web_workers"]).items()
        }
        self.stdout.write(f"Serving http://{options['bind']}/  (API docs at /api/docs/, admin at /admin/)")
        warm_up.delay()  # the gpu worker loads its models now, not on the first photo
        try:
            exited = supervise(processes)
            if exited:
                self.stderr.write(f"{', '.join(exited)} exited; stopping the others.")
        finally:
            stop_all(processes)


def supervise(processes: dict[str, subprocess.Popen[bytes]]) -> list[str]:
    """Wait for Ctrl-C (or SIGTERM) or for a process to exit; the names of those that exited."""
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping:
        exited = [name for name, process in processes.items() if process.poll() is not None]
        if exited:
            return exited
        time.sleep(0.5)
    return []


def stop_all(processes: dict[str, subprocess.Popen[bytes]]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
