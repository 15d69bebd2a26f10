"""Which files a run checks: named files as given, folders walked in a stable order, globs expanded.

Config and waiver globs use one small, documented syntax (``match``): paths are
``/``-separated and relative to the folder of the file that holds the pattern;
``*`` and ``?`` stay within one folder, ``**`` spans folders; a pattern without
``/`` matches a name at any depth; a pattern that matches a folder matches every
file under it.
"""
from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from .errors import UserError
from .load import FORMATS

GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class FileFilter:
    """The config's ``include`` and ``exclude`` globs, relative to ``base``."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    base: Path = Path(".")

    def wants(self, path: Path) -> bool:
        rel = relative_to(path, self.base)
        if self.include and not any(match(p, rel) for p in self.include):
            return False
        return not any(match(p, rel) for p in self.exclude)


def collect(paths: Iterable[str | Path], select: FileFilter | None = None) -> Iterator[Path]:
    """Files to check: folders walked, globs expanded, named files kept (a missing one fails later, loudly)."""
    for arg in paths:
        for p in _expand(str(arg)):
            files = walk(p) if p.is_dir() else [p]
            yield from (f for f in files if select is None or select.wants(f))


def _expand(arg: str) -> list[Path]:
    if GLOB_CHARS.isdisjoint(arg) or os.path.exists(arg):
        return [Path(arg)]
    found = sorted(glob.glob(arg, recursive=True))
    if not found:
        raise UserError("no files match this glob", arg)
    return [Path(f) for f in found]


def walk(root: Path) -> Iterator[Path]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(folder, f) for f in files if not f.startswith(".") and Path(f).suffix.lower() in FORMATS)
    yield from sorted(found)


def relative_to(path: Path, base: Path) -> str:
    """``path`` as a ``/``-separated path relative to ``base`` (absolute when it lies outside)."""
    full = Path(os.path.abspath(path))
    try:
        return full.relative_to(os.path.abspath(base)).as_posix()
    except ValueError:
        return full.as_posix()


def match(pattern: str, rel: str) -> bool:
    """Whether ``rel`` (or a folder it lies in) matches ``pattern``."""
    return _compile(pattern).fullmatch(rel) is not None


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str]:
    pat = pattern.strip().removeprefix("./")
    anchored = "/" in pat.rstrip("/")
    pat = pat.strip("/")
    out, i = [], 0
    while i < len(pat):
        c = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[" and pat.find("]", i + 2) != -1:
            end = pat.find("]", i + 2)
            body = re.escape(pat[i + 1:end]).replace("\\-", "-")
            out.append("[^" + body[1:] + "]" if body.startswith("!") else "[" + body + "]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    # ``(?:/.*)?``: a pattern that matches a folder matches every file under it.
    return re.compile(("" if anchored else "(?:.*/)?") + "".join(out) + "(?:/.*)?")
