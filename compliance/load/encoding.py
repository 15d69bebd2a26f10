"""Decoding bytes to text, refusing to guess silently."""
from __future__ import annotations

import codecs

from ..errors import UserError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Text and the encoding used: a BOM wins, then UTF-8; anything else is an error."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, path), encoding
    return _strict(data, "utf-8", path), "utf-8"


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UserError(f"cannot decode as {encoding} (byte {exc.start}): not checked", path) from None
    if "\x00" in text:
        raise UserError("contains NUL bytes (binary file?): not checked", path)
    return text.replace("\r\n", "\n").replace("\r", "\n")
