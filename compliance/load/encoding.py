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
    _refuse_disguised(data, path)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, path), encoding
    return _strict(data, "utf-8", path), "utf-8"


def _refuse_disguised(data: bytes, path: str) -> None:
    """A binary file with a text name, or a UTF-16 byte order mark over UTF-8 text, is not read as text."""
    kind = next((k for sig, k in _BINARY.items() if data.startswith(sig)), None)
    if kind:
        raise UserError(f"binary file ({kind}), not text: not checked", path)
    body = data[len(codecs.BOM_UTF16_LE):]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" not in body and _is_utf8(body):
        # UTF-16 text has NUL bytes (every ASCII space and newline has one); UTF-8 text has none.
        raise UserError("starts with a UTF-16 byte order mark but the rest is not UTF-16: not checked", path)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UserError(f"cannot decode as {encoding} (byte {exc.start}): not checked", path) from None
    if "\x00" in text:
        raise UserError("contains NUL bytes (binary file?): not checked", path)
    return text.replace("\r\n", "\n").replace("\r", "\n")
