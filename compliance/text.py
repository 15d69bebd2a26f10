"""Text folding for matching: case-, diacritic- and script-variant-insensitive, length-preserving.

Every fold maps one character to one character, so an offset in the folded
text is the same offset in the original: spans never need re-mapping.
"""
from __future__ import annotations

import re
import unicodedata
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
# str.translate looks every character up in a dict; a regex finds the few that need it far faster.
_NEEDS_FOLD = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_TABLE) if c > 127) + "]")
# The only BMP character whose lower() changes length is İ (U+0130), which _TABLE folds first
# (tests/test_stages.py checks this).


def fold(text: str) -> str:
    """Lowercase and strip diacritics, keeping the length: ``fold(s)[i]`` stands for ``s[i]``."""
    if not text.isascii():
        text = _NEEDS_FOLD.sub(lambda m: _TABLE[ord(m.group())], text)
    return text.lower()


@lru_cache(maxsize=None)
def fold_pattern(pattern: str) -> str:
    """Fold the letters of a regex pattern (not its case: patterns compile with IGNORECASE)."""
    return pattern.translate(_PATTERN_TABLE)


def norm_name(name: str) -> str:
    """A key for comparing names: folded, punctuation dropped, spaces collapsed."""
    out = "".join(c if c.isalnum() else " " for c in fold(name))
    return " ".join(out.split())
