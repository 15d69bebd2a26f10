"""Reading a file's bytes with a size cap, refusing a file that changes while it is read."""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from ..errors import UserError

MB = 1024 * 1024


def read_file(path: Path, name: str, max_bytes: int) -> bytes:
    """At most ``max_bytes`` of ``path``; any problem is a ``UserError`` naming the file.

    Memory stays bounded by the cap: a bigger file is refused from its size, and a
    pipe or a file still growing is read no further than one byte past the cap.
    """
    try:
        with open(path, "rb") as fh:
            before = os.fstat(fh.fileno())
            if before.st_size > max_bytes:
                raise _too_large(name, before.st_size, max_bytes)
            regular = stat.S_ISREG(before.st_mode)
            # What the file says it holds plus one byte, so growth shows.
            data = fh.read(before.st_size + 1) if regular else read_stream(fh, name, max_bytes)
            after = os.fstat(fh.fileno())
    except FileNotFoundError:
        raise UserError("file not found: not checked", name) from None
    except OSError as exc:
        raise UserError(f"cannot read file: {exc.strerror or exc}: not checked", name) from None
    if regular and (len(data) != before.st_size or version(before) != version(after)):
        raise UserError("file changed while it was read: not checked, run again once it is written", name)
    return data


def read_stream(fh: BinaryIO, name: str, max_bytes: int) -> bytes:
    """A pipe or standard input, read no further than one byte past the cap."""
    data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(name, None, max_bytes)
    return data


def version(st: os.stat_result) -> tuple[int, int, int]:
    """What a write to a file changes: its size, modification and change times."""
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns


def version_now(path: str | Path) -> tuple[int, int, int] | None:
    """The ``version`` of the file at ``path`` as it is now; None when it cannot be looked at (gone, say)."""
    try:
        return version(os.stat(path))
    except OSError:
        return None


def _too_large(name: str, size: int | None, max_bytes: int) -> UserError:
    what = f"file is {_size(size)}" if size is not None else "file is larger than the cap"
    return UserError(f"{what}, over the {_size(max_bytes)} size cap (inputs.max_file_mb in the config): "
                     f"not checked, review by hand", name)


def _size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB // 10 else f"{n / 1024:.1f} KB"
