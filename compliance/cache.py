"""A cache folder outside the scanned tree, as other linters keep (``~/.cache/compliance``).

Entries are keyed by a hash of everything that affects them, so a stale entry
is never read: it is simply never asked for again. The folder is the user's
own (created 0700); a folder that cannot be written just means no caching.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pydantic.version import VERSION as PYDANTIC_VERSION

from . import __version__


def cache_dir() -> Path | None:
    if os.environ.get("COMPLIANCE_NO_CACHE"):
        return None
    env = os.environ.get("COMPLIANCE_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "compliance"


def key(*parts: str | bytes) -> str:
    h = hashlib.sha256(_code_digest())
    for part in parts:
        h.update(b"\0" + (part if isinstance(part, bytes) else part.encode(errors="surrogateescape")))
    return h.hexdigest()


@functools.cache
def _code_digest() -> bytes:
    """The version and this package's own source, and the Python and pydantic it runs on: a pickle made
    by other code (an upgrade, a checkout with the same version number, another virtualenv sharing the
    cache folder) is never read, since its classes may no longer fit."""
    h = hashlib.sha256(f"{__version__}\0{sys.version}\0{PYDANTIC_VERSION}".encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        h.update(path.read_bytes())
    return h.digest()


def get(kind: str, entry: str) -> Any | None:
    root = cache_dir()
    if root is None:
        return None
    if not _trusted(root / kind):
        return None
    path = root / kind / f"{entry}.pickle"
    try:
        with open(path, "rb") as fh:
            value = pickle.load(fh)
    except Exception:  # noqa: BLE001 - whatever a damaged or foreign entry raises, it is only work to redo
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # in use: the sweep keeps it (see ``_sweep``)
    return value


def _trusted(folder: Path) -> bool:
    """Only a folder this user owns and nobody else can write is read: loading a planted pickle runs its code."""
    try:
        st = folder.stat()
    except OSError:
        return False
    return (not hasattr(os, "getuid") or st.st_uid == os.getuid()) and not st.st_mode & 0o022


def put(kind: str, entry: str, value: Any) -> None:
    root = cache_dir()
    if root is None:
        return
    folder = root / kind
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{entry}.pickle")
    except OSError:  # no room, say: the part written is not left to take more
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return
    _sweep_once(folder)


_SWEPT: set[Path] = set()  # folders swept by this process
STALE_DAYS = 30
REFRESH_DAYS = 7  # a results table entry's day of use is rewritten at most this often: 5,000 writes cost 0.3 s


def _sweep_once(folder: Path, table: sqlite3.Connection | None = None) -> None:
    if folder in _SWEPT:
        return
    _SWEPT.add(folder)
    if table is not None:
        table.execute("DELETE FROM entries WHERE used < ?", (_today() - STALE_DAYS,))
    _sweep(folder)


def _today() -> int:
    return int(time.time() // 86400)


def _sweep(folder: Path) -> None:
    """Remove the entries nobody has read for ``STALE_DAYS`` (those of earlier versions and of rule files
    since edited), and temporary files a crash left: done once per process, when it writes the folder."""
    cutoff = time.time() - STALE_DAYS * 86400
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                if entry.name.endswith((".pickle", ".tmp")) and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)


class Table:
    """Text values by key in one SQLite file of the cache folder: many small entries (a result per
    document) in one file, not a file each. Each process opens its own connection (a forked worker
    must not share its parent's), and any database error just means no caching.

    An entry records the day it was last used (to within ``REFRESH_DAYS``); those unused for
    ``STALE_DAYS`` are removed, like the pickles, when a process first writes the table.

    Entries are written ``BATCH`` at a time, in one transaction (a transaction for each cost 85 us of
    a 1 ms check): ``flush`` writes the rest. Entries not yet flushed when a process ends are only work
    to redo."""

    BATCH = 64

    def __init__(self, kind: str):
        self.kind = kind
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._folder = Path()  # set when the table opens
        self._pending: dict[str, str] = {}  # put, not yet written

    def get(self, key: str) -> str | None:
        db = self._connect()
        if db is None:
            return None
        if key in self._pending:
            return self._pending[key]
        try:
            row = db.execute("SELECT value, used FROM entries WHERE key = ?", (key,)).fetchone()
            if row and row[1] <= _today() - REFRESH_DAYS:  # a write per entry once a week, not on every read
                db.execute("UPDATE entries SET used = ? WHERE key = ?", (_today(), key))
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def put(self, key: str, value: str) -> None:
        if self._connect() is None:
            return
        self._pending[key] = value
        if len(self._pending) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the entries put since the last flush."""
        db, pending = self._connect(), self._pending
        self._pending = {}
        if db is None or not pending:
            return
        try:
            with db:  # commits, or rolls back on an error
                db.execute("BEGIN IMMEDIATE")
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)",
                               [(key, value, _today()) for key, value in pending.items()])
                _sweep_once(self._folder, db)
        except sqlite3.Error:
            pass

    def _connect(self) -> sqlite3.Connection | None:
        if self._pid != os.getpid():  # a forked process: its own connection, and none of its parent's entries
            self._pid, self._db, self._pending = os.getpid(), self._open(), {}
        return self._db

    def _open(self) -> sqlite3.Connection | None:
        root = cache_dir()
        if root is None:
            return None
        folder = root / self.kind
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not _trusted(folder):  # a planted table could pass a denied document as allowed
                return None
            self._folder = folder
            path = folder / "table.sqlite3"
            try:
                return _table(path)
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError):  # locked too long, or no room: no caching this run
                    raise
                for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):  # not a database (damaged):
                    (folder / name).unlink(missing_ok=True)  # the table starts over, as if the folder were deleted
                return _table(path)
        except (OSError, sqlite3.Error):
            return None


def _table(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode = WAL")  # workers read and write at once
    db.execute("PRAGMA synchronous = OFF")  # a cache: an entry lost in a crash is only work redone
    db.execute("CREATE TABLE IF NOT EXISTS entries "
               "(key TEXT PRIMARY KEY, value TEXT NOT NULL, used INTEGER NOT NULL DEFAULT 0)")
    if "used" not in {column[1] for column in db.execute("PRAGMA table_info(entries)")}:
        # A table from before entries were swept: its entries count as unused (their keys hold a
        # code digest another version made, so none would be read again anyway).
        with contextlib.suppress(sqlite3.OperationalError):  # unless another process added it first
            db.execute("ALTER TABLE entries ADD COLUMN used INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE INDEX IF NOT EXISTS entries_used ON entries (used)")  # a sweep reads no other rows
    return db


class Bundles:
    """Sets of files kept together under one key (the reports a run rendered), the newest few only."""

    def __init__(self, kind: str, keep: int = 3):
        self.kind, self.keep = kind, keep

    def get(self, key: str) -> list[Path] | None:
        """The files of a complete bundle, each still the size it was put with, or None."""
        folder = self._folder()
        if folder is None:
            return None
        try:
            sizes = {name: int(size) for size, name in
                     (line.split(" ", 1) for line in (folder / key / _COMPLETE).read_text().splitlines())}
            files = sorted(folder / key / name for name in sizes)
            if any(path.stat().st_size != sizes[path.name] for path in files):
                return None  # cut short (a crash before the copy reached the disk): rendered again
            os.utime(folder / key)  # recently used: kept longest
            return files
        except (OSError, ValueError):  # none, removed by another run meanwhile, or a marker from elsewhere
            return None

    def put(self, key: str, files: list[Path]) -> None:
        """Copies of ``files`` (by name) as one bundle; a bundle is only ever seen complete."""
        folder = self._folder(create=True)
        if folder is None or (folder / key).exists():
            return
        try:
            staging = Path(tempfile.mkdtemp(dir=folder, prefix=".new-"))
        except OSError:
            return
        try:
            for path in files:
                shutil.copyfile(path, staging / path.name)
            sizes = [f"{(staging / path.name).stat().st_size} {path.name}\n" for path in files]
            (staging / _COMPLETE).write_text("".join(sizes))
            os.replace(staging, folder / key)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
            return
        bundles = sorted((p for p in folder.iterdir() if not p.name.startswith(".")), key=_mtime)
        for old in bundles[:-self.keep]:
            shutil.rmtree(old, ignore_errors=True)

    def _folder(self, create: bool = False) -> Path | None:
        root = cache_dir()
        if root is None:
            return None
        folder = root / self.kind
        try:
            if create:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            return None
        return folder if _trusted(folder) else None


_COMPLETE = ".complete"  # written last: the size of each file of the bundle


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed by another run meanwhile
        return 0.0
