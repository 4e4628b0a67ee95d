"""Download: conversions against bare Pillow / reportlab, and PNG throughput against a bare FileResponse.

1. Conversions of one 1674x628 studio creative (goal: ours ÷ bare ≤ 1.2), measured turn about:
   - JPEG: the first full-size JPEG download's conversion (decode, sRGB, encode, store the file, record
     the Rendition) ÷ bare Pillow decoding the PNG and encoding the same JPEG (quality, progressive,
     subsampling) into memory.
   - PDF: the same for the full-size PDF ÷ bare reportlab drawing the decoded image on one page.
2. Requests per second through one gunicorn process of eight threads as `make web` runs each of its
   processes (with two, which process a client's connections land on moved each round's ratio between 0.5x
   and 1.9x), with wrk where it is installed, else bench/httpload.py's asyncio client (the table says which):
   - PNG downloads: GET /api/v1/Image/ProductGeneration/Download (auth, validation, the task lookup, the
     credit check, the stored PNG streamed) ÷ a bare Django view streaming the same file with
     FileResponse, on the same server (`bench/download_urls.py` adds it); goal ≥ 0.8x;
   - CheckUserProgress of the application (one process, one task) ÷ a bare DRF view answering a small
     JSON document, same server; goal ≥ 0.7x.
"""

from __future__ import annotations

import io
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = tempfile.mkdtemp(prefix="bench-download-")
ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "bench.download_settings", "VAR_DIR": VAR,
    "DATABASE_URL": f"sqlite:///{VAR}/db.sqlite3", "CELERY_BROKER_URL": "memory://",
    "ALLOWED_HOSTS": "testserver,127.0.0.1", "HF_HUB_OFFLINE": "1", "LOG_LEVEL": "WARNING",
    "THROTTLE_RATE_APPLICATION": "100000000/second", "THROTTLE_RATE_POLL": "100000000/second",
}  # fmt: skip
os.environ.update(ENVIRONMENT)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from PIL import Image  # noqa: E402
from reportlab.lib.utils import ImageReader  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from adcreative.assets.models import Asset  # noqa: E402
from adcreative.assets.storage import atomic_with_files  # noqa: E402
from adcreative.creatives import services, state  # noqa: E402
from adcreative.creatives.models import Task  # noqa: E402
from adcreative.downloads import renditions as downloads  # noqa: E402
from adcreative.downloads.models import Rendition  # noqa: E402
from adcreative.tenancy import credits  # noqa: E402
from adcreative.tenancy.models import Application  # noqa: E402
from bench.figures import Figure, record  # noqa: E402
from bench.httpload import free_port, requests_per_second, tool, wait_for_port  # noqa: E402
from presets import load_catalog  # noqa: E402
from tests.drawing import drawn_cutout  # noqa: E402
from workers.imaging import encode_png  # noqa: E402
from workers.render.engines import StudioEngine  # noqa: E402
from workers.render.job import RenderJob, run_batch  # noqa: E402

REPEATS = 15
ROUNDS = 5


def completed_task() -> tuple[Application, dict[str, str], Task]:
    """An application with credits and one completed task holding a real studio creative."""
    application = Application(name="bench")
    secret = application.set_credentials()
    application.save()
    credits.open_account(application, 1_000_000, "bench")
    job = RenderJob("natural_beige_background", "", disable_safe_margin=False, use_same_style=True, seed=3)
    (result,) = run_batch([job], drawn_cutout(), load_catalog(), report=lambda _: None, engine=StudioEngine())
    with atomic_with_files() as files:
        cutout = files.store(
            application, Asset.Kind.CUTOUT, encode_png(drawn_cutout()), "image/png", (300, 420)
        )
    spec = services.PromptSpec({"tag": "preset", "preset": job.preset_id}, job.preset_id, "bottle", "")
    request = services.ProcessRequest(None, cutout, "bottle", "", [spec], False, True, 1, "")
    _, (task,) = services.start(application, request)
    claimed = state.claim(str(task.id))
    assert claimed is not None
    state.advance(claimed, Task.State.FINALIZING, 90)
    assert state.complete(claimed, result.png, result.thumbnail_jpeg, {}, engine="studio")
    headers = {"x-api-key": secret.api_key, "x-api-secret": secret.api_secret}
    return application, headers, Task.objects.select_related("process").get(id=task.id)


def seconds(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def turn_about(baseline, candidate, repeats: int = REPEATS, reset=lambda: None) -> tuple[float, float]:
    """Medians of the two, measured turn about; `reset` runs untimed before each of the candidate's runs."""
    base, ours = [], []
    for _ in range(repeats):
        base.append(seconds(baseline))
        reset()
        ours.append(seconds(candidate))
    return statistics.median(base), statistics.median(ours)


def conversions(task: Task) -> None:
    png = Path(task.result.path).read_bytes()

    def bare_jpeg() -> None:
        with Image.open(io.BytesIO(png)) as image:
            image.convert("RGB").save(
                io.BytesIO(), "JPEG", quality=downloads.JPEG_QUALITY, progressive=True, subsampling="4:4:4"
            )

    def bare_pdf() -> None:
        with Image.open(io.BytesIO(png)) as image:
            canvas = Canvas(io.BytesIO(), pagesize=image.size, pdfVersion=(1, 6), pageCompression=1)
            canvas.drawImage(ImageReader(image.convert("RGB")), 0, 0, *image.size)
            canvas.showPage()
            canvas.save()

    def forget_renditions() -> None:  # so that the next download is a first one
        for rendition in Rendition.objects.filter(task=task):
            rendition.file.delete(save=False)
            rendition.delete()

    for label, bare, fmt in (
        ("JPEG", bare_jpeg, downloads.Format.JPEG),
        ("PDF", bare_pdf, downloads.Format.PDF),
    ):
        base, ours = turn_about(
            bare, lambda fmt=fmt: downloads.served_file(task, False, fmt), reset=forget_renditions
        )
        print(
            f"{label:4} conversion: ours {ours * 1000:6.1f} ms, bare {base * 1000:6.1f} ms -> {ours / base:.2f}x"
        )
        record(
            Figure(f"first {label} conversion of a download", ours, "s", base, goal=1.1, script="download.py")
        )


def paired(ours_url: str, bare_url: str, headers: dict[str, str]) -> tuple[float, float, float]:
    """Median requests/s of ours and of the bare URL, measured turn about; and the ratio's spread."""
    requests_per_second(ours_url, headers, 2), requests_per_second(bare_url, {}, 2)  # warm both up
    ours, bare = [], []
    for _ in range(ROUNDS):  # five: one round disturbed by a neighbour moves the medians little
        bare.append(requests_per_second(bare_url, {}, 4))
        ours.append(requests_per_second(ours_url, headers, 4))
    ratios = [o / b for o, b in zip(ours, bare, strict=True)]
    print("  rounds, ours ÷ bare:", " ".join(f"{r:.2f}" for r in ratios))
    return statistics.median(ours), statistics.median(bare), max(ratios) - min(ratios)


def throughput(task: Task, headers: dict[str, str]) -> None:
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
        env={**os.environ, **ENVIRONMENT},
        start_new_session=True,
    )
    try:
        wait_for_port(port)
        base, api = f"http://127.0.0.1:{port}", "/api/v1/Image/ProductGeneration"
        application = f"applicationId={task.process.application_id}"
        download = f"{base}{api}/Download?{application}&taskId={task.id}&imageProductGeneratorProcessId={task.process_id}"
        for name, ours_url, bare_url, goal in (
            ("PNG downloads", download, f"{base}/bench/bare-file/{task.id}", 0.8),
            (
                "CheckUserProgress",
                f"{base}{api}/CheckUserProgress?{application}",
                f"{base}/bench/bare-json",
                0.7,
            ),
        ):
            ours, bare, spread = paired(ours_url, bare_url, headers)
            print(f"{name} ({tool()}): {ours:7.0f} req/s, bare {bare:7.0f} req/s -> {ours / bare:.2f}x")
            record(
                Figure(
                    f"{name} requests/s ({tool()})",
                    ours,
                    "req/s",
                    bare,
                    goal=goal,
                    at_most=False,
                    spread=spread,
                    script="download.py",
                )
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)


def main() -> None:
    call_command("migrate", verbosity=0)
    _, headers, task = completed_task()
    print(f"creative {task.width}x{task.height}, PNG {task.result.size} bytes; CPU count {os.cpu_count()}")
    conversions(task)
    throughput(task, headers)


if __name__ == "__main__":
    main()
