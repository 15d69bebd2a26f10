"""A cache folder outside the scanned tree, as other linters keep (``~/.cache/compliance``).

Entries are keyed by a hash of everything that affects them, so a stale entry
is never read: it is simply never asked for again. The folder is the user's
own (created 0700); a folder that cannot be written just means no caching.
"""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

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
    """The version and this package's own source: a pickle made by other code (an upgrade, a checkout
    with the same version number) is never read, since its classes may no longer fit."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        h.update(path.read_bytes())
    return h.digest()


def get(kind: str, entry: str) -> Any | None:
    root = cache_dir()
    if root is None:
        return None
    if not _trusted(root / kind):
        return None
    try:
        with open(root / kind / f"{entry}.pickle", "rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
        return None


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
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{entry}.pickle")
    except OSError:
        pass
