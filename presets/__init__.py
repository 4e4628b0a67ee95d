"""The preset catalog: data in `catalog.toml`, one `[[preset]]` per preset, loaded and checked here.

Plain Python (no Django), so the web process, the workers and the tests all read the same entries.
An unknown key, a value out of range or a duplicate id stops loading with a message naming the preset.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import MISSING, dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

CATALOG_PATH = Path(__file__).with_name("catalog.toml")

BACKDROPS = (
    "sweep",
    "gradient",
    "wall_floor",
    "window_room",
    "pastel_gradient",
    "bokeh",
)
SURFACES = (
    "seamless",
    "matte",
    "glossy",
    "marble",
    "wood",
    "concrete",
    "linen",
    "terrazzo",
    "water",
    "sand",
    "stone",
    "glass",
    "velvet",
    "raked_sand",
    "grass",
    "moss",
    "ice",
    "snow",
    "silk",
    "paper",
    "metal",
    "mirror",
    "slate",
)
TEXTURES = (
    "none",
    "leaves_bokeh",
    "light_bokeh",
    "window_shadows",
    "paper_grain",
    "foliage",
    "snow",
    "confetti",
    "wall_tiles",
    "sea_horizon",
    "skyline",
    "palm_fronds",
    "ferns",
    "dunes",
    "wall_art",
    "headboard",
)
LIGHT_DIRECTIONS = ("left", "right", "top", "top_left", "top_right", "front", "back")
CATEGORIES = (
    "monochrome",
    "studio",
    "nature",
    "luxury",
    "kitchen",
    "interior",
    "outdoor",
    "seasonal",
    "pastel",
    "minimal",
)

_ID = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_COLOUR = re.compile(r"^#[0-9a-f]{6}$")


class CatalogError(ValueError):
    """The catalog file is malformed; the message names the preset and the key."""


@dataclass(frozen=True)
class Scene:
    """What the studio engine draws for a preset (see workers.render)."""

    backdrop: str
    palette: tuple[str, ...]
    surface: str
    texture: str
    floor_line: float
    light_direction: str
    light_softness: float
    light_intensity: float
    vignette: float
    grain: float
    reflection: float
    # Things drawn beside the product (workers.render.props), and what it stands on (one of STANDS: a
    # block of the studio set, workers.render.set3d; "" stands it on the floor). Optional in the catalog.
    props: tuple[str, ...] = ()
    stand: str = ""
    # What the stand is made of: one of STAND_SURFACES (a floor material laid on its faces, workers.render.
    # stands; "glass" refracts, workers.render.gloss); "" a cast block a shade off the floor. Optional.
    stand_surface: str = ""
    # A pattern the key light throws (one of GOBOS: window panes, blinds, leaves, palm fronds; "" none),
    # a coloured gel on the rim light ("" none, else "#rrggbb") and the lens's f-number: smaller is a
    # shallower depth of field (the room behind the product softer). Optional in the catalog.
    gobo: str = ""
    gel: str = ""
    aperture: float = 2.8
    # The key light's own colour ("" white, a little warm in a warm room; "#ffa75e" a setting sun) and how
    # high it hangs as a share of its usual height (below 1 a low sun: long shadows across the floor).
    # Optional in the catalog.
    light_colour: str = ""
    light_height: float = 1.0


@dataclass(frozen=True)
class Preset:
    id: str
    preview_name: str
    prompt_text: str
    categories: tuple[str, ...]
    negative_prompt: str
    scene: Scene


_RANGES = {
    "floor_line": (0.45, 0.95),
    "light_softness": (0.0, 1.0),
    "light_intensity": (0.0, 1.0),
    "vignette": (0.0, 1.0),
    "grain": (0.0, 0.2),
    "reflection": (0.0, 1.0),
}
_CHOICES = {
    "backdrop": BACKDROPS,
    "surface": SURFACES,
    "texture": TEXTURES,
    "light_direction": LIGHT_DIRECTIONS,
}


STANDS = ("", "plinth", "pedestal", "podium", "cube", "sphere", "steps", "slab", "arch")
# The SURFACES a stand can be made of: the solid ones (no water, sand, grass, snow or mirror block).
STAND_SURFACES = (
    "",
    "matte",
    "glossy",
    "marble",
    "wood",
    "concrete",
    "linen",
    "terrazzo",
    "stone",
    "slate",
    "glass",
    "velvet",
    "silk",
    "paper",
    "metal",
)
GOBOS = ("", "window", "blinds", "leaves", "palms")
# The props the studio engine draws (workers.render.props), which a scene may name.
PROPS = (
    "lemon",
    "orange",
    "apple",
    "lime",
    "leaf",
    "autumn leaf",
    "flower",
    "stone",
    "shell",
    "book",
    "candle",
    "coffee bean",
    "ice",
    "fabric",
    "pumpkin",
    "egg",
    "heart",
)


def _check_keys(
    where: str, entry: dict[str, Any], expected: set[str], optional: frozenset[str] = frozenset()
) -> None:
    unknown, missing = set(entry) - expected, expected - set(entry) - optional
    if unknown:
        raise CatalogError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}.")
    if missing:
        raise CatalogError(f"{where}: missing key(s) {', '.join(sorted(missing))}.")


def _check_stand(where: str, entry: dict[str, Any]) -> None:
    """The stand is one of STANDS, and what it is made of one of STAND_SURFACES (and only with a stand)."""
    if entry.get("stand", "") not in STANDS:
        raise CatalogError(f"{where}: stand={entry['stand']!r} is not one of {', '.join(STANDS[1:])}.")
    made_of = entry.get("stand_surface", "")
    if made_of not in STAND_SURFACES:
        choices = ", ".join(STAND_SURFACES[1:])
        raise CatalogError(f"{where}: stand_surface={made_of!r} is not one of {choices}.")
    if made_of and not entry.get("stand"):
        raise CatalogError(f"{where}: stand_surface={made_of!r} needs a stand.")


_OPTIONAL_RANGES = {
    "aperture": (1.0, 22.0),  # the lens's f-number
    "light_height": (0.2, 1.5),  # the key light's height, a share of its usual one
}


def _check_optional(where: str, entry: dict[str, Any]) -> None:
    """The gel and the key light's colour are #rrggbb; the aperture and the key's height in their ranges."""
    for key in ("gel", "light_colour"):
        if entry.get(key, "") and not _COLOUR.match(str(entry[key])):
            raise CatalogError(f"{where}: {key}={entry[key]!r} is not #rrggbb in lower case.")
    for key, (low, high) in _OPTIONAL_RANGES.items():
        value = entry.get(key, low)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise CatalogError(f"{where}: {key}={value!r} must be a number in [{low}, {high}].")


def _scene(where: str, entry: Any) -> Scene:
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: scene must be a table.")
    optional = frozenset({f.name for f in fields(Scene) if f.default is not MISSING})
    _check_keys(where, entry, {f.name for f in fields(Scene)}, optional=optional)
    _check_stand(where, entry)
    _check_optional(where, entry)
    if entry.get("gobo", "") not in GOBOS:
        raise CatalogError(f"{where}: gobo={entry['gobo']!r} is not one of {', '.join(GOBOS[1:])}.")
    props = entry.get("props", [])
    if not isinstance(props, list) or any(prop not in PROPS for prop in props):
        raise CatalogError(f"{where}: props must list some of {', '.join(PROPS)}.")
    for key, choices in _CHOICES.items():
        if entry[key] not in choices:
            raise CatalogError(f"{where}: {key}={entry[key]!r} is not one of {', '.join(choices)}.")
    for key, (low, high) in _RANGES.items():
        value = entry[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise CatalogError(f"{where}: {key}={value!r} must be a number in [{low}, {high}].")
    palette = entry["palette"]
    if not isinstance(palette, list) or not 2 <= len(palette) <= 4:
        raise CatalogError(f"{where}: palette must list 2 to 4 colours.")
    for colour in palette:
        if not isinstance(colour, str) or not _COLOUR.match(colour):
            raise CatalogError(f"{where}: palette colour {colour!r} is not #rrggbb in lower case.")
    values = {**entry, "palette": tuple(palette), "props": tuple(props)}
    values.update({key: float(entry[key]) for key in _OPTIONAL_RANGES if key in entry})
    values.update({key: float(entry[key]) for key in _RANGES})
    return Scene(**values)


def _preset(index: int, entry: Any) -> Preset:
    where = f"preset #{index + 1}" + (f" ({entry.get('id')})" if isinstance(entry, dict) else "")
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: must be a table.")
    _check_keys(where, entry, {f.name for f in fields(Preset)})
    if not isinstance(entry["id"], str) or not _ID.match(entry["id"]):
        raise CatalogError(f"{where}: id must be lower_snake_case.")
    for key in ("preview_name", "prompt_text", "negative_prompt"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise CatalogError(f"{where}: {key} must be a non-empty string.")
    if not entry["prompt_text"].startswith(", "):
        raise CatalogError(f"{where}: prompt_text must start with ', ' (it follows the product's name).")
    categories = entry["categories"]
    if not isinstance(categories, list) or not categories or len(set(categories)) != len(categories):
        raise CatalogError(f"{where}: categories must be a non-empty list without repeats.")
    for category in categories:
        if category not in CATEGORIES:
            raise CatalogError(f"{where}: category {category!r} is not one of {', '.join(CATEGORIES)}.")
    return Preset(
        id=entry["id"],
        preview_name=entry["preview_name"].strip(),
        prompt_text=entry["prompt_text"],
        categories=tuple(categories),
        negative_prompt=entry["negative_prompt"].strip(),
        scene=_scene(where, entry["scene"]),
    )


def parse_catalog(text: str) -> dict[str, Preset]:
    """Parse and check a catalog; the order of the file is kept (it is the order PresetKeys lists)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"catalog is not valid TOML: {exc}") from exc
    if set(data) != {"preset"} or not isinstance(data["preset"], list):
        raise CatalogError("catalog must hold only [[preset]] tables.")
    catalog: dict[str, Preset] = {}
    for index, entry in enumerate(data["preset"]):
        preset = _preset(index, entry)
        if preset.id in catalog:
            raise CatalogError(f"preset #{index + 1}: duplicate id {preset.id!r}.")
        catalog[preset.id] = preset
    return catalog


@cache
def load_catalog(path: Path = CATALOG_PATH) -> dict[str, Preset]:
    """The catalog by id, read once per process."""
    return parse_catalog(path.read_text(encoding="utf-8"))


def get_preset(preset_id: str) -> Preset | None:
    return load_catalog().get(preset_id)
