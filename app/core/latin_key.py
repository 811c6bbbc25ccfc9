"""A spelling-tolerant key for Persian, Dari and Pashto names written in Latin letters.

Romanisation of these names follows no one standard: the same clerk writes Mohammad, Muhammad and Mohammed in one
week, and Afghan documents use English conventions (Hussain, Zabiullah) where Iranian ones use Persian-style
spellings (Hossein, Zabihollah). The key keeps what is stable across those habits (the consonants, and whether a
vowel is rounded) and drops what is not.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from app.core.persian import normalize_for_search

# Apostrophes and ayn/hamza letters used in romanisation (Sa'id, Mas`ud, Maʿsuma) carry no reliable information.
APOSTROPHES: Final = dict.fromkeys(map(ord, "'`´‘’ʼʾʿ"), None)

# Whole-word spellings the general rules cannot reach (irregular vowel or consonant shifts). Keys are regexes over a
# normalised word; values are the spelling that the rules then reduce.
_IRREGULAR: Final = (
    (re.compile(r"^(?:mohd|muhd|mhd|md)$"), "mohammad"),
    (re.compile(r"^y[ou]{1,2}s[eiou]{1,2}f$"), "yusef"),  # Yousef, Yusuf, Yosef, Yousof, Yousif
    (re.compile(r"^y[ou]{1,2}n[eiou]{1,2}s$"), "yunes"),  # Younes, Yunus, Younus
    (re.compile(r"^da(?:w|v)?(?:u|oo|ou|o)d$"), "davud"),  # Daud, Dawood, Davood, Dawud
)
# "-ullah" family at the end of a word: Abdullah, Abdollah, Abdolah, Abdulla, Hedayatollah, Aminullah; the h is often
# dropped before it (Zabiullah for Zabihullah).
_ULLAH: Final = re.compile(r"h?[aeiou]?(?:ll|l(?=ah$))ah?$")
# "Abd al-/ul-/ol-/ur-": Abdulrahman, Abd al-Rahman, Abdorrahman, Abdurrahman.
_ABD: Final = re.compile(r"abd(?:[aeiou]l|[aeiou])?")
# "-uddin" family: Nasiruddin, Nasir al-Din, Alaeddin, Jalaleddin.
_UDDIN: Final = re.compile(r"[aeiou][ld]?dd?(?:i|ee|y)n")
_DIGRAPHS: Final = (
    ("kh", "k"),  # خ: Khalil / Kalil / Xalil
    ("gh", "q"),  # غ and ق sound alike in Persian: Ghasem / Qasem
    ("sh", "S"),
    ("ch", "C"),
    ("zh", "j"),  # ژ: Zhila / Jila
    ("th", "s"),  # ث, Arabic style: Othman / Osman
    ("dh", "z"),  # ذ, Arabic style: Dhakir / Zaker
    ("ph", "f"),
    ("ck", "k"),
    ("c", "k"),
    ("x", "k"),
)
_VOWELS: Final = frozenset("aeiou")
_ROUNDED: Final = frozenset("ouw")  # a vowel-run holding any of these is "U"
# Article words written apart ("Noor ul Haq", "Nasir al-Din"): one spelling, whatever the vowel.
ARTICLES: Final = frozenset({"al", "ul", "ol", "el", "ur", "ud", "us", "uz", "ad", "ar", "as", "az", "an", "un"})


def collapse_doubles(s: str) -> str:
    """Doubled letters count once (Hassan = Hasan); digits are not letters (Person11 is not Person1)."""
    return re.sub(r"([^\W\d_])\1+", r"\1", s)


def latin_words(name: str) -> list[str]:
    """Normalised words of a Latin name, apostrophes dropped, article words written as "ul"."""
    words = normalize_for_search(name.translate(APOSTROPHES)).split()
    return ["ul" if w in ARTICLES and i > 0 else w for i, w in enumerate(words)]


def _respell(word: str) -> str:
    for pattern, canonical in _IRREGULAR:
        if pattern.match(word):
            return canonical
    word = _ULLAH.sub("ulla", word)
    # Word-final h after a vowel is silent (Fatemeh/Fatema, Fatimah/Fatima, Zahrah).
    return re.sub(r"(?<=[aeiouy])h$", "", word)


def _is_glide(s: str, j: int) -> bool:
    """Whether the y/w at s[j] is a consonant: w before a vowel (Sarwar = Sarvar, Dawood = Davood); y before a
    vowel only when it starts the name or follows a vowel (Sayed != Saeed, but Maryam = Mariam)."""
    next_is_vowel = j + 1 < len(s) and s[j + 1] in _VOWELS
    if not next_is_vowel:
        return False
    if s[j] == "w":
        return True
    return j == 0 or s[j - 1] in _VOWELS


def _vowel_classes(s: str) -> str:
    """Replace each run of vowel letters by A (a/e/i/y only) or U (any o/u/w); glides become consonants y / v."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            out.append("U" if any(c in _ROUNDED for c in run) else "A")
            run.clear()

    for j, ch in enumerate(s):
        if ch in _VOWELS or (ch in "yw" and not _is_glide(s, j)):
            run.append(ch)
        else:
            flush()
            out.append("v" if ch == "w" else ch)
    flush()
    return "".join(out)


def respelled(words: list[str]) -> str:
    """Words joined (spaces and hyphens are not significant: Abdul Rahman = Abdulrahman), irregular spellings and
    the -ullah / Abd-ul- / -uddin families written one way."""
    s = collapse_doubles("".join(_respell(w) for w in words if w))
    s = _ABD.sub("abdul", s)
    return _UDDIN.sub("udin", s)


@lru_cache(maxsize=65536)
def latin_key(name: str) -> str:
    """Spelling-tolerant key of a Latin name (words joined). "" for a name with no letters or digits.

    Steps: normalise (case, accents, punctuation), drop apostrophes, join words; respell a few irregular names
    (Mohd, Yusuf/Yousef, Younes/Yunus, Daud/Dawood); write -ullah/-ollah/-ulla (and a dropped h before it),
    Abd-al-/-ul-/-ur- and -uddin/-eddin/al-Din one way; drop a silent final h after a vowel (Fatemeh, Fatimah);
    collapse doubled letters; kh -> k, gh -> q, sh/ch single letters, zh -> j, th -> s, dh -> z, ph -> f,
    c/x -> k; each run of vowels becomes A (a, e, i, y) or U (any o, u); w before a vowel is v, y is a consonant
    only before a vowel at the start or after a vowel.

    Share a key: Mohammad/Muhammad/Mohammed, Ahmad/Ahmed, Hossein/Hussain/Husayn, Fatemeh/Fatima, Gul/Gol,
    Abdullah/Abdollah, Ghasem/Qasem, Wahid/Vahid, Zabihullah/Zabiullah. Kept apart: Hassan/Hossein, Zahra/Zohreh,
    Saeed/Sayed. Output mixes lower-case consonants with the markers A, U, S (sh) and C (ch): compare keys, never
    show them.
    """
    s = respelled(latin_words(name))
    for digraph, replacement in _DIGRAPHS:
        s = s.replace(digraph, replacement)
    s = collapse_doubles(s)
    return collapse_doubles(_vowel_classes(s))
