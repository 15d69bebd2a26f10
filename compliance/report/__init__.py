"""Report: the same ``Report`` rendered for terminals, machines and people."""
from __future__ import annotations

from typing import Callable

from ..models import Report
from . import csv_format, github, gitlab, json_format, junit, sarif, text
from .options import FormatOptions

Formatter = Callable[[Report, FormatOptions], str]
FORMATS: dict[str, Formatter] = {
    "text": text.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "github": github.render,
    "gitlab": gitlab.render,
    "csv": csv_format.render,
}

__all__ = ["FORMATS", "FormatOptions", "Formatter"]
