"""Comparing words as a person would: plurals folded to the singular, so "backpacks", "glasses" and
"strawberries" meet "backpack", "glass" and "strawberry" (used on captions, prompts and vocabularies)."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z]+")
IRREGULAR = {
    "leaves": "leaf", "shelves": "shelf", "knives": "knife", "loaves": "loaf", "feet": "foot", "skis": "ski",
}  # fmt: skip
UNCHANGED = {"christmas", "lens", "canvas", "news", "series", "species", "always", "various"}


def singular(word: str) -> str:
    if word in IRREGULAR or word in UNCHANGED:
        return IRREGULAR.get(word, word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The lower-case words of a text, in order."""
    return _WORD.findall(text.lower())


# Shop words for a kind of goods, not one thing: "wide jewellery", never "a wide jewellery" (the names a
# product steps up to where its name is unsure are often such words).
MASS_NOUNS = frozenset({
    "jewellery", "jewelry", "footwear", "makeup", "clothing", "kitchenware", "tableware", "eyewear",
    "stationery", "luggage", "cookware", "glassware", "furniture", "bedding", "homeware", "sportswear",
})  # fmt: skip


def takes_no_article(noun: str) -> bool:
    """Sneakers, sunglasses and jewellery take no article; an abacus, a glass and a watch do."""
    last = words(noun)[-1:] or [""]
    return is_plural(noun) or last[0] in MASS_NOUNS


def is_plural(noun: str) -> bool:
    """For grammar: "sneakers" and "sunglasses" take no article; "abacus" and "glass" do."""
    last = words(noun)[-1:] or [""]
    return singular(last[0]) != last[0]
