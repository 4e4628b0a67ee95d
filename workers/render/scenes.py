"""Choosing the scene of a task: a preset's, or the one a custom prompt resolves to
(`workers.render.prompt_scene`); then its palette."""

from __future__ import annotations

import colorsys
import re
from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from presets import Preset, Scene
from workers.colour import Colour, hex_to_rgb
from workers.render.prompt_scene import Resolution, resolve
from workers.vocabulary import COLOUR_NAMES
from workers.words import words

FALLBACK_PRESET = "white_background"


# Words that mean the same in a scene: a "countertop" is a counter, a "sunny" room has sunlight.
SYNONYMS = {
    "countertop": "counter", "worktop": "counter", "sunny": "sunlight", "sunlit": "sunlight",
    "sunshine": "sunlight", "daylight": "sunlight", "sun": "sunlight", "countertops": "counter",
}  # fmt: skip

# Words of three letters or more that tell no scene from another ("with" matched every preset that had it).
FUNCTION_WORDS = {"with", "and", "the", "for", "from", "into", "onto", "its", "this", "that", "some"}
# The light a preset's text or a prompt asks for: a moody preset is the wrong answer to a sunny prompt.
HARD_LIGHT = {"dramatic", "moody", "dark", "hard", "harsh", "noir", "contrast"}
BRIGHT_MOOD = {"soft", "airy", "bright", "morning", "diffused", "dreamy", "gentle", "sunlight"}
# What a preset's scene shares with a prompt's resolution, each worth a shared word.
SCENE_FIELDS = ("surface", "backdrop", "texture", "stand", "stand_surface", "gobo")
# Words every kind of preset says, which choose none ("a deep navy backdrop" is no answer to "a deep
# charcoal backdrop": the colour is drawn from the prompt whatever the preset).
GENERIC = {"surface", "backdrop", "background", "deep", "pale"}
NEAR_COLOUR = 80.0  # a preset's wall this near (RGB distance) the prompt's wall colour is worth a word


def _words(text: str) -> set[str]:
    """Words that tell presets apart, synonyms folded (plurals kept: "lights" is not any "light")."""
    return {SYNONYMS.get(w, w) for w in words(text) if len(w) > 2 and w not in FUNCTION_WORDS}


def preset_for_prompt(prompt: str, catalog: Mapping[str, Preset]) -> Preset:
    """The preset whose name, prompt and categories share the most words with a custom prompt, and whose
    scene the most of what the prompt resolves to (its surface, backdrop, texture, stand and its material,
    gobo); a preset of the opposite mood (a moody one for a sunny prompt, or the reverse) loses a point.
    Its palette and light are what the prompt does not name (`scene_from_prompt` draws what it does)."""
    wanted = _words(prompt)
    resolution = resolve(prompt)
    asked = {key: getattr(resolution, key) for key in SCENE_FIELDS if getattr(resolution, key)}
    bright, dark = bool(wanted & BRIGHT_MOOD), bool(wanted & HARD_LIGHT)
    best, best_score = catalog.get(FALLBACK_PRESET) or next(iter(catalog.values())), 0
    for preset in catalog.values():
        text = _words(f"{preset.preview_name} {preset.prompt_text} {' '.join(preset.categories)}")
        clash = (bright and bool(text & HARD_LIGHT)) or (dark and bool(text & BRIGHT_MOOD))
        shared = sum(getattr(preset.scene, key) == value for key, value in asked.items())
        shared += resolution.reflective and preset.scene.reflection >= REFLECTIVE
        shared += bool(resolution.wall_colour) and _near(resolution.wall_colour, preset.scene.palette[0])
        score = len((wanted - GENERIC) & text) + shared - clash
        if score > best_score:
            best, best_score = preset, score
    return best


def _near(colour: str | None, other: str) -> bool:
    if not colour:
        return False
    distance = np.linalg.norm(np.subtract(hex_to_rgb(colour), hex_to_rgb(other), dtype=np.float64))
    return bool(distance < NEAR_COLOUR)


def colours_in_prompt(prompt: str) -> list[str]:
    """Colour words of a custom prompt ("on a sage green table" → the hex of "green"), longest names first."""
    text = prompt.lower()
    found = []
    for name in sorted(COLOUR_NAMES, key=len, reverse=True):
        if re.search(rf"\b{re.escape(name)}\b", text):
            found.append("#{:02x}{:02x}{:02x}".format(*COLOUR_NAMES[name]))
            text = text.replace(name, " ")
    return found


HARD = {"light_softness": 0.25, "light_intensity": 0.85}
SOFT = {"light_softness": 0.85, "light_intensity": 0.45}
REFLECTIVE = 0.35  # the least reflection of a wet, glossy or mirroring floor
MIRRORING = ("glass", "water", "mirror", "glossy", "ice")


def scene_from_prompt(base: Scene, prompt: str) -> Scene:
    """The scene a custom prompt resolves to (`workers.render.prompt_scene`), over the base preset's: what
    the prompt names is drawn (its surface, backdrop, texture, stand and what the stand is made of, gobo,
    gel, props, light), what it does not name keeps the base's structure (backdrop, surface, light) but
    none of the base's own things (its texture, props, stand, gobo or gel: a prompt that names no confetti
    gets none)."""
    said = resolve(prompt)
    changes: dict[str, object] = {
        "texture": said.texture or "none",
        "props": said.props,
        "stand": said.stand,
        "stand_surface": said.stand_surface,
        "gobo": said.gobo,
        "gel": said.gel,
    }
    for key in ("backdrop", "surface", "light_direction"):
        if getattr(said, key):
            changes[key] = getattr(said, key)
    changes.update(_light(base, said))
    if said.reflective or changes.get("surface", base.surface) in MIRRORING:
        changes["reflection"] = max(base.reflection, REFLECTIVE)
    if said.aperture is not None:
        changes["aperture"] = said.aperture
    return replace(base, **changes)  # type: ignore[arg-type]


# The key light's colour and height for the warmth and time of day a prompt names: a setting sun is low
# and orange (long shadows across the floor), a morning sun a little higher and paler, night blue.
KEY_COLOURS = {"warm": "#ffd6a3", "cool": "#cfdcff"}
TIMES = {"golden": ("#ffa75e", 0.3), "morning": ("#ffeed6", 0.7), "night": ("#a9b8ff", 1.0)}
SUN_SOFTNESS = 0.3


def _light(base: Scene, said: Resolution) -> dict[str, float | str]:
    """The light a resolution asks for: hard or soft, a spotlight, warm or cool, the time of day."""
    changes: dict[str, float | str] = {}
    if said.warmth:
        changes["light_colour"] = KEY_COLOURS[said.warmth]
    if said.time in TIMES:
        changes["light_colour"], changes["light_height"] = TIMES[said.time]
    if said.time == "golden" and said.light != "soft":  # the sun is a small light: crisp long shadows
        changes["light_softness"] = SUN_SOFTNESS
    if said.light == "hard":
        changes.update(HARD, vignette=min(1.0, base.vignette + 0.25))
    elif said.light == "soft":
        changes.update(SOFT)
    if said.spotlight:  # a pool of hard light, the edges dark
        changes.update(HARD, vignette=min(1.0, base.vignette + 0.35))
    if said.time == "golden":  # a low warm sun
        changes["light_intensity"] = 0.7
    elif said.time == "night":
        changes.update(light_intensity=0.35, vignette=min(1.0, base.vignette + 0.2))
    return changes


def palette_for(preset: Preset, prompt: str | None) -> list[str]:
    """The palette to draw: the preset's, with the colours a custom prompt names where they belong: the
    wall's ("a lavender sky", or a colour bound to nothing), the floor's ("green grass"), the accents'
    ("white flower petals")."""
    palette = list(preset.scene.palette)
    if not prompt:
        return palette
    said = resolve(prompt)
    if said.wall_colour:
        palette[0] = said.wall_colour
    elif said.gel:  # a coloured glow reads in its own colour on a grey wall, not mixed into a beige one
        palette[0] = _grey_of(palette[0])
    if said.floor_colour:
        palette[1] = said.floor_colour
    for index, accent in enumerate(said.accents, start=2):
        if index < len(palette):
            palette[index] = accent
        elif len(palette) < MAX_PALETTE:
            palette.append(accent)
    return palette


MAX_PALETTE = 4


def _grey_of(colour: str) -> str:
    """The grey as light as `colour` (its HLS lightness)."""
    level = round(colorsys.rgb_to_hls(*(c / 255 for c in hex_to_rgb(colour)))[1] * 255)
    return f"#{level:02x}{level:02x}{level:02x}"


ANALOGOUS = 0.25  # hues within a quarter of the wheel of the product's lean towards it; farther ones stay
GREYISH = 0.12  # a product colour with less chroma than this (max - min channel) has no hue to lean towards


def blend_with_product(palette: list[str], product: list[Colour], amount: float = 0.15) -> list[str]:
    """UseSameStyleReferenceImage: turn the scene's hues `amount` of the way round the colour wheel towards
    the product's main colour, so scene and product share a hue. Lightness and saturation stay the
    scene's, so it never greys (mixing the colours themselves met in grey across the wheel). Only hues within
    a quarter turn of the product's lean (a warm wood behind an orange mug): a hue across the wheel (a brown
    floor behind a blue can) would pass through others (magenta) on its way, and stays. A grey or black
    product leaves the scene as it is."""
    if not product:
        return palette
    rgb = [c / 255 for c in hex_to_rgb(product[0].hex)]
    if max(rgb) - min(rgb) < GREYISH:
        return palette
    hue = colorsys.rgb_to_hls(*rgb)[0]
    blended = []
    for value in palette:
        h, lightness, s = colorsys.rgb_to_hls(*(c / 255 for c in hex_to_rgb(value)))
        turn = (hue - h + 0.5) % 1.0 - 0.5  # the shorter way round
        turn = turn if abs(turn) <= ANALOGOUS else 0.0  # across the wheel a turn passes through other hues
        red, green, blue = colorsys.hls_to_rgb((h + amount * turn) % 1.0, lightness, s)
        blended.append("#{:02x}{:02x}{:02x}".format(*(round(c * 255) for c in (red, green, blue))))
    return blended
