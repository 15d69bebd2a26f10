"""Which files a run checks: named files as given, folders walked in a stable order, globs expanded.

A folder walk never follows a link to a folder (so no loops, and no wandering
outside the tree), never opens anything but regular files, skips hidden
entries, and reports every other file it does not check, with why: nothing in
a content folder is dropped silently.

Config and waiver globs use one small, documented syntax (``match``): paths are
``/``-separated and relative to the folder of the file that holds the pattern;
``*`` and ``?`` stay within one folder, ``**`` spans folders; a pattern without
``/`` matches a name at any depth; a pattern that matches a folder matches every
file under it.
"""
from __future__ import annotations

import glob
import mimetypes
import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from .errors import UserError, internal_error
from .load import FORMATS
from .models import NotChecked

GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class Unreadable:
    """A folder that could not be read, or an entry the walk failed on: reported as `review`, never skipped."""

    path: str
    message: str
    rule: str = "unreadable"


Found = Path | NotChecked | Unreadable


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


def display_name(path: str | Path) -> str:
    """The name reports show: undecodable bytes and control characters escaped, so one name is one line."""
    name = os.fsencode(path).decode("utf-8", "backslashreplace")
    if name.isprintable():  # nearly every name: no need to look at each character
        return name
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in name)


def collect(paths: Iterable[str | Path], select: FileFilter | None = None,
            exclude: Iterable[str | Path] = ()) -> Iterator[Found]:
    """Files to check (``Path``), files seen but not checked, and folders that could not be read:
    folders walked, globs expanded, named files kept (a missing one fails later, loudly).

    ``exclude`` names folders a walk leaves out, such as the run's own report folder.
    """
    skip = {os.path.realpath(p) for p in exclude}
    for arg in paths:
        for p in _expand(str(arg)):
            found = _walk_or_fail(p, skip) if p.is_dir() else [(p, p)]
            yield from (item for path, item in found if select is None or select.wants(path))


def _expand(arg: str) -> list[Path]:
    if GLOB_CHARS.isdisjoint(arg) or os.path.exists(arg):
        return [Path(arg)]
    found = sorted(glob.glob(arg, recursive=True))
    if not found:
        raise UserError("no files match this glob", arg)
    return [Path(f) for f in found]


def walk(root: Path) -> list[Path]:
    """The files under ``root`` that a run checks, in path order."""
    return [item for _, item in _walk(root, set()) if isinstance(item, Path)]


def _walk_or_fail(root: Path, skip: set[str]) -> list[tuple[Path, Found]]:
    try:
        return _walk(root, skip)
    except Exception as exc:  # noqa: BLE001 - a walk that breaks fails closed for its folder
        return [(root, Unreadable(display_name(root), internal_error("collect", exc), "internal-error"))]


def _walk(root: Path, skip: set[str]) -> list[tuple[Path, Found]]:
    """Everything under ``root`` with its path, in path order (the whole listing first: only names are held)."""
    found: list[tuple[Path, Found]] = []
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = [e for e in listing if not e.name.startswith(".")]
        except OSError as err:
            found.append((folder, Unreadable(display_name(folder), f"cannot read folder: {err.strerror or err}")))
            continue
        for entry in entries:
            path = folder / entry.name
            if not _is_folder(entry):
                found.append((path, _entry(path, entry)))
            elif os.path.realpath(path) in skip:
                continue
            elif entry.is_symlink():
                found.append((path, NotChecked(path=display_name(path), type="link to a folder",
                                               reason="links to folders are not followed")))
            else:
                folders.append(path)
    return sorted(found, key=lambda pair: str(pair[0]))


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # as os.walk: an entry that cannot be looked at is listed as a file
        return False


def _entry(path: Path, entry: os.DirEntry) -> Found:
    """A file in a walk: checked if it is a regular file in a format the checker reads."""
    try:
        return _classify(path, entry)
    except Exception as exc:  # noqa: BLE001 - one odd entry must not end the walk: fail closed on it
        return Unreadable(display_name(path), internal_error("collect", exc), "internal-error")


def _classify(path: Path, entry: os.DirEntry) -> Found:
    # The listing tells a plain file without a stat call; a link is followed to what it points at.
    if not entry.is_file(follow_symlinks=False) and _special(path):
        return NotChecked(path=display_name(path), type="special file",
                          reason="not a regular file (a pipe, socket or device): not opened")
    if path.suffix.lower() in FORMATS:
        return path
    media_type = _media_types().guess_type(path.name, strict=False)[0] or "unknown"
    return NotChecked(path=display_name(path), type=media_type, reason="not a format the checker reads")


def _special(path: Path) -> bool:
    try:
        return not stat.S_ISREG(path.stat().st_mode)
    except OSError:  # a dangling link or a link loop: a supported file is reported unreadable by the loader
        return False


@lru_cache(maxsize=None)
def _media_types() -> mimetypes.MimeTypes:
    """The standard library's own table, not the machine's /etc/mime.types, so reports do not vary by host;
    built when the first file the checker does not read is met."""
    return mimetypes.MimeTypes()


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
