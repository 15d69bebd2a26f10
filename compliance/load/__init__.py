"""Load: bytes on disk -> ``Document``. One module per input format."""
from __future__ import annotations

from pathlib import Path

from ..document import Document
from .encoding import decode
from .read import DEFAULT_MAX_BYTES, read_file

FORMATS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown"}


def format_of(path: Path) -> str:
    return FORMATS.get(path.suffix.lower(), "text")


def load_path(path: Path, display: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read and decode one file; any failure is a ``UserError`` naming the file."""
    name = display or str(path)
    return load_bytes(read_file(path, name, max_bytes), name, format_of(path))


def load_bytes(data: bytes, path: str, fmt: str = "text") -> Document:
    text, encoding = decode(data, path)
    return Document(path=path, text=text, format=fmt, encoding=encoding)
