"""The Python client and the `photoshoot` CLI (client/) against a live server and real workers.

The server is pytest-django's live server in this process (so a test can tighten a rate limit), on the
test database; renders run on the real Celery workers, as everywhere else a flow crosses the queue.
"""

from __future__ import annotations

import gc
import io
import json
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from adcreative.api.throttling import BucketThrottle, RateThrottle
from adcreative.creatives.models import Process
from tests.conftest import Tenant, make_tenant
from tests.drawing import bottle_photo, encode

photoshoot = pytest.importorskip(
    "photoshoot", reason="the client is installed with `pip install -e ./client`"
)
from photoshoot import (  # noqa: E402
    BusinessError,
    Photoshoot,
    PhotoshootError,
    RateLimited,
    ValidationError,
    custom,
    preset,
)
from photoshoot.cli import main  # noqa: E402
from photoshoot.types import TaskFormat  # noqa: E402

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("URL", "APPLICATION_ID", "API_KEY", "API_SECRET", "JWT_PRIVATE_KEY"):
        monkeypatch.delenv(f"PHOTOSHOOT_{name}", raising=False)


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "bottle.jpg"
    path.write_bytes(encode(bottle_photo(), "JPEG"))
    return path


@pytest.fixture(autouse=True)
def _clients_closed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every client's kept-alive connections closed after the test: the live server's thread for each
    holds a database connection while its connection stays open, and the test database cannot be dropped."""
    made: list[Photoshoot] = []
    original = Photoshoot.__init__

    def remembered(self: Photoshoot, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(Photoshoot, "__init__", remembered)
    yield
    for client in made:
        client.close()
    gc.collect()  # and the connections only a caught exception's traceback still held (cyclic garbage)


def api_for(server: Any, tenant: Tenant, **options: Any) -> Photoshoot:
    key = tenant.credentials
    return Photoshoot(server.url, tenant.id, api_key=key.api_key, api_secret=key.api_secret, **options)


def credentials(server: Any, tenant: Tenant) -> list[str]:
    key = tenant.credentials
    return [
        "--url",
        server.url,
        "--application-id",
        tenant.id,
        "--api-key",
        key.api_key,
        "--api-secret",
        key.api_secret,
    ]


@contextmanager
def receiver() -> Iterator[str]:
    """A webhook receiver on loopback that answers every POST 204."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()


def test_the_client_runs_a_whole_flow(
    live_server: Any, celery_worker: subprocess.Popen[bytes], photo: Path, settings: Any
) -> None:
    settings.NOTIFICATION_ALLOW_PRIVATE_ADDRESSES = True  # the receiver is on loopback
    tenant = make_tenant(balance=10)
    api = api_for(live_server, tenant)
    assert {"white_background", "natural_beige_background"} <= {p["id"] for p in api.presets()}
    assert api.preset_preview("white_background")[:4] == b"RIFF"  # WebP
    found = api.recommend(photo)
    assert len(found["recommendedPrompts"]) == 4 and len(set(found["recommendedPresetIds"])) == 6
    assert api.asset(found["backgroundRemovedImageAssetId"]).startswith(b"\x89PNG")

    process = api.ad_creative(found, [preset("white_background"), custom("on a marble counter")], seed=7)
    seen: list[int] = []
    done = api.wait(process, on_update=lambda p: seen.append(p["progress"]), interval=0.3)
    assert [t["renderState"] for t in done["tasks"]] == [5, 5] and seen == sorted(seen)
    first, second = done["tasks"]
    png = api.download(first, process=done)
    assert png.filename == f"{first['taskId']}.png" and png.content.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(png.content)).size == (1674, 628)
    assert api.download(first, process=done, format="pdf").content.startswith(b"%PDF-1.6")
    thumbnail = api.download(second, process=done, format="jpeg", low_resolution=True)
    assert (
        thumbnail.content_type == "image/jpeg" and max(Image.open(io.BytesIO(thumbnail.content)).size) == 600
    )
    assert api.credits()["balance"] == 8  # one credit per task, whatever the formats
    assert (
        api.progress()["processes"][0]["imageProductGeneratorProcessId"]
        == done["imageProductGeneratorProcessId"]
    )
    assert api.all_progresses(limit=1)["processes"][0]["status"] == "Completed"

    with receiver() as url:
        channel = api.create_channel({"type": "Webhook", "url": url})
        assert channel["signingSecret"] and [c["id"] for c in api.channels()] == [channel["id"]]
        assert api.test_channel(channel["id"])["success"] is True
    assert api.update_channel(channel["id"], {"isActive": False})["isActive"] is False
    api.delete_channel(channel["id"])
    assert api.channels() == []


def test_the_client_raises_the_services_errors_with_their_trace_ids(
    live_server: Any, celery_worker: subprocess.Popen[bytes]
) -> None:
    tenant, broke = make_tenant(balance=10), make_tenant("Broke", balance=0)
    api = api_for(live_server, tenant)
    with pytest.raises(ValidationError) as refused:
        api.ad_creative("not-a-guid", [preset("white_background")])
    assert refused.value.status == 400 and "productImageAssetId" in refused.value.errors
    assert refused.value.trace_id and refused.value.trace_id.startswith("00-")
    with pytest.raises(BusinessError) as missing:
        api.download("0b1c5a63-9a3f-4a57-8d0c-2f1f4f0e2a11", process="7e0f1c1b-4b8e-4bd0-9a55-0a8f3f8f9a10")
    assert missing.value.status == 404
    assert missing.value.errors["engine: ProductGeneration/Download"] == ["Image content not found."]
    assert "404 engine: ProductGeneration/Download: Image content not found." in str(missing.value)
    wrong = Photoshoot(live_server.url, tenant.id, api_key=tenant.credentials.api_key, api_secret="0" * 64)
    with pytest.raises(BusinessError) as unauthorised:
        wrong.credits()
    assert unauthorised.value.status == 401
    assert api_for(live_server, broke).credits()["balance"] == 0
    with pytest.raises(PhotoshootError, match="cannot read"):
        api.recommend("/no/such/photo.jpg")


def test_the_client_waits_out_a_429_and_raises_it_when_out_of_retries(
    live_server: Any, celery_worker: subprocess.Popen[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = make_tenant()
    clock = [1000.0]
    monkeypatch.setattr(BucketThrottle, "timer", lambda self: clock[0])
    monkeypatch.setitem(RateThrottle.THROTTLE_RATES, "application", "2/minute")
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # the time passes on the throttle's clock, not the test's
        waits.append(seconds)
        clock[0] += seconds

    api = api_for(live_server, tenant)
    api.sleep = sleep
    assert [api.credits()["balance"] for _ in range(3)] == [10, 10, 10]
    assert waits == [30.0]  # the third call was answered 429, Retry-After 30 s (60 s / 2), then served

    clock[0] += 60  # the bucket full again: a burst of two
    impatient = api_for(live_server, tenant, retries=0)
    assert [impatient.credits()["balance"] for _ in range(2)] == [10, 10]
    with pytest.raises(RateLimited) as limited:
        impatient.credits()
    assert limited.value.status == 429 and limited.value.retry_after == 30.0
    assert limited.value.errors["business:"][0].startswith("Too many requests.")


def test_the_client_refreshes_its_token_and_starts_again_when_a_refresh_is_refused(
    live_server: Any, celery_worker: subprocess.Popen[bytes]
) -> None:
    tenant = make_tenant()
    api = api_for(live_server, tenant)
    used = api.generate_token()["refreshToken"]
    assert api._tokens is not None
    api._tokens["accessTokenExpiration"] = "2000-01-01T00:00:00Z"  # as if it ran out
    assert api.credits()["balance"] == 10
    assert api._tokens["refreshToken"] != used  # refreshed, rotated
    api._tokens["refreshToken"] = used  # a refresh token already used: refused
    api._tokens["accessTokenExpiration"] = "2000-01-01T00:00:00Z"
    assert api.credits()["balance"] == 10  # a new pair from the key and secret
    with_private_key = Photoshoot(
        live_server.url, tenant.id, jwt_private_key=tenant.credentials.jwt_private_key
    )
    assert with_private_key.credits()["balance"] == 10


def test_the_cli_runs_a_photo_to_creatives_and_a_contact_sheet(
    live_server: Any,
    celery_worker: subprocess.Popen[bytes],
    photo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tenant = make_tenant(balance=10)
    out = tmp_path / "creatives"
    arguments = [
        "run",
        str(photo),
        "--preset",
        "white_background",
        "--prompt",
        "on a marble counter with a unicorn",
        "--format",
        "pdf",
        "--seed",
        "3",
        "--relight",
        "--layout",
        "--out",
        str(out),
        "--interval",
        "0.3",
    ]
    assert main([*arguments, *credentials(live_server, tenant)]) == 0
    printed = capsys.readouterr().out
    saved = sorted(p.name for p in out.iterdir() if not p.name.endswith(".layout.json"))
    assert saved == [
        "01-white-background.pdf",
        "02-on-a-marble-counter-with-a-unicorn.pdf",
        "contact-sheet.jpg",
    ], printed
    layout = json.loads((out / "01-white-background.layout.json").read_text())  # the one format's, 1674x628
    assert [w["placement"] for w in layout["cropWindows"]] == ["left", "centre", "right"]
    assert (out / "02-on-a-marble-counter-with-a-unicorn.layout.json").exists()
    assert "2. on a marble counter with a unicorn: not drawn: unicorn" in printed  # prompt.unrenderedTerms
    assert Process.objects.get(application_id=tenant.id).relight  # --relight reached the service
    assert all((out / name).read_bytes().startswith(b"%PDF-1.6") for name in saved[:2])
    with Image.open(out / "contact-sheet.jpg") as sheet:
        assert sheet.format == "JPEG" and sheet.width > 1000
    assert "credits left: 8" in printed and "contact sheet:" in printed

    assert main(["presets", "--category", "monochrome", *credentials(live_server, tenant)]) == 0
    assert "white_background" in capsys.readouterr().out
    assert main(["recommend", str(photo), *credentials(live_server, tenant)]) == 0
    assert "cut-out asset:" in capsys.readouterr().out


def test_the_cli_exits_non_zero_with_the_services_message(
    live_server: Any,
    celery_worker: subprocess.Popen[bytes],
    photo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tenant = make_tenant()
    out = tmp_path / "creatives"
    code = main(
        [
            "run",
            str(photo),
            "--preset",
            "no_such_preset",
            "--out",
            str(out),
            *credentials(live_server, tenant),
        ]
    )
    assert code == 1 and "no preset no_such_preset in the catalog" in capsys.readouterr().err
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo")
    assert main(["run", str(text), "--out", str(out), *credentials(live_server, tenant)]) == 1
    error = capsys.readouterr().err
    assert "error: 400 productImage: The file is not an image." in error and "traceId 00-" in error
    assert not out.exists()  # nothing rendered, nothing saved
    assert main(["run", str(photo), *["--preset", "white_background"] * 7, "--out", str(out)]) == 1
    assert "at most 6 prompts" in capsys.readouterr().err
    assert main(["recommend", str(photo), "--url", live_server.url, "--application-id", tenant.id]) == 1
    assert "no credentials" in capsys.readouterr().err


def laid_out(fmt: TaskFormat) -> bool:
    """A completed format's layout: the product's box inside the image, text zones with their colour, and
    no crop windows (landscape_safe's only)."""
    layout = fmt["layout"]
    assert layout is not None and set(layout) == {"productBox", "textZones"}
    box = layout["productBox"]
    assert 0 <= box["x"] < box["x"] + box["width"] <= fmt["width"]
    assert 0 <= box["y"] < box["y"] + box["height"] <= fmt["height"]
    return all(zone["text"] in ("light", "dark") for zone in layout["textZones"])


def test_the_client_renders_a_task_in_several_formats_for_one_credit(
    live_server: Any, celery_worker: subprocess.Popen[bytes], photo: Path
) -> None:
    tenant = make_tenant(balance=10)
    api = api_for(live_server, tenant)
    found = api.recommend(photo)
    with pytest.raises(ValidationError) as refused:
        api.ad_creative(found, [preset("white_background")], output_formats=["square", "huge"])
    assert refused.value.status == 400 and "Unknown format 'huge'" in refused.value.errors["outputFormats"][0]

    process = api.ad_creative(
        found, [preset("white_background")], output_formats=["1080X1080", "banner_300x250"]
    )
    done = api.wait(process, interval=0.3)
    (task,) = done["tasks"]
    formats = task["formats"]
    assert [(f["outputFormat"], f["width"], f["height"]) for f in formats] == [
        ("square", 1080, 1080),  # a named format's size is that format
        ("banner_300x250", 300, 250),
    ]
    assert formats[0]["downloadUrl"] == task["downloadUrl"] and formats[1]["downloadUrl"]
    assert all(laid_out(fmt) for fmt in formats)
    first = api.download(task, process=done)  # the first format, as without the extension
    assert first.filename == f"{task['taskId']}.png"
    assert Image.open(io.BytesIO(first.content)).size == (1080, 1080)
    banner = api.download(task, process=done, output_format="banner_300x250", format="jpeg")
    assert banner.filename == f"{task['taskId']}-banner_300x250.jpg"
    assert Image.open(io.BytesIO(banner.content)).size == (300, 250)
    with pytest.raises(BusinessError) as missing:
        api.download(task, process=done, output_format="story")
    assert missing.value.status == 404 and "engine: ProductGeneration/Download" in missing.value.errors
    assert api.credits()["balance"] == 9  # one credit for the task, both formats


def test_the_cli_saves_every_format_with_its_layout_and_a_sheet_per_format(
    live_server: Any,
    celery_worker: subprocess.Popen[bytes],
    photo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tenant = make_tenant(balance=10)
    out = tmp_path / "creatives"
    arguments = ["run", str(photo), "--preset", "white_background", "--formats", "square, banner_300x250"]
    options = ["--layout", "--out", str(out), "--interval", "0.3", *credentials(live_server, tenant)]
    assert main([*arguments, *options]) == 0
    printed = capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == [
        "01-white-background-banner_300x250.layout.json",
        "01-white-background-banner_300x250.png",
        "01-white-background-square.layout.json",
        "01-white-background-square.png",
        "contact-sheet-banner_300x250.jpg",
        "contact-sheet-square.jpg",
    ], printed
    for name, size in (("square", (1080, 1080)), ("banner_300x250", (300, 250))):
        with Image.open(out / f"01-white-background-{name}.png") as image:
            assert image.size == size
        layout = json.loads((out / f"01-white-background-{name}.layout.json").read_text())
        assert set(layout) == {"productBox", "textZones"}
        assert set(layout["productBox"]) == {"x", "y", "width", "height"}
        assert all(set(zone) == {"x", "y", "width", "height", "text"} for zone in layout["textZones"])
        with Image.open(out / f"contact-sheet-{name}.jpg") as sheet:
            assert sheet.format == "JPEG" and sheet.width > 600
    assert "credits left: 9" in printed


def test_the_cli_refuses_formats_with_the_services_message(
    live_server: Any,
    celery_worker: subprocess.Popen[bytes],
    photo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tenant = make_tenant()
    out = tmp_path / "creatives"
    arguments = ["run", str(photo), "--preset", "white_background", "--out", str(out)]
    code = main([*arguments, "--formats", "square,poster", *credentials(live_server, tenant)])
    error = capsys.readouterr().err
    assert code == 1 and "error: 400 outputFormats: Unknown format 'poster'" in error, error
    assert not out.exists()
    with pytest.raises(SystemExit) as empty:  # the one check made before the service is asked
        main([*arguments, "--formats", " , ", *credentials(live_server, tenant)])
    assert empty.value.code == 2 and "name at least one format" in capsys.readouterr().err
