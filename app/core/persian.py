"""Persian/Latin text normalisation for search and duplicate matching.

Clinicians type on Persian, Arabic and Latin keyboards, copy from documents with Arabic code points, and romanise
Afghan names in many ways. Everything that compares or indexes names goes through this module so that every caller
agrees on what "the same text" means.
"""

from __future__ import annotations

import re
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


def normalize_for_search(text: str) -> str:
    """Canonical form for searching and matching (the FACTS.md "Persian text" rules).

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
    kept = "".join(_char_for_search(ch) for ch in decomposed)
    # A second casefold/NFKD catches compatibility characters whose decomposition is upper-case (e.g. ℌ -> H).
    kept = unicodedata.normalize("NFKD", kept.casefold())
    kept = "".join(_char_for_search(ch) for ch in kept)
    kept = to_ascii_digits(kept.translate(_LETTER_MAP))
    return " ".join(kept.split())


def search_tokens(text: str) -> list[str]:
    """Normalised words of ``text``, each once, in order of first appearance."""
    return list(dict.fromkeys(normalize_for_search(text).split()))


# --- name_key -----------------------------------------------------------------------------------------------------

# Apostrophes and ayn/hamza letters used in romanisation (Sa'id, Mas`ud, Maʿsuma) carry no reliable information.
_APOSTROPHES: Final = dict.fromkeys(map(ord, "'`´‘’ʼʾʿ"), None)

# Whole-word spellings the general rules cannot reach (irregular vowel or consonant shifts). Keys are regexes over a
# normalised token; values are the spelling that the rules then reduce.
_IRREGULAR: Final = (
    (re.compile(r"^(?:mohd|muhd|mhd|md)$"), "mohammad"),
    (re.compile(r"^y[ou]{1,2}s[eiou]{1,2}f$"), "yusef"),  # Yousef, Yusuf, Yosef, Yousof, Yousif
    (re.compile(r"^y[ou]{1,2}n[eiou]{1,2}s$"), "yunes"),  # Younes, Yunus, Younus
    (re.compile(r"^da(?:w|v)?(?:u|oo|ou|o)d$"), "davud"),  # Daud, Dawood, Davood, Dawud
)
# "-ullah" family at the end of a word: Abdullah, Abdollah, Abdolah, Abdulla, Hedayatollah, Aminullah.
_ULLAH: Final = re.compile(r"[aeiou]?(?:ll|l(?=ah$))ah?$")
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


def _collapse_doubles(s: str) -> str:
    return re.sub(r"(.)\1+", r"\1", s)


def _latin_token(token: str) -> str:
    for pattern, canonical in _IRREGULAR:
        if pattern.match(token):
            return canonical
    token = _ULLAH.sub("ulla", token)
    # Word-final h after a vowel is silent (Fatemeh/Fatema, Fatimah/Fatima, Zahrah).
    return re.sub(r"(?<=[aeiouy])h$", "", token)


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


def _latin_key(name: str) -> str:
    tokens = [_latin_token(t) for t in normalize_for_search(name.translate(_APOSTROPHES)).split()]
    s = _collapse_doubles("".join(tokens))  # spaces and hyphens are not significant: Abdul Rahman = Abdulrahman
    s = _ABD.sub("abdul", s)
    s = _UDDIN.sub("udin", s)
    for digraph, replacement in _DIGRAPHS:
        s = s.replace(digraph, replacement)
    s = _collapse_doubles(s)
    return _collapse_doubles(_vowel_classes(s))


def _persian_key(name: str) -> str:
    # Spaces and ZWNJ are not significant inside a name (عبدالله = عبد الله); alef forms are already unified.
    return normalize_for_search(name).replace(" ", "")


def name_key(name: str) -> str:
    """Transliteration-tolerant key for duplicate detection (it nominates candidates; a person confirms).

    Persian script (any Arabic-script letter present): the search-normalised form without spaces, so
    عبدالله / عبد الله / عبداللّه, علي / علی and آمنه / امنه share a key.

    Latin script: a consonant skeleton with two vowel classes, built by these steps:
      1. normalise (case, accents, punctuation); drop apostrophes (Sa'id = Said); join words (Abdul Rahman = Abdulrahman);
      2. a few irregular names are respelt first: Mohd -> Mohammad, Yusuf/Yousef, Younes/Yunus, Daud/Dawood;
      3. word endings: -ullah/-ollah/-olah/-ulla -> one form; a silent final h after a vowel is dropped (Fatemeh, Fatimah);
         Abd-al-/-ul-/-ol-/-ur- -> "abdul"; -uddin/-eddin/al-Din -> one form;
      4. doubled letters collapse (Hassan = Hasan, Zahraa = Zahra);
      5. kh -> k, gh -> q, q stays q, sh/ch single letters, zh -> j, th -> s, dh -> z, ph -> f, c/x -> k, w -> v;
      6. each run of vowels becomes A (a, e, i, y: fatha/kasra/long i are written all three ways) or U (any o, u:
         Gul = Gol, Mahmoud = Mahmood = Mahmud); w before a vowel is v (Sarwar = Sarvar); y is a consonant only
         before a vowel at the start or after a vowel (Sayed stays apart from Saeed, Maryam = Mariam).

    Examples that share a key: Mohammad/Muhammad/Mohamad/Mohammed -> "mUhAmAd"; Ahmad/Ahmed; Hossein/Hussain/Hosein/
    Husain/Husayn -> "hUsAn"; Zahra/Zahraa; Fatemeh/Fatima; Gul/Gol; Abdullah/Abdollah; Ghasem/Qasem; Wahid/Vahid.
    Kept apart: Hassan ("hAsAn") vs Hossein, Zahra vs Zohreh, Saeed vs Sayed.
    Known collisions (same key, different names) accepted as the price of tolerance: Karim/Karam, Amin/Aman.
    Output mixes lower-case consonants with the markers A, U, S (sh) and C (ch); compare keys, never display them.
    """
    if is_persian(name):
        return _persian_key(name)
    return _latin_key(name)
