"""Matching keys of a person's name: the forms under which a name is indexed and compared.

For every name (one field, in either script) ``name_keys`` gives:

- ``words`` / ``compact``: the search-normalised words, and the same without spaces (عبد الله = عبدالله);
- ``parts``: the pieces of a compound written as one word (غلامرسول -> غلام, رسول; Abdulrahman -> abdul, rahman);
- ``tolerant``: one spelling for variants of the same name in the same script: the Latin phonetic key
  (app.core.latin_key) or, for Persian script, the usual spelling of Dari and Arabic variants (عبدالرحمان ->
  عبدالرحمن, اسمعیل -> اسماعیل, رحمة -> رحمت, علاءالدین = علاالدین, Pashto ګ -> گ);
- ``cross``: for a Persian-script name found in the curated table (app.core.name_table), the Latin phonetic key of
  its usual romanisation, so محمد meets Mohammed;
- ``skeleton``: a rule-based consonant skeleton shared by both scripts (short vowels are not written in Persian, so
  they are dropped everywhere), for names the table does not know and for a name still being typed.

Each also comes per word (for matching one word of a query) and, apart, per compound part (``*_parts``: the keys of
محمد and رضا in محمدرضا, which the search ranks below a name that is محمد itself); all are deterministic and cached
per distinct name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final

from app.core.latin_key import APOSTROPHES, ARTICLES, latin_key, latin_words, respelled
from app.core.name_table import NameEntry, name_entries
from app.core.persian import is_persian, normalize_for_search

_TEH_MARBUTA: Final = "ة"
_HAMZA: Final = "ء"
ARTICLE: Final = "ul"
_ABD_WORD: Final = re.compile(r"^abd[aeiou]?l?$")
# ة before the article (رحمة الله, نعمةالله) is read t and written ت in Persian: رحمت‌الله.
_TEH_BEFORE_ARTICLE: Final = re.compile("ة(?=[\\s\u200c]*ال)")


def fold_persian_words(text: str) -> list[str]:
    """Search-normalised words with the extra folds of matching: ة before the article -> ت, hamza ء dropped."""
    text = _TEH_BEFORE_ARTICLE.sub("ت", text)
    return [w.replace(_HAMZA, "") for w in normalize_for_search(text).split() if w.replace(_HAMZA, "")]


# --- the lexicon built from the table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lexicon:
    fa: dict[str, NameEntry]  # every Persian spelling, folded and without spaces -> entry
    fa_lengths: tuple[int, ...]
    latin: dict[str, NameEntry]  # every Latin spelling, respelled and without spaces -> entry
    latin_lengths: tuple[int, ...]
    # Latin key of a listed variant -> usual romanisation (only where the variant belongs to one name)
    latin_usual: dict[str, str]


def _fa_form(text: str) -> str:
    return "".join(fold_persian_words(text))


def _latin_form(text: str) -> str:
    return respelled(latin_words(text))


@cache
def lexicon() -> _Lexicon:
    fa: dict[str, NameEntry] = {}
    latin: dict[str, NameEntry] = {}
    claims: dict[str, set[str]] = {}
    usual_keys = {latin_key(e.usual_latin) for e in name_entries()}
    for entry in name_entries():
        for spelling in entry.persian:
            fa.setdefault(_fa_form(spelling), entry)
        for spelling in entry.latin:
            latin.setdefault(_latin_form(spelling), entry)
            claims.setdefault(latin_key(spelling), set()).add(entry.usual_latin)
    latin_usual = {}
    for key, usual in claims.items():
        # A variant that two names share (Said: سید or سعید), or that is itself another name's usual key, stays put.
        if len({latin_key(u) for u in usual}) == 1 and (key not in usual_keys or latin_key(next(iter(usual))) == key):
            latin_usual[key] = next(iter(usual))
    return _Lexicon(fa, tuple(sorted({len(k) for k in fa}, reverse=True)), latin,
                    tuple(sorted({len(k) for k in latin}, reverse=True)), latin_usual)


def _segment(s: str, forms: dict[str, NameEntry], lengths: tuple[int, ...]) -> list[NameEntry] | None:
    """Split ``s`` into the fewest (at least two) known pieces; family-name endings only last. None if it cannot be."""
    n = len(s)
    best: list[list[NameEntry] | None] = [None] * (n + 1)
    best[n] = []
    for i in range(n - 1, -1, -1):
        for length in lengths:
            j = i + length
            if j > n or length < 1:
                continue
            entry = forms.get(s[i:j])
            rest = best[j]
            if entry is None or rest is None:
                continue
            if entry.kind == "e" and j != n:
                continue
            if entry.kind == "s" and i == 0:
                continue
            if i == 0 and j == n:
                continue  # the whole string is one piece: not a split
            candidate = [entry, *rest]
            if best[i] is None or len(candidate) < len(best[i]):  # type: ignore[arg-type]
                best[i] = candidate
    return best[0] if best[0] and len(best[0]) >= 2 else None


@lru_cache(maxsize=65536)
def persian_pieces(compact: str) -> tuple[NameEntry | None, tuple[NameEntry, ...]]:
    lex = lexicon()
    return lex.fa.get(compact), tuple(_segment(compact, lex.fa, lex.fa_lengths) or ())


@lru_cache(maxsize=65536)
def latin_pieces(compact: str) -> tuple[NameEntry | None, tuple[NameEntry, ...]]:
    lex = lexicon()
    return lex.latin.get(compact), tuple(_segment(compact, lex.latin, lex.latin_lengths) or ())


def _compose_latin(pieces: tuple[NameEntry, ...] | list[NameEntry]) -> str:
    # Article parts carry their article in Latin (ullah, uddin), unless the part before already ends in it
    # ("Abdul" + "ullah" is Abdullah).
    out = ""
    for p in pieces:
        raw = p.usual_latin.lower().replace(" ", "").replace("-", "")
        if p.kind == "s" and out.endswith("ul"):
            raw = raw[2:]
        out += raw
    return _latin_form(out)


# --- skeleton ------------------------------------------------------------------------------------------------------

# Persian letters -> consonant classes shared with Latin spellings. Long vowels (ا و ی) and ع/ء are not consonants
# here: Latin spellings write them as vowels, or drop them.
_FA_SKELETON: Final = {
    "ب": "b", "پ": "p", "ت": "t", "ط": "t", "ث": "s", "س": "s", "ص": "s", "ج": "j", "ژ": "j", "چ": "C",
    "ح": "h", "ه": "h", "خ": "k", "ک": "k", "ق": "k", "غ": "k", "د": "d", "ذ": "z", "ز": "z", "ض": "z", "ظ": "z",
    "ر": "r", "ش": "S", "ف": "f", "گ": "k", "ل": "l", "م": "m", "ن": "n", "و": "v", "ی": "y",
}
_FA_VOWELISH: Final = frozenset("اآوی")
_FA_INITIAL_VOWEL: Final = frozenset("اآع")
_LATIN_DIGRAPHS: Final = (("kh", "k"), ("gh", "k"), ("sh", "S"), ("ch", "C"), ("zh", "j"), ("th", "s"), ("dh", "z"),
                          ("ph", "f"), ("ck", "k"), ("q", "k"), ("c", "k"), ("x", "k"), ("g", "k"), ("w", "v"))


def _squeeze(s: str) -> str:
    """Adjacent equal letters count once (Hassan = Hasan); a vowel mark "." between them keeps both (Leila = l-l)."""
    return re.sub(r"([^.\d])\1+", r"\1", s)


def _clean(s: str) -> str:
    return _squeeze(s).replace(".", "")


def _persian_raw(word: str, *, first: bool, last: bool) -> str:
    """Letters of one written word as skeleton classes, "." for a vowel letter. و and ی are consonants only at
    the start of a name; a final ه or ح is dropped where Latin drops a final h (فاطمه Fatima, روح Ruh)."""
    out: list[str] = []
    for i, ch in enumerate(word):
        if i == 0 and first and ch in _FA_INITIAL_VOWEL:
            out.append("@")
        elif ch in "وی" and i == 0 and first:
            out.append(_FA_SKELETON[ch])
        elif ch in _FA_VOWELISH or ch == "ع":
            out.append(".")
        elif ch in "هح" and last and i == len(word) - 1 and i > 0:
            continue
        elif ch.isdigit():
            out.append(ch)
        elif ch in _FA_SKELETON:
            out.append(_FA_SKELETON[ch])
    return "".join(out)


def _latin_raw(s: str, *, first: bool) -> str:
    for digraph, replacement in _LATIN_DIGRAPHS:
        s = s.replace(digraph, replacement)
    out: list[str] = []
    for i, ch in enumerate(s):
        if i == 0 and first and ch in "aeiou":
            out.append("@")
        elif ch in "aeiou" or (ch in "yv" and (i > 0 or not first)):
            out.append(".")  # و / ی inside a Persian word may be vowels: so are y and v here
        elif ch.isalnum():
            out.append(ch)
    return "".join(out)


def _latin_skeleton_rules(s: str) -> str:
    # The respelled Latin writes Abd-ul-, -ullah and -uddin one way; the article's l is dropped as in Persian script
    # (where عبدالرحمن is split at the article). "-" keeps Abd-hakim from reading as a dh digraph.
    s = re.sub(r"^abd[aeiou]l(?=[a-z]{2})", "abd-", s)
    s = re.sub(r"^abd[aeiou]l$", "abd", s)
    s = re.sub(r"^(ab[uo])l(?=[^aeiou])", r"\1-", s)  # Abul-fazl, Abol-ghasem: ابوالفضل
    s = re.sub(r"ula$", "la", s)
    return s.replace("udin", "din")


def _latin_piece_raw(p: NameEntry, *, first: bool) -> str:
    raw = p.usual_latin.lower().replace(" ", "").replace("-", "")
    if p.kind == "s":
        raw = raw[2:]  # the article: ullah -> lah, uddin -> din, urrahman -> rahman
    return _latin_raw(_latin_skeleton_rules(_latin_form(raw)), first=first)


@lru_cache(maxsize=65536)
def latin_skeleton(compact: str) -> str:
    """Skeleton of a respelled Latin name without spaces."""
    pieces = latin_pieces(compact)[1]
    if pieces:
        return _clean("".join(_latin_piece_raw(p, first=i == 0) for i, p in enumerate(pieces)))
    return _clean(_latin_raw(_latin_skeleton_rules(compact), first=True))


_FA_ARTICLE_PARTS: Final = ("الله", "الدین", "الرحمن", "الرحیم", "الحق", "الحسن", "الحسین")


def _article_stripped(form: str) -> str:
    return form[2:] if form.startswith("ال") and len(form) > 3 else form


def _persian_pieces_raw(forms: list[tuple[str, bool]], *, first: bool) -> str:
    """Consecutive pieces of one written word (Persian form, carries the article). The article ال is dropped (its l
    is assimilated or left out in Latin: Abdurrahman, Alauddin), and so is an h before الله (Zabiullah)."""
    out = []
    for i, (form, article) in enumerate(forms):
        if article:
            form = _article_stripped(form)
        piece = _persian_raw(form, first=first and i == 0, last=i == len(forms) - 1)
        if i + 1 < len(forms) and forms[i + 1][0] == "الله":
            piece = piece.rstrip("h")
        out.append(piece)
    return "".join(out)


def _persian_word_raw(word: str, *, first: bool) -> str:
    whole, pieces = persian_pieces(word)
    if pieces:
        return _persian_pieces_raw([(_fa_form(p.persian[0]), p.kind == "s") for p in pieces], first=first)
    if whole is not None:
        word = _fa_form(whole.persian[0])
    for suffix in _FA_ARTICLE_PARTS:
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return _persian_pieces_raw([(word[: -len(suffix)], False), (suffix, True)], first=first)
    if not first:
        word = _article_stripped(word)
    return _persian_raw(word, first=first, last=True)


@lru_cache(maxsize=65536)
def persian_skeleton(word: str, *, first: bool = True) -> str:
    """Skeleton of one folded Persian word (usual spellings of listed names are used)."""
    return _clean(_persian_word_raw(word, first=first))


def persian_name_skeleton(words: list[str]) -> str:
    """Skeleton of a whole name: its written words in order (ZWNJ and spaces separate words)."""
    return _clean("".join(_persian_word_raw(w, first=i == 0) for i, w in enumerate(words)))


# --- keys of one name -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameKeys:
    script: str  # "fa", "latin" or "" (nothing to match)
    words: tuple[str, ...]
    compact: str
    parts: tuple[str, ...]
    tolerant: str
    tolerant_words: tuple[str, ...]
    cross: str
    cross_words: tuple[str, ...]
    skeleton: str
    skeleton_words: tuple[str, ...]
    # The same keys of the compound parts (``parts``), kept apart from the words': a part is less of a match.
    tolerant_parts: tuple[str, ...] = ()
    cross_parts: tuple[str, ...] = ()
    skeleton_parts: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.compact)


_EMPTY = NameKeys("", (), "", (), "", (), "", (), "", ())


def _apart(parts: list[str], words: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Part keys that are not also a word's key (a word is the better match, and is filed as one)."""
    return tuple(dict.fromkeys(k for k in parts if k and k not in words))


@cache
def _usual_keys() -> frozenset[str]:
    return frozenset(latin_key(e.usual_latin) for e in name_entries())


def _usual_latin_key(key: str) -> str:
    usual = lexicon().latin_usual.get(key)
    return latin_key(usual) if usual else key


def _latin_word_tolerant(word: str) -> str:
    return _usual_latin_key(latin_key(word))


def _persian_usual(compact: str) -> str:
    whole, pieces = persian_pieces(compact)
    if whole is not None:
        return _fa_form(whole.persian[0])
    if pieces:
        return "".join(_fa_form(p.persian[0]) for p in pieces)
    return compact


def _persian_cross(compact: str) -> tuple[str, tuple[str, ...]]:
    """(key of the usual romanisation, keys of every listed romanisation) of a Persian name; ("", ()) if unknown."""
    whole, pieces = persian_pieces(compact)
    if whole is not None:
        if whole.kind == "s":  # an article word on its own (عبد الرحمن): Latin writes it Rahman
            return _persian_cross(_article_stripped(compact)) if len(compact) > 3 else ("", ())
        usual = latin_key(whole.usual_latin)
        # Other listed romanisations too, unless one reads as another name (Syed would meet Saeed).
        others = _usual_keys()
        keys = tuple(dict.fromkeys(k for k in (latin_key(v) for v in whole.latin) if k == usual or k not in others))
        return usual, keys
    if pieces:
        key = latin_key(_compose_latin(pieces))
        return key, (key,)
    if compact.startswith("ال") and len(compact) > 3:
        return _persian_cross(compact[2:])
    return "", ()


@lru_cache(maxsize=65536)
def name_keys(name: str) -> NameKeys:
    """Every matching key of one name field (see the module docstring). Empty keys for empty text."""
    if not name or not name.strip():
        return _EMPTY
    if is_persian(name):
        return _persian_keys(name)
    return _latin_keys(name)


def _persian_keys(name: str) -> NameKeys:
    words = tuple(normalize_for_search(name).split())
    folded = fold_persian_words(name)
    if not folded:
        return _EMPTY
    compact = "".join(folded)
    pieces = list(persian_pieces(compact)[1])
    for w in folded:
        pieces.extend(persian_pieces(w)[1])
    pieces = [p for p in dict.fromkeys(pieces) if p.kind != "e"]
    parts = tuple(dict.fromkeys(_fa_form(p.persian[0]) for p in pieces))
    tolerant = _persian_usual(compact)
    tolerant_words = tuple(dict.fromkeys(_persian_usual(w) for w in folded))
    cross, _ = _persian_cross(compact)
    if not cross and len(folded) > 1:
        per_word = [_persian_cross(w)[0] for w in folded]
        if all(per_word):
            cross = _compose_keys(folded)
    cross_words = tuple(dict.fromkeys(k for w in folded for k in _persian_cross(w)[1]))
    cross_parts = [k for p in parts for k in _persian_cross(p)[1]]
    skeleton_words = tuple(dict.fromkeys(
        s for s in (persian_skeleton(w, first=i == 0 or not w.startswith("ال")) for i, w in enumerate(folded)) if s))
    skeleton_parts = [persian_skeleton(_fa_form(p.persian[0]), first=p.kind != "s") for p in pieces]
    return NameKeys(
        script="fa", words=words, compact="".join(words), parts=parts, tolerant=tolerant,
        tolerant_words=tolerant_words, cross=cross, cross_words=cross_words,
        # ZWNJ joins the pieces of one written word (صلاح‌الدین is read as one word, Salahuddin); spaces separate.
        skeleton=persian_name_skeleton(["".join(fold_persian_words(w)) for w in name.split()]),
        skeleton_words=skeleton_words, tolerant_parts=_apart(list(parts), tolerant_words),
        cross_parts=_apart(cross_parts, cross_words), skeleton_parts=_apart(skeleton_parts, skeleton_words),
    )


def _compose_keys(folded: list[str]) -> str:
    """Latin key of a multi-word Persian name whose words are each known (غلام رسول -> Ghulamrasul)."""
    raws = []
    for _i, w in enumerate(folded):
        whole, pieces = persian_pieces(w)
        if whole is not None:
            raws.append(_latin_form(whole.usual_latin))
        else:
            raws.append(_compose_latin(pieces))
    return latin_key("".join(raws))


def _latin_keys(name: str) -> NameKeys:
    words = tuple(normalize_for_search(name).split())
    lw = latin_words(name.translate(APOSTROPHES))
    if not lw:
        return _EMPTY
    real = [w for w in lw if w != "ul"]
    compact_form = respelled(lw)
    parts: list[str] = []
    for w in real:
        _, wp = latin_pieces(respelled([w]))
        parts.extend(_latin_form(p.usual_latin) for p in wp if p.kind not in "se")
    # One spelling per word first (a listed variant -> its name's usual romanisation), then the whole name's key.
    # (Abd-ul / Abd al- stay as written: the respelling rules join them with what follows.)
    usual_words = [w if _ABD_WORD.match(w) else lexicon().latin_usual.get(latin_key(w)) or w for w in lw]
    tolerant = _usual_latin_key(latin_key(" ".join(usual_words)))
    tolerant_words = tuple(dict.fromkeys(t for t in (_latin_word_tolerant(w) for w in real) if t))
    skeleton_words = tuple(dict.fromkeys(s for s in (latin_skeleton(respelled([w])) for w in real) if s))
    return NameKeys(
        script="latin", words=words, compact="".join(words), parts=tuple(dict.fromkeys(parts)),
        tolerant=tolerant, tolerant_words=tolerant_words, cross="", cross_words=(),
        skeleton=latin_skeleton(compact_form), skeleton_words=skeleton_words,
        tolerant_parts=_apart([_latin_word_tolerant(p) for p in parts], tolerant_words),
        skeleton_parts=_apart([latin_skeleton(p) for p in parts], skeleton_words),
    )


@cache
def _listed() -> dict[str, frozenset[int]]:
    """Every spelling in the table (Persian folded, or Latin normalised, without spaces) -> the names listing it."""
    out: dict[str, set[int]] = {}
    for i, entry in enumerate(name_entries()):
        for spelling in entry.persian:
            out.setdefault(_fa_form(spelling), set()).add(i)
        for spelling in entry.latin:
            out.setdefault("".join(latin_words(spelling)), set()).add(i)
    return {k: frozenset(v) for k, v in out.items()}


def _listed_as(keys: NameKeys) -> frozenset[int]:
    form = keys.tolerant if keys.script == "fa" else "".join(ARTICLE if w in ARTICLES and i else w
                                                               for i, w in enumerate(keys.words))
    return _listed().get(form, frozenset())


def distinct_listed_names(a: NameKeys, b: NameKeys) -> bool:
    """Whether the table lists the two spellings under different names only (Hamid حمید / Hamed حامد): then a
    shared tolerant key is a coincidence of romanisation, not the same name."""
    la, lb = _listed_as(a), _listed_as(b)
    return bool(la and lb and not la & lb)


def tolerant_key(name: str) -> str:
    """The one tolerant key of a name (Latin phonetic key, or the usual Persian spelling); "" for empty text."""
    return name_keys(name).tolerant
