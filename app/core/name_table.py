"""The curated table of common names in both scripts (resources/reference/person_names.tsv).

Persian script writes no short vowels, so محمد could be read Mohammad or Mahmad and حسن Hasan or Hosn: rules alone
cannot put a Persian-script name next to its Latin spelling. For the names people are most often called, this table
says how they are written in Latin letters; the rules in app.core.name_keys handle everything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

from app.resources import resource_path

KINDS: Final = {"n": "name", "s": "article part", "f": "family name", "e": "family-name ending"}


@dataclass(frozen=True)
class NameEntry:
    kind: str
    persian: tuple[str, ...]  # usual spelling first
    latin: tuple[str, ...]  # usual romanisation first

    @property
    def usual_latin(self) -> str:
        return self.latin[0]


class NameTableError(ValueError):
    pass


def parse_table(text: str, source: str = "person_names.tsv") -> list[NameEntry]:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 3 or cols[0] not in KINDS:
            raise NameTableError(f"{source} line {number}: expected 'kind<TAB>Persian<TAB>Latin' with kind one of "
                                 f"{', '.join(KINDS)}")
        persian = tuple(p.strip() for p in cols[1].split("|") if p.strip())
        latin = tuple(p.strip() for p in cols[2].split("|") if p.strip())
        if not persian or not latin:
            raise NameTableError(f"{source} line {number}: a Persian and a Latin spelling are both needed")
        entries.append(NameEntry(cols[0], persian, latin))
    return entries


@cache
def name_entries() -> tuple[NameEntry, ...]:
    path = resource_path("reference", "person_names.tsv")
    return tuple(parse_table(path.read_text(encoding="utf-8"), path.name))
