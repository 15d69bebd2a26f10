"""Text folding for matching: case-, diacritic- and script-variant-insensitive, length-preserving.

Every fold maps one character to one character, so an offset in the folded
text is the same offset in the original: spans never need re-mapping.
"""
from __future__ import annotations

import re
import unicodedata

import regex
from functools import lru_cache

_EXTRA = {
    "İ": "i", "ı": "i", "I": "i",  # Turkish dotted/dotless i fold to one letter
    "ß": "s", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "æ": "a", "Æ": "a",
    "ي": "ی", "ى": "ی", "ك": "ک",  # Arabic/Persian yeh and kaf variants
    "أ": "ا", "إ": "ا", "آ": "ا",  # alef with hamza/madda
    "\u200c": " ", "\u00a0": " ",  # ZWNJ and no-break space act as spaces
    "（": "(", "）": ")", "’": "'", "‘": "'", "`": "'",
}


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xC0, 0x2000):
        ch = chr(cp)
        base = unicodedata.normalize("NFD", ch)[0]
        if base != ch and len(base) == 1 and unicodedata.category(base).startswith("L"):
            table[cp] = base
    for k, v in _EXTRA.items():
        table[ord(k)] = v
    return table


_TABLE = _build_table()
_PATTERN_TABLE = {k: v for k, v in _TABLE.items() if k != ord("I")}  # keep ASCII escapes intact
# Folded characters that other characters fold to (``ǿ`` -> ``ø`` -> ``o``): replaced first, so that
# one str.replace per character gives what a single pass over the text would.
_FOLD_TARGETS = frozenset(v for k, v in _TABLE.items() if k > 127) & {chr(k) for k in _TABLE}
_FIRST = sorted(t for t in _FOLD_TARGETS if not t.isascii())
# str.translate looks every character up in a dict; a regex finds the few that need it far faster.
# It leaves out the characters replaced first, so what they fold to is not folded again.
_NEEDS_FOLD = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_TABLE)
                                       if c > 127 and chr(c) not in _FOLD_TARGETS) + "]")
# The only BMP character whose lower() changes length is İ (U+0130), which _TABLE folds first
# (tests/test_stages.py checks this).


def fold(text: str) -> str:
    """Lowercase and strip diacritics, keeping the length: ``fold(s)[i]`` stands for ``s[i]``."""
    if not text.isascii():  # a few distinct characters, each replaced at C speed throughout
        for ch in _FIRST:
            if ch in text:
                text = text.replace(ch, _TABLE[ord(ch)])
        found = _NEEDS_FOLD.search(text)
        while found:
            text = text.replace(found.group(), _TABLE[ord(found.group())])
            found = _NEEDS_FOLD.search(text, found.start())
    return text.lower()


@lru_cache(maxsize=None)
def fold_pattern(pattern: str) -> str:
    """Fold the letters of a regex pattern (not its case: patterns compile with IGNORECASE)."""
    return pattern.translate(_PATTERN_TABLE)


def norm_name(name: str) -> str:
    """A key for comparing names: folded, punctuation dropped, spaces collapsed."""
    out = "".join(c if c.isalnum() else " " for c in fold(name))
    return " ".join(out.split())


def unspaced(ch: str) -> bool:
    """Scripts written without spaces between words: CJK, Hangul, Thai, Lao, Khmer, Myanmar."""
    return "\u2e80" <= ch <= "\ud7af" or "\uf900" <= ch <= "\uffef" or "\u0e00" <= ch <= "\u0eff" \
        or "\u1000" <= ch <= "\u109f" or "\u1780" <= ch <= "\u17ff"


# Anything that is not part of a word becomes a space in the prefilter's view of the text, so
# anchors padded with spaces only match whole words (see ``word_view`` and ``word_key``). ASCII
# breaks go by a table over UTF-8 bytes (bytes past 127 kept), since bytes.translate is far faster
# than a regex and most text, Latin-script text above all, is mostly ASCII; a regex finds the rest.
_ASCII_WORDS = bytes(c if c > 127 or chr(c).isalnum() else 32 for c in range(256))
_NON_ASCII_BREAK = regex.compile(r"[^\x00-\x7f\p{L}\p{N}\p{M}]")


def word_view(folded: str) -> str:
    """``folded`` with every non-word character as a space, padded by one space at each end."""
    if folded.isascii():
        return " " + folded.encode("ascii").translate(_ASCII_WORDS).decode("ascii") + " "
    ascii_done = folded.encode("utf-8", "surrogatepass").translate(_ASCII_WORDS).decode("utf-8", "surrogatepass")
    return " " + _NON_ASCII_BREAK.sub(" ", ascii_done) + " "


def word_key(key: str) -> tuple[str, int, int] | None:
    """An anchor as it must appear in ``word_view``: word edges padded with a space (scripts written
    without spaces excepted), and how much padding was added at each end. None for a key of
    symbols only (``©``), which has no word to anchor on."""
    norm = word_view(key)[1:-1]
    if not norm.strip():
        return None
    lead = 0 if norm[0] == " " or unspaced(norm[0]) else 1
    trail = 0 if norm[-1] == " " or unspaced(norm[-1]) else 1
    return " " * lead + norm + " " * trail, lead, trail
