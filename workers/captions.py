"""Reading the product's name out of a caption ("a woman wearing a pink backpack" → backpack)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

from workers.vocabulary import COLOUR_NAMES, PRODUCTS
from workers.words import singular, words

BEVERAGE_CAN = ("beverage can", "beverage", "aluminium")
TIN = ("tin", "general", "metal")
GENERIC_WORDS = {"product", "item", "object", "thing", "set"}  # caption words that name no product
DETERMINERS = {"a", "an", "the", "one", "two", "three", "some", "another", "its", "their", "his", "her"}
PHRASE_BREAKS = {
    "with", "on", "in", "of", "at", "by", "for", "near", "next", "to", "behind", "under", "over",
    "from", "that", "is", "are", "against", "beside", "inside", "into", "onto", "while", "which", "who",
}  # fmt: skip
# Nouns that are colours too: "an orange" is a fruit, "an orange sneaker" is a sneaker.
COLOUR_NOUNS = {noun for noun, _, _ in PRODUCTS.values() if noun in COLOUR_NAMES} | {"lemon", "lime", "plum"}


def _singular_words(text: str) -> list[str]:
    return [singular(word) for word in words(text)]


@dataclass(frozen=True)
class _Vocabulary:
    nouns: dict[tuple[str, ...], tuple[str, str, str]]  # product nouns as word sequences, longest first
    heads: dict[str, tuple[str, str, str]]  # a head word alone → (it, the commonest category it heads, "")


@cache
def _caption_vocabulary() -> _Vocabulary:
    named = [*PRODUCTS.values(), BEVERAGE_CAN, TIN]
    nouns: dict[tuple[str, ...], tuple[str, str, str]] = {}
    for noun, category, material in sorted(named, key=lambda entry: -len(_singular_words(entry[0]))):
        nouns.setdefault(tuple(_singular_words(noun)), (noun, category, material))
    categories: dict[str, Counter[str]] = {}
    for sequence, (_, category, _) in nouns.items():
        categories.setdefault(sequence[-1], Counter())[category] += 1
    heads = {
        head: (head, counts.most_common(1)[0][0], "")
        for head, counts in categories.items()
        if head not in GENERIC_WORDS
    }
    return _Vocabulary(nouns, heads)


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    entry: tuple[str, str, str]
    whole: bool  # a whole noun of the vocabulary, not only its head word


def _matches(tokens: list[str], vocabulary: _Vocabulary) -> list[_Match]:
    found, position = [], 0
    while position < len(tokens):
        for sequence, entry in vocabulary.nouns.items():
            if tuple(tokens[position : position + len(sequence)]) == sequence:
                found.append(_Match(position, position + len(sequence), entry, whole=True))
                position += len(sequence)
                break
        else:
            if tokens[position] in vocabulary.heads:
                found.append(_Match(position, position + 1, vocabulary.heads[tokens[position]], whole=False))
            position += 1
    return found


def _phrase_ends(tokens: list[str], inside: set[int]) -> list[int]:
    """Where a caption's noun phrases end: before a preposition or an -ing verb (not one inside a noun,
    as in "sleeping bag"), and before "and" that starts a new thing ("and a cup", not "and white")."""
    ends = []
    for index, word in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        starts_another = word == "and" and following in DETERMINERS
        if index not in inside and (
            word in PHRASE_BREAKS or starts_another or (len(word) > 4 and word.endswith("ing"))
        ):
            ends.append(index)
    return [*ends, len(tokens)]


def name_from_caption(caption: str, classified: tuple[str, str, str]) -> tuple[str, str, str] | None:
    """The product a caption names ("a woman wearing a pink backpack" → backpack), or None.

    Captions name their subject first, and a noun phrase ends in its head ("an orange and white sneaker"
    is a sneaker): the last product noun of the first phrase that has one. Whole nouns of the vocabulary
    match anywhere in a phrase ("teddy bear", "sleeping bag"); a colour that is also a noun ("orange",
    "lemon") only at its end. A bare head word ("a yellow clock") counts at the end of a phrase: it keeps
    the classifier's more precise noun when that ends in the same word, and is the caption's word
    otherwise, in the category of the nouns it heads.
    """
    vocabulary = _caption_vocabulary()
    raw = words(caption)
    tokens = [singular(word) for word in raw]
    matches = _matches(tokens, vocabulary)
    inside = {index for match in matches if match.whole for index in range(match.start, match.end)}
    classified_head = (_singular_words(classified[0]) or [""])[-1]
    begin = 0
    for end in _phrase_ends(tokens, inside):
        # A phrase's own words: whole nouns anywhere; colour nouns and bare head words only at its end.
        heads = [
            m
            for m in matches
            if begin <= m.start
            and m.end <= end
            and (m.end == end or (m.whole and m.entry[0] not in COLOUR_NOUNS))
        ]
        if heads:
            last = heads[-1]
            if last.whole:
                return last.entry
            word = tokens[last.start]
            return classified if word == classified_head else (raw[last.start], *last.entry[1:])
        begin = end + 1
    return None
