"""Report: the same ``Report`` rendered for terminals, machines and people."""
from __future__ import annotations

from typing import Callable

from ..models import Report
from . import json_format, text

Formatter = Callable[[Report], str]
FORMATS: dict[str, Formatter] = {
    "text": text.render,
    "json": json_format.render,
}
