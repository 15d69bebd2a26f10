"""Which files a run checks: named files as given, folders walked in a stable order."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

from .load import FORMATS


def collect(paths: Iterable[str | Path]) -> Iterator[Path]:
    for p in map(Path, paths):
        if p.is_dir():
            yield from _walk(p)
        else:
            yield p


def _walk(root: Path) -> Iterator[Path]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(folder, f) for f in files if not f.startswith(".") and Path(f).suffix.lower() in FORMATS)
    yield from sorted(found)
