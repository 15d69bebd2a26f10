"""Load: bytes on disk -> ``Document``. One module per input format."""
from __future__ import annotations

from pathlib import Path

from ..document import Document
from ..errors import UserError
from .encoding import decode

FORMATS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown"}


def format_of(path: Path) -> str:
    return FORMATS.get(path.suffix.lower(), "text")


def load_path(path: Path, display: str | None = None) -> Document:
    """Read and decode one file; any failure is a ``UserError`` naming the file."""
    name = display or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read file: {exc.strerror or exc}", name) from None
    return load_bytes(data, name, format_of(path))


def load_bytes(data: bytes, path: str, fmt: str = "text") -> Document:
    text, encoding = decode(data, path)
    return Document(path=path, text=text, format=fmt, encoding=encoding)
