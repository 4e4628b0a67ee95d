"""What the OpenAPI document cannot say, for the schemathesis run (tests/test_openapi_fuzz.py).

Loaded by schemathesis (tests/fuzz/schemathesis.toml names it); the test server allows private webhook
addresses. A value in these fields is replaced, and schemathesis judges the case valid or not again after:
- a `productImage` part is a real photo of its media type (the document names them in its encoding), no side
  under the minimum the document states (`x-minimumSide`; without one a side may be 1 pixel, and the
  service's refusal of a photo the document calls valid fails the run);
- a `PromptObjectsString` that is, as the document's pattern says, a JSON array of objects is 1 to 6 real
  prompt objects (the document describes the objects in words); text of another form stays as drawn;
- an `outputFormats` that is, as the document's pattern says, a JSON array of strings is 1 to 3 distinct
  named formats (the document lists the names and bounds in words); text of another form stays as drawn;
- `assetIds` is a JSON array of GUIDs (the document can only call it a string); `photos` is a zip of photos
  (the document can only call it binary);
- a channel's `url` or `connectionString` of the document's scheme points at a closed loopback port (the SSRF
  guard resolves names, and nothing must be sent anywhere); text of another form stays as drawn;
- GenerateJwtToken is sent with the application's x-api-key and x-api-secret (FUZZ_API_KEY, FUZZ_API_SECRET):
  its body is required unless they are sent, which OpenAPI cannot say, so the document calls it optional
  (tests/test_auth.py and tests/test_errors.py take the body-only flow and its 400s). Not as the config's
  per-operation headers: schemathesis 4.32 sends the headers of the operation that opened its session with
  every request after.
Only values of the form the document states are replaced, so a value the document wrongly calls valid reaches
the service as drawn.

A negative case whose form holds a file is left out when the form, as it is sent, is valid (a list of one item
goes as that item, `[null]` as the text "null", which the service reads as null): schemathesis checks a form as
sent itself, but not one with a file part, whose bytes its validator cannot read.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import uuid
import zipfile
from typing import Any

import jsonschema_rs
import schemathesis
from PIL import Image, ImageDraw
from schemathesis.transport.serialization import Binary

import presets
from workers.render.formats import NAMED

FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
CLOSED_PORT = 9  # discard: nothing listens on the test machine's loopback
# Each target, by the scheme that begins it (after what the document's pattern lets come before it).
LEADING = r"[\s\x00-\x1f\x7f\x85\ufeff]*"
LOOPBACK_TARGETS = {
    "url": (re.compile(LEADING + "https?://", re.IGNORECASE), f"http://127.0.0.1:{CLOSED_PORT}/hook"),
    "connectionString": (
        re.compile(LEADING + "amqps?://", re.IGNORECASE),
        f"amqp://guest:guest@127.0.0.1:{CLOSED_PORT}//",
    ),
}
JSON_ARRAY_OF_OBJECTS = re.compile(r"^[ \t\n\r]*\[[ \t\n\r]*\{[\s\S]*\}[ \t\n\r]*\][ \t\n\r]*$")
JSON_ARRAY_OF_STRINGS = re.compile(r'^[ \t\n\r]*\[[ \t\n\r]*"[\s\S]*"[ \t\n\r]*\][ \t\n\r]*$')
LARGEST_SIDE = 320
KEY_PAIR_OPERATION = "POST /api/v1/Authorization/GenerateJwtToken"


def photo(rng: random.Random, min_side: int = 64) -> tuple[str, bytes]:
    """A product on a backdrop, as JPEG, PNG or WebP: its media type and bytes. A side is `min_side` (the
    smallest the service must take) one time in four, else up to 256 pixels more."""
    media_type = rng.choice(sorted(FORMATS))

    def side() -> int:
        return min_side if rng.random() < 0.25 else rng.randint(min_side, min_side + LARGEST_SIDE - 64)

    width, height = side(), side()

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


def documented(case: Any, name: str) -> dict[str, Any]:
    """The schema the document gives the body field `name` of this case's media type ({} if none)."""
    for body in case.operation.body:
        if body.media_type != case.media_type:
            continue
        schema = body.definition.get("schema", {})
        ref = schema.get("$ref", "")
        if ref.startswith("#/x-bundled/"):  # schemathesis bundles the components a body refers to
            schema = schema.get("x-bundled", {}).get(ref.rpartition("/")[2], {})
        found: dict[str, Any] = schema.get("properties", {}).get(name, {})
        return found
    return {}


def has_file(fields: dict[str, Any]) -> bool:
    return any(isinstance(value, (Binary, bytes)) for value in fields.values())


def as_sent(fields: dict[str, Any], validator: Any) -> dict[str, Any]:
    """A form's fields as the service reads them: a file is a string to the schema, a list of items is that many
    parts (none: the field is absent), and a part's text may be read as JSON (as schemathesis reads it)."""
    sent: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, (Binary, bytes)):
            sent[name] = ""
            continue
        parts = value if isinstance(value, list) else [value]
        if len(parts) != 1:
            if parts:
                sent[name] = parts  # a field given more than once: refused
            continue
        text = parts[0] if isinstance(parts[0], str) else json.dumps(parts[0])
        readings: list[Any] = [text]
        with contextlib.suppress(ValueError):
            readings.append(json.loads(text))
        sent[name] = next(
            (
                reading
                for reading in readings
                if not any(
                    error.instance_path[:1] == [name] for error in validator.iter_errors({name: reading})
                )
            ),
            text,
        )
    return sent


@schemathesis.hook
def filter_case(context: Any, case: Any) -> bool:
    """False for a negative case with a file part whose form, as sent, is valid (see the module's docstring)."""
    fields = getattr(case.body, "body", case.body)
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative or case.media_type != "multipart/form-data":
        return True
    if not isinstance(fields, dict) or not has_file(fields):
        return True
    if any(info.mode.is_negative for location, info in meta.components.items() if location != "body"):
        return True
    body = case.operation.get_body_for_media_type(case.media_type)
    validator = jsonschema_rs.validator_for(body.optimized_schema, validate_formats=True)
    return not validator.is_valid(as_sent(fields, validator))


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    """Valid text where valid text needs more than the document can say, in every phase and mode: a value of
    another type or form stays as drawn (the server must refuse it), and schemathesis judges the case again
    after."""
    if case.operation.label == KEY_PAIR_OPERATION:
        case.headers = {
            **(case.headers or {}),
            "x-api-key": os.environ["FUZZ_API_KEY"],
            "x-api-secret": os.environ["FUZZ_API_SECRET"],
        }
    fields = getattr(case.body, "body", case.body)  # a multipart body with chosen part types, or the body
    if not isinstance(fields, dict):
        return case
    rng = random.Random(repr(sorted(fields.items(), key=lambda item: str(item[0]))))  # noqa: S311 - test data
    for name, (form, target) in LOOPBACK_TARGETS.items():
        if isinstance(fields.get(name), str) and form.match(fields[name]):
            fields[name] = target
    prompts = fields.get("PromptObjectsString")
    if isinstance(prompts, str) and JSON_ARRAY_OF_OBJECTS.search(prompts):
        fields["PromptObjectsString"] = prompt_objects(rng)
    if isinstance(fields.get("outputFormats"), str) and JSON_ARRAY_OF_STRINGS.search(fields["outputFormats"]):
        fields["outputFormats"] = json.dumps(rng.sample(sorted(NAMED), rng.randint(1, 3)))
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
        min_side = int(documented(case, "productImage").get("x-minimumSide", 1))
        media_type, image = photo(rng, min_side)
        fields["productImage"] = Binary(image)  # as schemathesis draws a file: a string to the schema
        if hasattr(case.body, "content_types"):
            case.body.content_types["productImage"] = media_type
    return case
