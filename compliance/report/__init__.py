"""Report: the same ``Report`` rendered for terminals, machines and people."""
from __future__ import annotations

from importlib import import_module
from typing import Callable

from ..models import Report
from .options import FormatOptions

Formatter = Callable[[Report, FormatOptions], str]
# Each format's module, imported on first use: a run prints one format (JUnit's XML library alone
# is a tenth of a second's start-up).
FORMATS: dict[str, str] = {
    "text": "text",
    "json": "json_format",
    "sarif": "sarif",
    "junit": "junit",
    "github": "github",
    "gitlab": "gitlab",
    "csv": "csv_format",
}


def formatter(name: str) -> Formatter:
    """The renderer of one output format (a ``KeyError`` for a format there is none for)."""
    return import_module(f".{FORMATS[name]}", __name__).render


__all__ = ["FORMATS", "FormatOptions", "Formatter", "formatter"]
