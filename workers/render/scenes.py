"""Choosing the scene of a task: a preset's, or one read from a custom prompt; then its palette."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from presets import Preset, Scene
from workers.colour import Colour, hex_to_rgb
from workers.vocabulary import COLOUR_NAMES

FALLBACK_PRESET = "white_background"
_WORD = re.compile(r"[a-z]+")


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) > 2}


def preset_for_prompt(prompt: str, catalog: Mapping[str, Preset]) -> Preset:
    """The preset whose name, prompt and categories share the most words with a custom prompt."""
    wanted = _words(prompt)
    best, best_score = catalog.get(FALLBACK_PRESET) or next(iter(catalog.values())), 0
    for preset in catalog.values():
        score = len(
            wanted & _words(f"{preset.preview_name} {preset.prompt_text} {' '.join(preset.categories)}")
        )
        if score > best_score:
            best, best_score = preset, score
    return best


def colours_in_prompt(prompt: str) -> list[str]:
    """Colour words of a custom prompt ("on a sage green table" → the hex of "green"), longest names first."""
    text = prompt.lower()
    found = []
    for name in sorted(COLOUR_NAMES, key=len, reverse=True):
        if re.search(rf"\b{re.escape(name)}\b", text):
            found.append("#{:02x}{:02x}{:02x}".format(*COLOUR_NAMES[name]))
            text = text.replace(name, " ")
    return found


# Words of a custom prompt and the scene parameters they choose (the first match of each kind wins).
SURFACE_WORDS = {
    "marble": "marble", "wooden": "wood", "wood": "wood", "oak": "wood", "walnut": "wood", "concrete": "concrete",
    "linen": "linen", "terrazzo": "terrazzo", "water": "water", "pool": "water", "ripples": "water",
    "sand": "sand", "beach": "sand", "desert": "sand", "stone": "stone", "slate": "stone", "granite": "stone",
    "rock": "stone", "glass": "glass",
}  # fmt: skip
FINISH_WORDS = {"glossy", "reflective", "wet", "polished", "mirror", "reflection", "reflections"}
BACKDROP_WORDS = {
    "window": "window_room", "gradient": "gradient", "pastel": "pastel_gradient", "bokeh": "bokeh",
    "forest": "bokeh", "garden": "bokeh", "kitchen": "wall_floor", "office": "wall_floor", "room": "wall_floor",
    "interior": "wall_floor", "counter": "wall_floor", "countertop": "wall_floor", "desk": "wall_floor",
    "shelf": "wall_floor", "table": "wall_floor", "seamless": "sweep", "paper": "sweep", "backdrop": "sweep",
}  # fmt: skip
TEXTURE_WORDS = {
    "leaves": "leaves_bokeh", "leaf": "leaves_bokeh", "foliage": "foliage", "forest": "leaves_bokeh",
    "lights": "light_bokeh", "bokeh": "light_bokeh", "christmas": "light_bokeh", "snow": "snow", "snowy": "snow",
    "confetti": "confetti", "blinds": "window_shadows", "shadows": "window_shadows",
}  # fmt: skip
LIGHT_WORDS = {"side": "left", "backlit": "back", "overhead": "top", "above": "top"}
HARD_LIGHT = {"dramatic", "moody", "dark", "hard", "harsh", "noir", "contrast"}
SOFT_LIGHT = {"soft", "airy", "bright", "morning", "diffused", "dreamy", "gentle"}


def _first(words: list[str], table: dict[str, str]) -> str | None:
    return next((table[w] for w in words if w in table), None)


def scene_from_prompt(base: Scene, prompt: str) -> Scene:
    """Read a custom prompt's materials, places, textures, light and mood into the base scene's parameters."""
    words = _WORD.findall(prompt.lower())
    changes: dict[str, object] = {}
    for key, table in (("surface", SURFACE_WORDS), ("backdrop", BACKDROP_WORDS), ("texture", TEXTURE_WORDS)):
        found = _first(words, table)
        if found:
            changes[key] = found
    direction = _first(words, LIGHT_WORDS)
    if direction:
        changes["light_direction"] = direction
    if HARD_LIGHT & set(words):
        changes.update(light_softness=0.25, light_intensity=0.85, vignette=min(1.0, base.vignette + 0.25))
    elif SOFT_LIGHT & set(words):
        changes.update(light_softness=0.85, light_intensity=0.45)
    # A finish ("wet black stone") makes the material reflect; alone it asks for a glossy floor.
    if FINISH_WORDS & set(words):
        changes.setdefault("surface", "glossy")
    if FINISH_WORDS & set(words) or changes.get("surface") in ("glass", "water"):
        changes["reflection"] = max(base.reflection, 0.35)
    return replace(base, **changes)  # type: ignore[arg-type]


def palette_for(preset: Preset, prompt: str | None) -> list[str]:
    """The palette to draw; a custom prompt's first colour word replaces the preset's wall colour."""
    palette = list(preset.scene.palette)
    named = colours_in_prompt(prompt) if prompt else []
    if named:
        palette[0] = named[0]
    return palette


def blend_with_product(palette: list[str], product: list[Colour], amount: float = 0.15) -> list[str]:
    """UseSameStyleReferenceImage: lean the scene's colours a little towards the product's main colour,
    so scene and product share a hue (analogous, never clashing)."""
    if not product:
        return palette
    target = np.array(hex_to_rgb(product[0].hex), dtype=np.float64)
    blended = []
    for value in palette:
        colour = np.array(hex_to_rgb(value), dtype=np.float64)
        # Keep the scene colour's brightness: only its hue leans towards the product.
        tinted = target * (colour.mean() / max(target.mean(), 1.0))
        mixed = np.clip(colour * (1 - amount) + tinted * amount, 0, 255).round().astype(int)
        blended.append("#{:02x}{:02x}{:02x}".format(*mixed))
    return blended
