"""Bidirectional text engine: wrap in logical order, then shape and reorder each line for drawing.

reportlab draws glyphs left to right exactly as given and knows nothing of Arabic-script joining or bidi. So:
1. wrap the *logical* text (the order it is typed in), measuring each word by its *shaped* width;
2. per line, reshape (arabic-reshaper picks the initial/medial/final presentation forms) and reorder with python-bidi
   into visual order. Reordering after wrapping is essential: reordering a whole paragraph first and then wrapping
   would put the end of the paragraph on the first line.
Joining never crosses a space, so a line's shaped width is the sum of its words' shaped widths plus spaces.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import arabic_reshaper
from bidi import get_display
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.printing.data import Digits

# Harakat are kept: a clinician who typed a kasra in a name meant it.
_RESHAPER = arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False})
_RTL_RE = re.compile(r"[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]")
_LATIN_LETTER_RE = re.compile(r"[A-Za-z]")
_TO_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_TO_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2)
_SPACE = " "
# Bracket pairs and their mirrored glyphs (Unicode Bidi_Mirroring_Glyph for the ones clinicians type).
_OPEN_TO_CLOSE = {"(": ")", "[": "]", "{": "}", "\u00ab": "\u00bb", "<": ">"}
_CLOSE_TO_OPEN = {v: k for k, v in _OPEN_TO_CLOSE.items()}


def has_rtl(text: str) -> bool:
    return bool(_RTL_RE.search(text))


def localize_digits(text: str, digits: Digits) -> str:
    """Digits in the reader's preferred form.

    Persian: Latin -> Persian digits token by token, leaving tokens with Latin letters alone (codes such as ICD "J18.9",
    "SpO2" or a short code "K7Q-42M" must stay typeable into other systems exactly as printed).
    Latin: Persian and Arabic-Indic digits typed in free text become Latin, so one sheet uses one kind of digit.
    """
    if not text:
        return text
    if digits == "latin":
        return text.translate(_TO_LATIN)
    return _SPACE.join(
        tok if _LATIN_LETTER_RE.search(tok) else tok.translate(_TO_PERSIAN) for tok in text.split(_SPACE)
    )


def persian_number(value: float | int, digits: Digits, decimals: int = 0) -> str:
    """Number for print; Persian digits use the Persian decimal separator (U+066B) as Iranian forms do."""
    text = f"{value:.{decimals}f}" if decimals else str(int(round(value)))
    if digits == "persian":
        return text.replace(".", "\u066b").translate(_TO_PERSIAN)
    return text


@lru_cache(maxsize=8192)
def shaped(text: str) -> str:
    """Logical-order text with Arabic-script letters replaced by their contextual presentation forms."""
    return _RESHAPER.reshape(text) if has_rtl(text) else text


@lru_cache(maxsize=8192)
def visual(text: str, rtl: bool) -> str:
    """One *line* of logical text -> the string to hand to reportlab (shaped, in visual left-to-right order).

    The base direction is right-to-left for Persian paper when the line holds any RTL letter; a purely Latin or numeric
    value (phone number, ICD code) keeps a left-to-right base so "+98 912" is not turned into "912 +98".
    """
    if not has_rtl(text):
        return text
    if rtl:
        text = _latin_runs_first_strong(text)
    return _mirror_brackets(get_display(shaped(text), base_dir="R" if rtl else "L")).translate(_NO_MARKS)


_LRM, _RLM = "\u200e", "\u200f"
# Marks that steer the bidi step only: removed before drawing (the font has no glyph for them).
_NO_MARKS = str.maketrans("", "", _LRM + _RLM)


def end_of_field(value: str, rtl: bool) -> str:
    """A field's value followed by another field on the same printed line (a medicine's name, then its dose): a mark
    of the page's direction after it, so a number that starts the next field is not taken into a Latin run that
    ends this one ("شربت ORS" then "1 ساشه" was printed as "شربت ۱ ORS ساشه", the 1 against the name)."""
    return value + (_RLM if rtl else _LRM) if value else value


def _strong(token: str) -> str:
    """'L' for a token with a Latin (left-to-right) letter, 'R' for one with a Persian/Arabic letter, else ''."""
    for ch in token:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return "L"
        if kind in ("R", "AL"):
            return "R"
    return ""


def _latin_runs_first_strong(text: str) -> str:
    """Inside a right-to-left line, a Latin run that starts with digits ("2 x 500 mg", "500 mg paracetamol") is
    reordered by the bidi algorithm into "x 500 mg 2": the digits lean on the Persian before them. A left-to-right
    mark before such a run makes the digits part of it, so the run reads as typed."""
    tokens = text.split(_SPACE)
    kinds = [_strong(t) for t in tokens]
    lasts = [_strong(t[::-1]) for t in tokens]
    out = list(tokens)
    i = 0
    while i < len(tokens):
        if kinds[i] == "" and tokens[i]:
            j = i
            while j < len(tokens) and kinds[j] == "":
                j += 1
            # The last strong letter before the run decides, as in the bidi step (a field may end with a mark).
            prev = next((k for k in reversed(lasts[:i]) if k), "R")
            if j < len(tokens) and kinds[j] == "L" and prev == "R" and any(c.isdigit() for c in tokens[i]):
                out[i] = _LRM + tokens[i]
            i = j
        else:
            i += 1
    return _SPACE.join(out)


def _mirror_brackets(vis: str) -> str:
    """Apply bidi rule L4 (mirroring) for brackets, which python-bidi 0.6's get_display leaves out.

    Its reordering already resolves bracket pairs (rule N0), so in the visual string a pair at a left-to-right level
    reads "(...)" and a pair at a right-to-left level reads ")...(" . Pair them in visual order and swap the glyphs of
    the second kind; an unpaired bracket is left alone.
    """
    if not any(ch in _OPEN_TO_CLOSE or ch in _CLOSE_TO_OPEN for ch in vis):
        return vis
    chars = list(vis)
    stack: list[tuple[int, str, bool]] = []  # (index, char, seen_as_closer_first)
    for i, ch in enumerate(chars):
        if ch in _OPEN_TO_CLOSE:
            if stack and stack[-1][2] and stack[-1][1] == _OPEN_TO_CLOSE[ch]:
                j, _, _ = stack.pop()
                chars[i], chars[j] = _OPEN_TO_CLOSE[ch], ch
            else:
                stack.append((i, ch, False))
        elif ch in _CLOSE_TO_OPEN:
            if stack and not stack[-1][2] and stack[-1][1] == _CLOSE_TO_OPEN[ch]:
                stack.pop()
            else:
                stack.append((i, ch, True))
    return "".join(chars)


@lru_cache(maxsize=16384)
def width(text: str, font: str, size: float) -> float:
    return stringWidth(shaped(text.translate(_NO_MARKS)), font, size)


def _break_long_word(word: str, font: str, size: float, max_width: float) -> list[str]:
    # Last resort for a token wider than the column (a long document number); never cut text off.
    parts: list[str] = []
    current = ""
    for ch in word:
        if current and width(current + ch, font, size) > max_width:
            parts.append(current)
            current = ch
        else:
            current += ch
    if current:
        parts.append(current)
    return parts


def wrap(text: str, font: str, size: float, max_width: float) -> list[str]:
    """Greedy wrap in logical order; explicit newlines start new lines. Returns logical lines (not yet shaped)."""
    lines: list[str] = []
    space_w = width(_SPACE, font, size)
    for para in (text or "").split("\n"):
        # Split on plain spaces only: a no-break space (U+00A0) keeps "28 Nov 2026" or "120 mm" on one line.
        words = [w for w in para.split(_SPACE) if w]
        if not words:
            lines.append("")
            continue
        current: list[str] = []
        current_w = 0.0
        for word in words:
            w = width(word, font, size)
            if w > max_width:
                if current:
                    lines.append(_SPACE.join(current))
                pieces = _break_long_word(word, font, size, max_width)
                lines.extend(pieces[:-1])
                current, current_w = [pieces[-1]], width(pieces[-1], font, size)
                continue
            extra = w if not current else space_w + w
            if current and current_w + extra > max_width:
                lines.append(_SPACE.join(current))
                current, current_w = [word], w
            else:
                current.append(word)
                current_w += extra
        lines.append(_SPACE.join(current))
    # Trailing blank lines only waste paper.
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    return lines


def fit(text: str, font: str, size: float, max_width: float, max_lines: int) -> list[str]:
    """Wrap, then keep at most ``max_lines``, ending the last with an ellipsis (for fixed-height table rows)."""
    lines = wrap(text, font, size, max_width)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    while last and width(last + "\u2026", font, size) > max_width:
        last = last[:-1].rstrip()
    kept[-1] = last + "\u2026"
    return kept
