"""Decoding bytes to text, refusing to guess silently.

The order: a byte-order mark; the charset the file declares (``<meta charset>``,
the XML declaration); UTF-8; UTF-16 without a mark (told by its zero bytes);
then charset-normalizer, limited to the configured legacy encodings. When
candidates decode the bytes to different texts, the one that reads as words
wins: its disputed characters fit the script of their words (a Latin ``ß``
rather than an Arabic letter inside a Latin word), and one language's alphabet
holds its letters (Turkish holds ``ı ş ü``; no language holds ``ý þ ü``). If
none clearly wins, the file is refused, never guessed.
"""
from __future__ import annotations

import codecs
import unicodedata
from functools import cache
from typing import Sequence

from ..errors import UserError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Signatures of binary files that end up with a text name; no text in any encoding starts like these.
_BINARY = {b"\x89PNG\r\n\x1a\n": "PNG image", b"\xff\xd8\xff": "JPEG image", b"GIF8": "GIF image",
           b"%PDF-": "PDF document", b"PK\x03\x04": "ZIP archive (or an office document)",
           b"\x1f\x8b": "gzip archive", b"\x7fELF": "executable"}
LEGACY = ("windows-1254", "windows-1256", "windows-1252", "iso-8859-9")
_MARGIN = 0.25  # how much more plausible the winning decoding must be
_PLAUSIBLE = 0.9  # share of its non-ASCII characters that must fit their words


def decode(data: bytes, path: str, candidates: Sequence[str] = LEGACY,
           declared: str | None = None) -> tuple[str, str]:
    """Text (newlines normalised to ``\\n``) and the name of the encoding used."""
    _refuse_disguised(data, path)
    encoding = _choose(data, path, candidates, declared)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UserError(f"cannot decode as {label(encoding)} (byte {exc.start}): not checked", path) from None
    if "\x00" in text:
        raise UserError("contains NUL bytes (binary file?): not checked", path)
    if text.startswith("\ufeff"):  # a UTF-16 mark the codec kept
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n"), label(encoding, data)


def _refuse_disguised(data: bytes, path: str) -> None:
    """A binary file with a text name, or a UTF-16 byte order mark over UTF-8 text, is not read as text."""
    kind = next((k for sig, k in _BINARY.items() if data.startswith(sig)), None)
    if kind:
        raise UserError(f"binary file ({kind}), not text: not checked", path)
    body = data[len(codecs.BOM_UTF16_LE):]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" not in body and _decodes(body, "utf-8"):
        # UTF-16 text has NUL bytes (every ASCII space and newline has one); UTF-8 text has none.
        raise UserError("starts with a UTF-16 byte order mark but the rest is not UTF-16: not checked", path)


def label(encoding: str, data: bytes = b"") -> str:
    """The WHATWG-style name of a codec: ``windows-1254``, ``iso-8859-9``, ``utf-16le``."""
    name = codecs.lookup(encoding).name
    if name == "utf-16":
        return "utf-16be" if data.startswith(codecs.BOM_UTF16_BE) else "utf-16le"
    if name.startswith("cp") and name[2:].isdigit() and len(name) == 6:
        return f"windows-{name[2:]}"
    if name.startswith("iso8859-"):
        return f"iso-{name[3:]}"
    return name.replace("utf-16-", "utf-16")


def _choose(data: bytes, path: str, candidates: Sequence[str], declared: str | None) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    if declared and not declared.lower().startswith(("utf-16", "utf16", "utf-32", "utf32")) \
            and _decodes(data, declared):  # a file in UTF-16 cannot declare it in ASCII bytes
        return declared
    if b"\x00" in data:
        return _utf16(data, path)
    if _decodes(data, "utf-8"):
        return "utf-8"
    if _mostly_utf8(data):
        bad = _first_error(data)
        raise UserError(f"cannot decode: mostly UTF-8 but byte {bad} is not (a damaged or mixed encoding); "
                        "not checked", path)
    return _detect(data, path, candidates)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _utf16(data: bytes, path: str) -> str:
    """UTF-16 without a mark: text in Latin or Arabic script has zero bytes on one side only."""
    odd, even = data[1::2].count(0), data[0::2].count(0)
    encoding = "utf-16-le" if odd and not even else "utf-16-be" if even and not odd else None
    if encoding is None or len(data) % 2 or not _decodes(data, encoding):
        raise UserError("contains NUL bytes (binary file?): not checked", path)
    return encoding


def _mostly_utf8(data: bytes) -> bool:
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    return sum(ord(c) > 0x7F for c in text) - bad > bad


def _first_error(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return 0


def _detect(data: bytes, path: str, candidates: Sequence[str]) -> str:
    from charset_normalizer import from_bytes  # only for files that are not UTF-8: keeps start-up short

    names = [codecs.lookup(c).name for c in candidates]
    decodings: dict[str, str] = {}  # decoded text -> the encoding charset-normalizer names for it
    for match in from_bytes(data, cp_isolation=names):
        decodings.setdefault(str(match), codecs.lookup(match.encoding).name)
    tried = ", ".join(label(n) for n in names)
    if not decodings:
        raise UserError(f"cannot decode: not UTF-8 and not plausibly any of {tried}; not checked "
                        "(save it as UTF-8, or name its encoding in inputs.encodings in the config)", path)
    winner = next(iter(decodings)) if len(decodings) == 1 else _most_plausible(list(decodings))
    if winner is None:
        rivals = " or ".join(label(n) for n in decodings.values())
        raise UserError(f"cannot decode: the encoding is ambiguous ({rivals} give different letters); "
                        "not checked (save it as UTF-8, or narrow inputs.encodings in the config)", path)
    if _plausibility(winner, [])[0] < _PLAUSIBLE:
        raise UserError(f"cannot decode: as {label(decodings[winner])} its words mix scripts or control "
                        "characters; not checked (save it as UTF-8, or name its encoding in inputs.encodings)", path)
    return decodings[winner]


def _most_plausible(texts: list[str]) -> str | None:
    """The decoding whose disputed characters read as letters of their words, if one clearly does."""
    if len({len(t) for t in texts}) == 1:
        disputed = [i for i in range(len(texts[0])) if len({t[i] for t in texts}) > 1]
    else:
        disputed = []
    scored = sorted(((_plausibility(t, disputed), t) for t in texts), reverse=True)
    (best, text), (second, _) = scored[0], scored[1]
    clear = best[0] - second[0] >= _MARGIN or (best[0] == second[0] and best[1] - second[1] >= _MARGIN)
    return text if clear else None


def _plausibility(text: str, disputed: list[int]) -> tuple[float, float]:
    """(share of the disputed characters that are printable and fit their word's script,
    share of the text's distinct non-ASCII letters that one language's common alphabet holds)."""
    positions = disputed or [i for i, c in enumerate(text) if ord(c) > 0x7F]
    fits = sum(_fits(text, i) for i in positions)
    letters = {c.lower()[0] for c in text if ord(c) > 0x7F and c.isalpha()}
    known = max((len(letters & alphabet) for alphabet in _alphabets()), default=0)
    return (fits / len(positions) if positions else 1.0), (known / len(letters) if letters else 1.0)


@cache
def _alphabets() -> list[frozenset[str]]:
    """The common letters of each language charset-normalizer knows."""
    from charset_normalizer.constant import FREQUENCIES

    return [frozenset(chars) for chars in FREQUENCIES.values()]


def _fits(text: str, i: int) -> bool:
    """Printable, and a letter or mark only in a word of one script."""
    kind = unicodedata.category(text[i])[0]
    return kind != "C" and (kind not in "LM" or _one_script(_word(text, i)))


def _word(text: str, i: int) -> str:
    start, end = i, i + 1
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[start:end]


def _one_script(word: str) -> bool:
    return len({unicodedata.name(c, "?").split(" ")[0] for c in word}) == 1
