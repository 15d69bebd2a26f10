"""Decoding bytes to text, refusing to guess silently."""
from __future__ import annotations

import codecs

from ..errors import UserError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Signatures of binary files that end up with a text name; no text in any encoding starts like these.
_BINARY = {b"\x89PNG\r\n\x1a\n": "PNG image", b"\xff\xd8\xff": "JPEG image", b"GIF8": "GIF image",
           b"%PDF-": "PDF document", b"PK\x03\x04": "ZIP archive (or an office document)",
           b"\x1f\x8b": "gzip archive", b"\x7fELF": "executable"}


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Text and the encoding used: a BOM wins, then UTF-8; anything else is an error."""
    kind = next((k for sig, k in _BINARY.items() if data.startswith(sig)), None)
    if kind:
        raise UserError(f"binary file ({kind}), not text: not checked", path)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if encoding == "utf-16" and _is_utf8_text(data[len(bom):]):
                raise UserError("starts with a UTF-16 byte order mark but the rest is not UTF-16: not checked", path)
            return _strict(data, encoding, path), encoding
    return _strict(data, "utf-8", path), "utf-8"


def _is_utf8_text(data: bytes) -> bool:
    """UTF-16 text has NUL bytes (every ASCII space and newline has one); UTF-8 text has none."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in data


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UserError(f"cannot decode as {encoding} (line {line}, byte {exc.start}): not checked", path) from None
    nul = text.find("\x00")
    if nul != -1:
        line = text.count("\n", 0, nul) + 1
        raise UserError(f"contains NUL bytes (line {line}; a binary file?): not checked", path)
    return text.replace("\r\n", "\n").replace("\r", "\n")
