"""What the OpenAPI document cannot say, for the schemathesis run (tests/test_openapi_fuzz.py).

Loaded by schemathesis (tests/fuzz/schemathesis.toml names it); the test server allows private webhook
addresses. A text value in these fields is replaced, and schemathesis judges the case valid or not again after:
- a `productImage` part is a real photo of its media type (the document names them in its encoding);
- `PromptObjectsString` is a JSON array of 1 to 6 prompt objects, and `assetIds` one of GUIDs (the document can
  only call them strings); `photos` is a zip of photos (the document can only call it binary);
- a channel's `url` or `connectionString` points at a closed loopback port (the SSRF guard resolves names,
  and nothing must be sent anywhere).
"""

from __future__ import annotations

import io
import json
import random
import uuid
import zipfile
from typing import Any

import schemathesis
from PIL import Image, ImageDraw
from schemathesis.transport.serialization import Binary

import presets

FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
CLOSED_PORT = 9  # discard: nothing listens on the test machine's loopback
LOOPBACK_TARGETS = {
    "url": f"http://127.0.0.1:{CLOSED_PORT}/hook",
    "connectionString": f"amqp://guest:guest@127.0.0.1:{CLOSED_PORT}//",
}


def photo(rng: random.Random) -> tuple[str, bytes]:
    """A product on a backdrop, 64 to 320 pixels a side, as JPEG, PNG or WebP: its media type and bytes."""
    media_type = rng.choice(sorted(FORMATS))
    width, height = rng.randint(64, 320), rng.randint(64, 320)

    def colour() -> tuple[int, int, int]:
        return rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)

    image = Image.new("RGB", (width, height), colour())
    ImageDraw.Draw(image).rectangle((width // 4, height // 4, width * 3 // 4, height * 3 // 4), fill=colour())
    out = io.BytesIO()
    image.save(out, format=FORMATS[media_type])
    return media_type, out.getvalue()


def photos_zip(rng: random.Random) -> bytes:
    """A zip of 1 to 3 photos, one with a caption note beside it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for index in range(rng.randint(1, 3)):
            media_type, data = photo(rng)
            archive.writestr(f"shoot/{index}.{FORMATS[media_type].lower()}", data)
        archive.writestr("shoot/0.txt", "on a marble counter")
    return out.getvalue()


def prompt_objects(rng: random.Random) -> str:
    catalog = sorted(presets.load_catalog())
    items: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 6)):
        if rng.random() < 0.5:
            items.append({"tag": "preset", "preset": rng.choice(catalog)})
        else:
            words = rng.choices(
                ["a", "bottle", "on", "marble", "in", "soft", "light", "café", "草"], k=rng.randint(1, 9)
            )
            items.append({"tag": "custom", "prompt": " ".join(words), "nativeLanguagePrompt": None})
    return json.dumps(items)


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    """Valid text where valid text needs more than the document can say, in every phase and mode: a value of
    another type stays as drawn (the server must refuse it), and schemathesis judges the case again after."""
    fields = getattr(case.body, "body", case.body)  # a multipart body with chosen part types, or the body
    if not isinstance(fields, dict):
        return case
    rng = random.Random(repr(sorted(fields.items(), key=lambda item: str(item[0]))))  # noqa: S311 - test data
    for name, target in LOOPBACK_TARGETS.items():
        if isinstance(fields.get(name), str):
            fields[name] = target
    if isinstance(fields.get("PromptObjectsString"), str):
        fields["PromptObjectsString"] = prompt_objects(rng)
    if isinstance(fields.get("assetIds"), str):
        fields["assetIds"] = json.dumps(
            [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(rng.randint(1, 3))]
        )
    if isinstance(
        fields.get("photos"), (Binary, bytes)
    ):  # drawn as a file (a plain string may be a negation)
        fields["photos"] = Binary(photos_zip(rng))  # bytes as schemathesis draws them: a string to the schema
        if hasattr(case.body, "content_types"):
            case.body.content_types["photos"] = "application/zip"
    if isinstance(fields.get("productImage"), (str, bytes)):
        media_type, fields["productImage"] = photo(rng)
        if hasattr(case.body, "content_types"):
            case.body.content_types["productImage"] = media_type
    return case
