"""Choosing the scene of a task: a preset's, or one read from a custom prompt; then its palette."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from presets import Preset, Scene
from workers.colour import Colour, hex_to_rgb
from workers.render.prompt_props import props_in_prompt
from workers.vocabulary import COLOUR_NAMES
from workers.words import singular, words

FALLBACK_PRESET = "white_background"


# Words that mean the same in a scene: a "countertop" is a counter, a "sunny" room has sunlight.
SYNONYMS = {
    "countertop": "counter", "worktop": "counter", "sunny": "sunlight", "sunlit": "sunlight",
    "sunshine": "sunlight", "daylight": "sunlight", "sun": "sunlight", "countertops": "counter",
}  # fmt: skip


def _word_form(word: str) -> str:
    """The form words are compared in: singular, synonyms folded (tables and prompts alike)."""
    word = singular(word)
    return SYNONYMS.get(word, word)


# Words of three letters or more that tell no scene from another ("with" matched every preset that had it).
FUNCTION_WORDS = {"with", "and", "the", "for", "from", "into", "onto", "its", "this", "that", "some"}


def _words(text: str) -> set[str]:
    """Words that tell presets apart, synonyms folded (plurals kept: "lights" is not any "light")."""
    return {SYNONYMS.get(w, w) for w in words(text) if len(w) > 2 and w not in FUNCTION_WORDS}


def _forms(table: dict[str, str]) -> dict[str, str]:
    """A table of prompt words keyed by word form: "christmas lights" and "ripples" find their entries."""
    return {_word_form(word): value for word, value in table.items()}


def _form_set(group: set[str]) -> set[str]:
    return {_word_form(word) for word in group}


def preset_for_prompt(prompt: str, catalog: Mapping[str, Preset]) -> Preset:
    """The preset whose name, prompt and categories share the most words with a custom prompt; a preset
    of the opposite mood (a moody one for a sunny prompt, or the reverse) loses a point."""
    wanted = _words(prompt)
    bright, dark = bool(wanted & BRIGHT_MOOD), bool(wanted & HARD_LIGHT)
    best, best_score = catalog.get(FALLBACK_PRESET) or next(iter(catalog.values())), 0
    for preset in catalog.values():
        text = _words(f"{preset.preview_name} {preset.prompt_text} {' '.join(preset.categories)}")
        clash = (bright and bool(text & HARD_LIGHT)) or (dark and bool(text & BRIGHT_MOOD))
        score = len(wanted & text) - clash
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
SURFACE_WORDS = _forms({
    "marble": "marble", "wooden": "wood", "wood": "wood", "oak": "wood", "walnut": "wood", "concrete": "concrete",
    "linen": "linen", "terrazzo": "terrazzo", "water": "water", "pool": "water", "ripples": "water",
    "sand": "sand", "beach": "sand", "desert": "sand", "stone": "stone", "slate": "stone", "granite": "stone",
    "rock": "stone", "glass": "glass", "velvet": "velvet", "raked": "raked_sand", "zen": "raked_sand",
})  # fmt: skip
FINISH_WORDS = _form_set({"glossy", "reflective", "wet", "polished", "mirror", "reflection"})
BACKDROP_WORDS = _forms({
    "window": "window_room", "gradient": "gradient", "pastel": "pastel_gradient", "bokeh": "bokeh",
    "forest": "bokeh", "garden": "bokeh", "seamless": "sweep", "paper": "sweep", "backdrop": "sweep",
})  # fmt: skip
# Places that say only "a wall behind, a floor or counter under it": a named backdrop above wins over them
# ("on a marble counter by a sunny window" is a window room).
PLACE_WORDS = _forms({
    "kitchen": "wall_floor", "office": "wall_floor", "room": "wall_floor", "interior": "wall_floor",
    "counter": "wall_floor", "desk": "wall_floor", "shelf": "wall_floor", "table": "wall_floor",
})  # fmt: skip
TEXTURE_WORDS = _forms({
    "leaves": "leaves_bokeh", "leaf": "leaves_bokeh", "foliage": "foliage", "forest": "leaves_bokeh",
    "fairy": "light_bokeh", "twinkling": "light_bokeh", "bokeh": "light_bokeh", "christmas": "light_bokeh",
    "snow": "snow", "snowy": "snow", "confetti": "confetti", "blinds": "window_shadows", "shadows": "window_shadows",
    "palm": "palm_fronds", "tropical": "palm_fronds", "fern": "ferns", "moss": "ferns", "mossy": "ferns",
    "dune": "dunes", "desert": "dunes", "bedroom": "headboard", "bed": "headboard", "bedding": "headboard",
    "living": "wall_art", "lounge": "wall_art", "office": "wall_art", "decor": "wall_art",
})  # fmt: skip
LIGHT_WORDS = _forms({"side": "left", "backlit": "back", "overhead": "top", "above": "top"})
HARD_LIGHT = _form_set({"dramatic", "moody", "dark", "hard", "harsh", "noir", "contrast"})
SOFT_LIGHT = _form_set({"soft", "airy", "bright", "morning", "diffused", "dreamy", "gentle"})
BRIGHT_MOOD = SOFT_LIGHT | {"sunlight"}  # a moody preset is the wrong answer to these


def _first(words: list[str], table: dict[str, str]) -> str | None:
    return next((table[w] for w in words if w in table), None)


def scene_from_prompt(base: Scene, prompt: str) -> Scene:
    """Read a custom prompt's materials, places, textures, light and mood into the base scene's parameters."""
    said = [_word_form(w) for w in words(prompt)]
    changes: dict[str, object] = {}
    for key, table in (("surface", SURFACE_WORDS), ("backdrop", BACKDROP_WORDS), ("texture", TEXTURE_WORDS)):
        found = _first(said, table) or (_first(said, PLACE_WORDS) if key == "backdrop" else None)
        if found:
            changes[key] = found
    direction = _first(said, LIGHT_WORDS)
    if direction:
        changes["light_direction"] = direction
    if HARD_LIGHT & set(said):
        changes.update(light_softness=0.25, light_intensity=0.85, vignette=min(1.0, base.vignette + 0.25))
    elif SOFT_LIGHT & set(said):
        changes.update(light_softness=0.85, light_intensity=0.45)
    # A finish ("wet black stone") makes the material reflect; alone it asks for a glossy floor.
    if FINISH_WORDS & set(said):
        changes.setdefault("surface", "glossy")
    if FINISH_WORDS & set(said) or changes.get("surface") in ("glass", "water"):
        changes["reflection"] = max(base.reflection, 0.35)
    changes["props"] = props_in_prompt(prompt) or base.props  # else those of the preset the words chose
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
