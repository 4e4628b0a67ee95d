"""Which props a custom prompt names ("on a marble counter with lemons" → lemon), for the studio engine to
draw (`workers.render.props`) and for the task's promptText to report. Words only: the web imports it."""

from __future__ import annotations

from collections.abc import Collection

from workers.words import singular, words

MAX_KINDS = 3  # at most this many kinds of prop in one scene

# A prompt's words (singular) → the prop they name.
PROP_WORDS = {
    "lemon": "lemon", "orange": "orange", "apple": "apple", "lime": "lime", "citrus": "lemon",
    "leaf": "leaf", "leave": "leaf", "fern": "leaf", "foliage": "leaf", "herb": "leaf", "basil": "leaf",
    "maple": "autumn leaf", "flower": "flower", "petal": "flower",
    "blossom": "flower", "rose": "flower", "stone": "stone", "pebble": "stone", "rock": "stone",
    "shell": "shell", "seashell": "shell", "book": "book", "candle": "candle", "bean": "coffee bean",
    "ice": "ice", "cube": "ice", "pumpkin": "pumpkin", "gourd": "pumpkin", "egg": "egg", "heart": "heart",
    "fabric": "fabric", "cloth": "fabric", "linen": "fabric", "silk": "fabric", "napkin": "fabric",
    "blanket": "fabric", "throw": "fabric", "towel": "fabric", "scarf": "fabric",
}  # fmt: skip
# Fruit, nuts and seeds the service's Recommendations may name (its flavour props, "beside ripe peaches")
# that the engine has no drawing of: drawn as the prop nearest in colour and size. A resolution lists
# them as stand-ins (workers.render.prompt_scene), so the difference is never hidden.
STAND_INS = {
    "strawberry": "apple", "raspberry": "apple", "cherry": "apple", "peach": "orange", "mango": "orange",
    "apricot": "orange", "banana": "lemon", "pineapple": "lemon", "grape": "lime", "blueberry": "coffee bean",
    "coconut": "egg", "soybean": "coffee bean", "almond": "coffee bean", "nut": "coffee bean",
    "mint": "leaf",
}  # fmt: skip
# Words before a prop word that make it something else: "orange wall" is a colour, "stone floor" a surface.
NOT_A_PROP_AFTER = {"wall", "floor", "counter", "table", "background", "backdrop", "surface", "light", "glow"}
COMPANY = {"with", "beside", "among", "amongst", "surrounded", "next", "near", "and"}
# Words that put the product somewhere: props named after them are where it stands ("with petals on silk").
PLACING = {"on", "in", "onto", "atop", "against", "over", "under", "inside"}
ALSO_ADJECTIVES = {"orange", "lemon", "lime", "rose", "apple", "ice", "stone", "mint", "peach", "cherry"}
AUTUMN = {"autumn", "fall", "autumnal", "maple", "orange", "red", "golden", "brown"}


def prop_word(word: str) -> str | None:
    """The prop a word (any number) names, a stand-in's included."""
    form = singular(word)
    return PROP_WORDS.get(form) or STAND_INS.get(form)


def prop_mentions(raw: list[str], skip: Collection[int] = ()) -> list[tuple[int, str]]:
    """(index, prop) for each word of `raw` (lower-case words) that names a prop, in order; words at `skip`
    (read as something else: a colour, a phrase) are passed over.

    A prop word names a prop in the plural ("lemons"), or after "with", "beside", "among" or "surrounded"
    until a word places the product ("among petals on a silk cloth": the cloth is what it stands on):
    "on linen with coffee beans" lies on linen, and "on black stone" stands on stone."""
    found: list[tuple[int, str]] = []
    company = False
    for index, word in enumerate(raw):
        if word in PLACING:
            company = False
        company = company or word in COMPANY
        if index in skip:
            continue
        following = singular(raw[index + 1]) if index + 1 < len(raw) else ""
        prop = prop_word(word)
        if prop == "leaf" and index and raw[index - 1] in AUTUMN:
            prop = "autumn leaf"  # "orange autumn leaves"
        plural = singular(word) != word
        if not plural and word in ALSO_ADJECTIVES and (prop_word(following) or following in AUTUMN):
            continue  # an adjective here: "orange autumn leaves", "lemon leaves"
        named = company or plural
        if prop and named and following not in NOT_A_PROP_AFTER:
            found.append((index, prop))
    return found


def props_in_prompt(prompt: str) -> tuple[str, ...]:
    """The props a custom prompt names, in the order it names them ("with lemons and basil leaves"), at
    most MAX_KINDS. What the studio draws is its resolution's props (`workers.render.prompt_scene`), which
    reads colours ("a lime sky") and phrases ("leaf shadows") before props, and draws none beside a stand."""
    found = dict.fromkeys(prop for _, prop in prop_mentions(words(prompt)))
    return tuple(found)[:MAX_KINDS]
