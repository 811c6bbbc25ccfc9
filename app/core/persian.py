"""Persian/Latin text normalisation for search and duplicate matching.

Clinicians type on Persian, Arabic and Latin keyboards, copy from documents with Arabic code points, and romanise
Afghan names in many ways. Everything that compares or indexes names goes through this module so that every caller
agrees on what "the same text" means.
"""

from __future__ import annotations

import unicodedata
from typing import Final

# Letters Arabic keyboards/documents produce where Persian has its own code point. Hamza/madda forms (أ إ آ ؤ ئ)
# need no entry: NFKD splits them into a base letter + combining mark, and the marks are dropped with the diacritics.
_LETTER_MAP: Final = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh
        "ى": "ی",  # alef maksura
        "ك": "ک",  # Arabic kaf
        "ة": "ه",  # teh marbuta
        "ە": "ه",  # ae: what heh-with-yeh (ۀ) decomposes to
        "ۀ": "ه",
        "ھ": "ه",  # heh doachashmee, from Urdu/Baluchi keyboards
        "ٱ": "ا",  # alef wasla
        # Pashto and Urdu letters typed on their own keyboards for the same names (ګل = گل, ښکلی = شکلی).
        "ګ": "گ", "ڪ": "ک", "ښ": "ش", "ږ": "ژ", "ځ": "ز", "څ": "س", "ټ": "ت", "ډ": "د", "ړ": "ر", "ڼ": "ن",
        "ې": "ی", "ۍ": "ی", "ے": "ی", "ٹ": "ت", "ڈ": "د", "ڑ": "ر", "ں": "ن", "ہ": "ه", "ۃ": "ه",
    }
)
_PERSIAN_DIGITS: Final = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_DIGITS: Final = "٠١٢٣٤٥٦٧٨٩"
_TO_ASCII: Final = str.maketrans(_PERSIAN_DIGITS + _ARABIC_DIGITS, "0123456789" * 2)
_TO_PERSIAN: Final = str.maketrans("0123456789", _PERSIAN_DIGITS)

_TATWEEL: Final = "\u0640"
_ZWNJ: Final = "\u200c"

_ARABIC_SCRIPT_RANGES: Final = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)


def to_ascii_digits(s: str) -> str:
    """Persian (۰–۹) and Arabic-Indic (٠–٩) digits -> 0–9; everything else unchanged."""
    return s.translate(_TO_ASCII)


def to_persian_digits(s: str) -> str:
    """ASCII 0–9 -> Persian ۰–۹ (the forms used in Iran, not the Arabic-Indic ones)."""
    return s.translate(_TO_PERSIAN)


def _is_arabic_script(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _ARABIC_SCRIPT_RANGES)


def is_persian(text: str) -> bool:
    """True if the text contains at least one Arabic-script letter (Persian, Dari, Arabic, Pashto...)."""
    return any(ch.isalpha() and _is_arabic_script(ch) for ch in text)


def _char_for_search(ch: str) -> str:
    # Letters and digits survive; combining marks (Arabic harakat, shadda, sukun, superscript alef, hamza marks,
    # Latin accents after NFKD) vanish; format characters (bidi marks, ZWJ) vanish; everything else
    # (punctuation of both scripts, symbols, ZWNJ, whitespace) separates words.
    if ch == _ZWNJ:
        return " "
    if ch == _TATWEEL:
        return ""
    category = unicodedata.category(ch)
    if category[0] in "LN":
        return ch
    if category[0] == "M" or category == "Cf":
        return ""
    return " "


class _SearchChars(dict[int, str]):
    """``_char_for_search`` for ``str.translate``, worked out once per distinct character: the index of every
    patient a feed page brings normalises each name, and a Python call per character was most of that time."""

    def __missing__(self, codepoint: int) -> str:
        result = self[codepoint] = _char_for_search(chr(codepoint))
        return result


_SEARCH_CHARS = _SearchChars()


def normalize_for_search(text: str) -> str:
    """Canonical form for searching and matching (the docs/architecture.md "Domain facts" rules).

    - Arabic yeh ي/ى -> ی, kaf ك -> ک, ۀ/ة -> ه; hamza/madda forms أ إ آ -> ا, ؤ -> و, ئ -> ی
      (آ is folded too: people type آ and ا interchangeably in names).
    - Diacritics (fatha, kasra, damma, tanwin, shadda, sukun, superscript alef) and tatweel removed.
    - ZWNJ -> space, so "می‌روم" and "می روم" match.
    - Persian/Arabic-Indic digits -> ASCII digits.
    - Latin: case-folded, accents stripped ("Hoséin" -> "hosein").
    - Punctuation of both scripts (، ؛ ؟ . - _ / ...) -> space; whitespace collapsed; stripped.

    Idempotent: ``normalize_for_search(normalize_for_search(t)) == normalize_for_search(t)``.
    """
    # casefold first: some case foldings produce combining marks that the NFKD pass must then see.
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = decomposed.translate(_SEARCH_CHARS)
    # A second casefold/NFKD catches compatibility characters whose decomposition is upper-case (e.g. ℌ -> H).
    kept = unicodedata.normalize("NFKD", kept.casefold())
    kept = kept.translate(_SEARCH_CHARS)
    kept = to_ascii_digits(kept.translate(_LETTER_MAP))
    return " ".join(kept.split())


def search_tokens(text: str) -> list[str]:
    """Normalised words of ``text``, each once, in order of first appearance."""
    return list(dict.fromkeys(normalize_for_search(text).split()))
