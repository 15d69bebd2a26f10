"""Load: bytes on disk -> ``Document``. One module per input format.

Every loader raises ``UserError`` naming the file for input it cannot read, so
the checker reports ``review`` for it, never ``allow``.
"""
from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Callable

from ..document import Document
from .encoding import decode
from .read import read_file
from .settings import InputSettings

FORMATS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
           ".html": "html", ".htm": "html", ".json": "cms-json", ".xml": "newsml"}


def format_of(path: Path) -> str:
    return FORMATS.get(path.suffix.lower(), "text")


def load_path(path: Path, display: str | None = None, settings: InputSettings | None = None,
              data: bytes | None = None) -> Document:
    """Read (unless its bytes are given) and decode one file; any failure is a ``UserError`` naming the file."""
    name = display or str(path)
    settings = settings or InputSettings()
    data = read_file(path, name, settings.max_bytes) if data is None else data
    return load_bytes(data, name, format_of(path), settings)


def load_bytes(data: bytes, path: str, fmt: str = "text", settings: InputSettings | None = None) -> Document:
    return loader(fmt)(data, path, settings or InputSettings())


def _plain(fmt: str) -> Callable[[bytes, str, InputSettings], Document]:
    def load(data: bytes, path: str, settings: InputSettings) -> Document:
        text, encoding = decode(data, path, settings.encodings)
        return Document(path=path, text=text, format=fmt, encoding=encoding)
    return load


# The markup loaders (and lxml) are imported on first use: plain text needs neither.
LOADERS: dict[str, str] = {"html": "html", "cms-json": "cms_json", "newsml": "newsml"}
_PLAIN = {"text": _plain("text"), "markdown": _plain("markdown")}


def loader(fmt: str) -> Callable[[bytes, str, InputSettings], Document]:
    """The loader of one input format (a ``KeyError`` for a format there is none for)."""
    if fmt in _PLAIN:
        return _PLAIN[fmt]
    return import_module(f".{LOADERS[fmt]}", __name__).load


__all__ = ["FORMATS", "InputSettings", "format_of", "load_bytes", "load_path", "loader"]
