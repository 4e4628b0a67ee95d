"""Choosing the scene of a task: a preset's, or one read from a custom prompt; then its palette."""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np

from presets import Preset
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
