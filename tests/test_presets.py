"""The preset catalog as data, its loader's checks, and GET PresetKeys."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

import presets

DOCUMENTED_IDS = [
    "natural_beige_background",
    "white_background",
    "light_grey_background",
    "light_blue_background",
    "gray_shadowy_room_sunlight_streaming_studio",
    "gray_shadowy_room_sunlight_streaming_neutral",
    "white_pink_yellow_gradient_background_monochrome",
    "mid_century_modern_office",
]
PRESET_KEYS = "/api/v1/Image/ProductGeneration/PresetKeys"

VALID_ENTRY = """
[[preset]]
id = "plain"
preview_name = "Plain"
prompt_text = ", on plain paper"
categories = ["minimal"]
negative_prompt = "clutter"
[preset.scene]
backdrop = "sweep"
palette = ["#ffffff", "#eeeeee"]
surface = "seamless"
texture = "none"
floor_line = 0.7
light_direction = "top"
light_softness = 0.8
light_intensity = 0.5
vignette = 0.1
grain = 0.02
reflection = 0.0
"""


def test_it_loads_every_preset_of_the_catalog() -> None:
    catalog = presets.load_catalog()
    assert len(catalog) >= 40
    assert set(DOCUMENTED_IDS) <= set(catalog)
    used = {category for preset in catalog.values() for category in preset.categories}
    assert len(used) >= 8
    for preset in catalog.values():
        assert preset.prompt_text.startswith(", ") and preset.negative_prompt
        assert 2 <= len(preset.scene.palette) <= 4


def test_it_reads_a_valid_entry() -> None:
    preset = presets.parse_catalog(VALID_ENTRY)["plain"]
    assert preset.scene.palette == ("#ffffff", "#eeeeee") and preset.scene.floor_line == 0.7


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('prompt_text = ", on plain paper"', 'prompt_text = ", on plain paper"\ncolour = "red"'),
            "unknown key",
        ),
        (('id = "plain"', 'id = "Plain Id"'), "lower_snake_case"),
        (('backdrop = "sweep"', 'backdrop = "nebula"'), "backdrop='nebula'"),
        (("floor_line = 0.7", "floor_line = 1.7"), "floor_line=1.7"),
        (('"#eeeeee"', '"#EEE"'), "not #rrggbb"),
        (('categories = ["minimal"]', 'categories = ["space"]'), "category 'space'"),
        (('prompt_text = ", on plain paper"', 'prompt_text = "on plain paper"'), "must start with ', '"),
        (("grain = 0.02\n", ""), "missing key(s) grain"),
    ],
)
def test_it_rejects_a_malformed_entry(change: tuple[str, str], message: str) -> None:
    with pytest.raises(presets.CatalogError, match=message.replace("(", r"\(").replace(")", r"\)")):
        presets.parse_catalog(VALID_ENTRY.replace(*change))


def test_it_rejects_a_duplicate_id() -> None:
    with pytest.raises(presets.CatalogError, match="duplicate id 'plain'"):
        presets.parse_catalog(VALID_ENTRY + VALID_ENTRY)


def test_it_lists_presets_in_the_public_shape(client: Client, db: None) -> None:
    response = client.get(PRESET_KEYS)
    assert response.status_code == 200
    body = response.json()
    assert len(body) == len(presets.load_catalog())
    white = next(item for item in body if item["id"] == "white_background")
    assert white == {
        "id": "white_background",
        "previewImageUrl": "http://testserver/assets/ai-product-preset/white_background.webp",
        "previewName": "White Background",
        "promptText": ", in front of a white background",
        "categories": [{"name": name} for name in presets.load_catalog()["white_background"].categories],
    }
    assert white["categories"][0] == {"name": "monochrome"}


@override_settings(PUBLIC_BASE_URL="https://photos.example.com")
def test_it_builds_preview_urls_from_the_public_base_url(client: Client, db: None) -> None:
    body = client.get(PRESET_KEYS).json()
    assert body[0]["previewImageUrl"].startswith("https://photos.example.com/assets/ai-product-preset/")


def test_it_filters_by_category(client: Client, db: None) -> None:
    body = client.get(PRESET_KEYS, {"category": "Kitchen"}).json()
    assert body and all({"name": "kitchen"} in item["categories"] for item in body)


def test_it_refuses_an_unknown_category(client: Client, db: None) -> None:
    response = client.get(PRESET_KEYS, {"category": "space"})
    assert response.status_code == 400
    assert response.json()["errors"]["category"][0].startswith("The value 'space' is not valid.")


def test_it_answers_404_for_a_missing_preview(client: Client, db: None, tmp_path) -> None:
    with override_settings(PRESET_PREVIEW_DIR=tmp_path):
        response = client.get("/assets/ai-product-preset/white_background.webp")
        assert response.status_code == 404
        assert response.json()["errors"] == {
            "business:": ["No preview image exists for preset 'white_background'."]
        }
        (tmp_path / "white_background.webp").write_bytes(b"RIFF\x00\x00\x00\x00WEBP")
        served = client.get("/assets/ai-product-preset/white_background.webp")
        assert served.status_code == 200 and served["Content-Type"] == "image/webp"
        assert client.get("/assets/ai-product-preset/not_a_preset.webp").status_code == 404
