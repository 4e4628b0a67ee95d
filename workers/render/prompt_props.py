"""Which props a custom prompt names ("on a marble counter with lemons" → lemon), for the studio engine to
draw (`workers.render.props`) and for the task's promptText to report. Words only: the web imports it."""

from __future__ import annotations

from workers.words import singular, words

MAX_KINDS = 3  # at most this many kinds of prop in one scene

# A prompt's words (singular) → the prop they name.
PROP_WORDS = {
    "lemon": "lemon", "orange": "orange", "apple": "apple", "lime": "lime", "citrus": "lemon",
    "leaf": "leaf", "leave": "leaf", "fern": "leaf", "foliage": "leaf", "maple": "autumn leaf", "flower": "flower", "petal": "flower",
    "blossom": "flower", "rose": "flower", "stone": "stone", "pebble": "stone", "rock": "stone",
    "shell": "shell", "seashell": "shell", "book": "book", "candle": "candle", "bean": "coffee bean",
    "ice": "ice", "cube": "ice", "pumpkin": "pumpkin", "gourd": "pumpkin", "egg": "egg", "heart": "heart", "fabric": "fabric", "cloth": "fabric", "linen": "fabric", "silk": "fabric",
}  # fmt: skip
# Words before a prop word that make it something else: "orange wall" is a colour, "stone floor" a surface.
NOT_A_PROP_AFTER = {"wall", "floor", "counter", "table", "background", "backdrop", "surface", "light", "glow"}


def props_in_prompt(prompt: str) -> tuple[str, ...]:
    """The props a custom prompt names, in the order it names them ("with lemons and basil leaves").

    A prop word names a prop in the plural ("lemons"), or after "with", "beside", "among" or "surrounded":
    "on linen with coffee beans" lies on linen, and "on black stone" stands on stone."""
    raw = words(prompt)
    found: list[str] = []
    company = False
    for index, word in enumerate(raw):
        company = company or word in COMPANY
        following = singular(raw[index + 1]) if index + 1 < len(raw) else ""
        prop = PROP_WORDS.get(singular(word))
        if prop == "leaf" and index and raw[index - 1] in AUTUMN:
            prop = "autumn leaf"  # "orange autumn leaves"
        plural = singular(word) != word
        if not plural and word in ALSO_ADJECTIVES and (following in PROP_WORDS or following in AUTUMN):
            continue  # an adjective here: "orange autumn leaves", "lemon leaves"
        named = company or plural
        if prop and named and following not in NOT_A_PROP_AFTER and prop not in found:
            found.append(prop)
    return tuple(found[:MAX_KINDS])


COMPANY = {"with", "beside", "among", "amongst", "surrounded", "next", "near", "and"}
ALSO_ADJECTIVES = {"orange", "lemon", "lime", "rose", "apple", "ice", "stone"}  # "lemon leaves", "stone grey"
AUTUMN = {"autumn", "fall", "autumnal", "maple", "orange", "red", "golden", "brown"}
