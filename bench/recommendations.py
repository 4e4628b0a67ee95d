"""A Recommendations request against the bare model work it wraps, in one process, warm.

request: POST /api/v1/Image/ProductGeneration/Recommendations through Django (upload checks, storing the
photo and the cut-out, the records, the JSON), the worker task run in-process (Celery eager), SQLite.
bare: `rembg.remove` + one EfficientNet-Lite0 pass on the same photo, session and model.
Goal: request ÷ bare ≤ 1.5. Uses ../shared/photos when present, else a photo drawn here.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = tempfile.mkdtemp(prefix="bench-recommendations-")
os.environ.update(
    DJANGO_SETTINGS_MODULE="adcreative.settings",
    VAR_DIR=VAR,
    DATABASE_URL=f"sqlite:///{VAR}/db.sqlite3",
    CELERY_BROKER_URL="memory://",
    ALLOWED_HOSTS="testserver",
    HF_HUB_OFFLINE="1",
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from rembg import remove  # noqa: E402

from adcreative.celery import app  # noqa: E402
from adcreative.tenancy.models import Application  # noqa: E402
from bench.figures import Figure, record  # noqa: E402
from tests.drawing import bottle_photo, encode  # noqa: E402
from workers import models  # noqa: E402
from workers.imaging import open_product_image  # noqa: E402
from workers.naming import classify  # noqa: E402
from workers.provision import provision_u2netp  # noqa: E402

REPEATS = 5
PHOTOS = ROOT.parent / "shared" / "photos"


def median_seconds(action) -> float:
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    app.conf.task_always_eager = True  # the worker's task runs in this process, on commit
    call_command("migrate", verbosity=0)
    provision_u2netp(Path(settings.U2NET_HOME))
    application = Application(name="bench")
    secrets = application.set_credentials()
    application.save()
    headers = {"x-api-key": secrets.api_key, "x-api-secret": secrets.api_secret}
    client = Client()
    session = models.rembg_session(settings.REMBG_MODEL, settings.U2NET_HOME)
    classifier = models.classifier()

    photos = {p.name: p.read_bytes() for p in sorted(PHOTOS.glob("*.jpg"))} or {
        "drawn bottle": encode(bottle_photo(), "JPEG")
    }

    def request(data: bytes) -> None:
        upload = SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")
        response = client.post(
            "/api/v1/Image/ProductGeneration/Recommendations", {"productImage": upload}, headers=headers
        )
        assert response.status_code == 200, response.content

    def bare(data: bytes) -> None:
        cutout = remove(open_product_image(data, settings.MAX_IMAGE_PIXELS), session=session)
        classify(cutout, classifier)

    request(next(iter(photos.values())))  # warm: loads MiniLM and embeds the catalog once
    ratios, bases, ourses = [], [], []
    print(f"{'photo':24} {'bare cut-out+classify':>22} {'request':>9} {'ratio':>6}")
    for name, data in photos.items():
        base = median_seconds(lambda data=data: bare(data))
        ours = median_seconds(lambda data=data: request(data))
        ratios.append(ours / base)
        bases.append(base)
        ourses.append(ours)
        print(f"{name:24} {base:21.3f}s {ours:8.3f}s {ours / base:6.2f}")
    print(f"median ratio request ÷ bare: {statistics.median(ratios):.2f} (goal ≤ 1.5)")
    record(
        Figure(
            "Recommendations request in-process (median photo)",
            statistics.median(ourses),
            "s",
            statistics.median(bases),
            goal=1.5,
            spread=max(ratios) - min(ratios),
            script="recommendations.py",
        )
    )


if __name__ == "__main__":
    main()
