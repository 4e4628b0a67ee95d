"""The naming photo sets: their answer tables, the tune / held-out split, and how a name is judged.

A folder of photos (../shared/photos/dev, dev2) has `names.tsv` (photo, tab, a case-insensitive regular
expression that every name a shopper accepts matches) and `generic.tsv` (photo, tab, a regular expression of
names that are true but only a category: "toy", "drink"). A name is RIGHT when it matches names.tsv, GENERIC
when it does not but every word of it matches generic.tsv (true, but says little: "electronic device"), WRONG
otherwise ("cosmetic product" for a speaker, though "product" alone is generic); a wrong name given with
confidence at or above the product's line is CONFIDENTLY WRONG, the worst kind: it writes the description
and the prompts.

A third of the photos are HELD OUT (chosen by a hash of the file name, so every tool splits alike): rules are
designed on the TUNE part only, and the held-out part measures how they generalise to unseen photos.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Part = Literal["tune", "holdout"]
Verdict = Literal["right", "generic", "wrong"]
VERDICTS: tuple[Verdict, ...] = ("right", "generic", "wrong")
HELD_OUT_EVERY = 3  # one photo in three is held out
EMPTY_HEADS = (
    r"\bproduct|\bitem|\bpiece"  # a name's head that claims nothing ("tableware piece" says "tableware")
)


def part_of(photo: str) -> Part:
    """The part `photo` (a file name; any folder is dropped) belongs to, the same for every tool."""
    name = Path(photo).name
    digest = int(hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest(), 16)
    return "holdout" if digest % HELD_OUT_EVERY == 0 else "tune"


def read_table(path: Path) -> dict[str, re.Pattern[str]]:
    """A names.tsv / generic.tsv: photo → its case-insensitive pattern (empty where the file is missing)."""
    if not path.is_file():
        return {}
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            photo, pattern = line.split("\t", 1)
            table[photo.strip()] = re.compile(pattern.strip(), re.IGNORECASE)
    return table


def judge(name: str, right: re.Pattern[str], generic: re.Pattern[str] | None) -> Verdict:
    """Whether `name` is right (a noun a shopper accepts), generic (true but a category) or wrong."""
    if right.search(name):
        return "right"
    if generic is not None and only_category_words(name, generic):
        return "generic"
    return "wrong"


def only_category_words(name: str, generic: re.Pattern[str]) -> bool:
    """Whether every word of `name` is a category word of `generic` (plurals and word endings included):
    "sports item" is generic where "sport" is ("item", "piece", "product" claim nothing), but "cosmetic product" for a speaker is not just
    because "product" is — its other word is a wrong claim, and it writes the description."""
    covering = re.compile(rf"\w*(?:{generic.pattern}|{EMPTY_HEADS})\w*", re.IGNORECASE)
    return bool(name.strip()) and not re.search(r"\w", covering.sub(" ", name))


def confidently_wrong(verdict: Verdict, confidence: float | None, line: float | None) -> bool:
    """A wrong name said with confidence: without a confidence or a line, every wrong name is confident
    (the product then states every name as fact)."""
    if verdict != "wrong":
        return False
    return confidence is None or line is None or confidence >= line


@dataclass
class Tally:
    """Counts of a set of judged names, with their shares of the whole."""

    counts: dict[Verdict, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))
    confident_wrong: int = 0

    def add(self, verdict: Verdict, confident_wrong: bool) -> None:
        self.counts[verdict] += 1
        self.confident_wrong += confident_wrong

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, count: int) -> float:
        """`count` as a percentage of the names tallied (0 for none)."""
        return 100.0 * count / self.total if self.total else 0.0

    def line(self) -> str:
        parts = [f"{v} {self.counts[v]} ({self.share(self.counts[v]):.0f} %)" for v in VERDICTS]
        confident = f"{self.confident_wrong} ({self.share(self.confident_wrong):.0f} %)"
        return f"{self.total:3d} photos: {', '.join(parts)}; confidently wrong {confident}"
