"""Which files a run checks: named files as given, folders walked in a stable order.

A folder walk never follows a link to a folder (so no loops, and no wandering
outside the tree), never opens anything but regular files, skips hidden
entries, and reports every other file it does not check, with why: nothing in
a content folder is dropped silently.
"""
from __future__ import annotations

import mimetypes
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .errors import internal_error
from .load import FORMATS
from .models import NotChecked

# The standard library's own table, not the machine's /etc/mime.types, so reports do not vary by host.
_MEDIA_TYPES = mimetypes.MimeTypes()


@dataclass(frozen=True)
class Unreadable:
    """A folder that could not be read, or an entry the walk failed on: reported as `review`, never skipped."""

    path: str
    message: str
    rule: str = "unreadable"


Found = Path | NotChecked | Unreadable


def display_name(path: str | Path) -> str:
    """The name reports show: undecodable bytes and control characters escaped, so one name is one line."""
    name = os.fsencode(path).decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in name)


def collect(paths: Iterable[str | Path], exclude: Iterable[str | Path] = ()) -> Iterator[Found]:
    """Files to check (``Path``), files seen but not checked, and folders that could not be read.

    ``exclude`` names folders a walk leaves out, such as the run's own report folder.
    """
    skip = {os.path.realpath(p) for p in exclude}
    for p in map(Path, paths):
        if not p.is_dir():
            yield p
            continue
        try:
            found = _walk(p, skip)
        except Exception as exc:  # noqa: BLE001 - a walk that breaks fails closed for its folder
            found = [Unreadable(display_name(p), internal_error("collect", exc), "internal-error")]
        yield from found


def _walk(root: Path, skip: set[str]) -> list[Found]:
    """Everything under ``root``, in path order (the whole listing first: only names are held)."""
    found: list[tuple[str, Found]] = []
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append):
        here = Path(folder)
        keep = []
        for d in dirs:
            path = here / d
            if d.startswith(".") or os.path.realpath(path) in skip:
                continue
            if path.is_symlink():
                found.append((str(path), NotChecked(path=display_name(path), type="link to a folder",
                                                    reason="links to folders are not followed")))
            else:
                keep.append(d)
        dirs[:] = sorted(keep)
        found.extend((str(here / f), _entry(here / f)) for f in files if not f.startswith("."))
    for err in errors:
        where = display_name(err.filename or root)
        found.append((str(err.filename), Unreadable(where, f"cannot read folder: {err.strerror or err}")))
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]


def _entry(path: Path) -> Found:
    """A file in a walk: checked if it is a regular file in a format the checker reads."""
    try:
        return _classify(path)
    except Exception as exc:  # noqa: BLE001 - one odd entry must not end the walk: fail closed on it
        return Unreadable(display_name(path), internal_error("collect", exc), "internal-error")


def _classify(path: Path) -> Found:
    try:
        mode = path.stat().st_mode
    except OSError:
        mode = None  # a dangling link or a link loop: a supported file is reported unreadable by the loader
    if mode is not None and not stat.S_ISREG(mode):
        return NotChecked(path=display_name(path), type="special file",
                          reason="not a regular file (a pipe, socket or device): not opened")
    if path.suffix.lower() in FORMATS:
        return path
    media_type = _MEDIA_TYPES.guess_type(path.name, strict=False)[0] or "unknown"
    return NotChecked(path=display_name(path), type=media_type, reason="not a format the checker reads")
