"""The Django project of the Product Photoshoot API."""

import os
import sys
import tempfile

# A Celery worker that serves metrics (WORKER_METRICS_BIND) counts in every pool process through
# prometheus-client's multiprocess mode, in a folder of its own made fresh at each start (removed at its
# shutdown). The mode is chosen when prometheus_client is imported, which Celery's command line has
# already done (Flower's plugin): it is chosen again here, before any of this project's series exists.
# PROMETHEUS_MULTIPROC_DIR as configured is the web's (gunicorn's workers).
if "worker" in sys.argv and os.environ.get("WORKER_METRICS_BIND"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="photoshoot-worker-metrics-")
    if "prometheus_client.values" in sys.modules:
        from prometheus_client import values

        values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]

from adcreative.celery import app as celery_app

__all__ = ["celery_app"]
