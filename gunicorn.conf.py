"""gunicorn's settings beside its command line: it reads this file from the working directory, so `make web`,
`manage.py runstack` and the compose file's web service all take them."""

import os
import shutil
import tempfile

# The longest request line gunicorn takes (its default is 4094 bytes): a query string up to this long is
# answered by the API, in the contract's error shape, rather than by gunicorn's HTML "414 URI Too Long".
limit_request_line = 8190

# How long an idle keep-alive connection stays open (gunicorn's default is 2 s): longer than the 2 s a
# polling client is told to wait (Retry-After), so its next poll does not race the server closing the
# connection under it ("connection reset" at the client, seen with 200 pollers in bench/load.py).
keepalive = 10

# Metrics: each of gunicorn's worker processes counts into one folder (prometheus-client's multiprocess
# mode), so GET /metrics answers for the whole web whichever worker takes the scrape. Without
# PROMETHEUS_MULTIPROC_DIR, a fresh folder of the master's own, removed when it exits; the workers inherit it.
_made_metrics_folder = ""
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _made_metrics_folder = tempfile.mkdtemp(prefix="photoshoot-web-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _made_metrics_folder


def child_exit(server: object, worker: object) -> None:
    """A worker exited: its live gauges stop counting (its counters stay in the sums)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined,no-untyped-call]


def on_exit(server: object) -> None:
    if _made_metrics_folder:
        shutil.rmtree(_made_metrics_folder, ignore_errors=True)
