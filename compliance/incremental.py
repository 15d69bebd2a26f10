"""Incremental runs: a file's result is reused while nothing it depends on has changed.

An entry is keyed by the file's content and name, the compiled rules and the
run's settings (waivers, file selection, credit style, input settings). It
also records the agreements of the sources the result names: when one of
those changes (or, for a source with agreements, the day checked), that
document alone is checked again. So editing a file, a rule or an agreement
invalidates exactly what it affects.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import NamedTuple

from . import cache
from .checker import Checker
from .load.read import version, version_now
from .models import DocumentResult, NotChecked
from .paths import Found
from .report.spool import Spooled

MB = 1 << 20


class Held(NamedTuple):
    """A file's bytes as read to look its result up, the key the result is kept under, and the file's
    status before the read: a check that finds the file unchanged since knows the bytes are whole and current."""

    entry: str
    data: bytes
    stat: os.stat_result


class ResultCache:
    """Wraps a ``Checker``: same results, from the cache when the inputs are the same."""

    def __init__(self, checker: Checker, spooled: bool = False):
        """``spooled``: give results in the form an audit's spool takes (``Spooled``), which a cached
        result already has; else as ``DocumentResult``."""
        self.checker = checker
        self.spooled = spooled
        self.base = cache.key("results", *run_settings(checker))
        self.max_bytes = checker.inputs.max_file_mb * MB
        # An entry, by line: the hash of the agreements it rests on, the hash of the rest, the fields of the
        # document (``Spooled``) but its text, then its text.
        self.table = cache.Table("results")
        self._depends_memo: dict[tuple, str] = {}

    def check_found(self, item: Found) -> DocumentResult | NotChecked | Spooled:
        held, hit = self.lookup(item)
        return hit if hit is not None else self.check_new(item, held)

    def lookup(self, item: Found) -> tuple[Held | None, DocumentResult | Spooled | None]:
        """The file's bytes with the key their result is kept under (None: it is not kept), and the kept
        result, if any."""
        held = self._hold(item)
        if held is None:
            return None, None
        hit = self._cached(held.entry)
        if hit is None or self.spooled:
            return held, hit
        return held, DocumentResult.model_validate_json(hit.text)

    def check_new(self, item: Found, held: Held | None = None) -> DocumentResult | NotChecked | Spooled:
        """Check a file whose result is not kept, and keep it. ``held``: the file as ``lookup`` read it; without
        it (a worker), the file is read here. The bytes checked are those the result is kept under; a file
        written since they were read is checked as it is now and not kept (so an edit between the lookup and
        the check is never kept under the earlier content, nor a read torn by a write)."""
        held = held or self._hold(item)
        if held is None or version_now(item) != version(held.stat):
            return self.checker.check_found(item)
        result = self.checker.check_path(item, data=held.data)
        if result.error is not None:
            return result
        doc = Spooled.of(result)
        stored = f"{json.dumps(doc[:-1])}\n{doc.text}"  # the document's JSON as it is, not escaped again
        self.table.put(held.entry, f"{self._depends(doc)}\n{_digest(stored)}\n{stored}")
        return doc if self.spooled else result

    def flush(self) -> None:
        """Write the results kept since the last flush (``cache.Table`` writes them in batches)."""
        self.table.flush()

    def _hold(self, item: Found) -> Held | None:
        read = _read(item, self.max_bytes) if isinstance(item, Path) else None
        return Held(cache.key(self.base, str(item), read[0]), *read) if read is not None else None

    def _cached(self, entry: str) -> Spooled | None:
        """The entry's document, if the table holds it whole and the agreements it rests on are unchanged."""
        parts = (self.table.get(entry) or "").split("\n", 2)
        if len(parts) != 3 or parts[1] != _digest(parts[2]):  # none, or damaged: check the file again
            return None
        depends, _, stored = parts
        fields, _, text = stored.partition("\n")
        doc = Spooled(*json.loads(fields), text)
        return doc if depends == self._depends(doc) else None

    def _depends(self, doc: Spooled) -> str:
        """The agreements (and, where there are some, the day) the decisions of this result rest on."""
        ctx = self.checker.context
        ids = frozenset(sid for sid, _ in doc.sources)
        known = self._depends_memo.get((ctx.as_of, ids))  # most documents name the same few sources
        if known is None:
            held = sorted(a.model_dump_json() for a in ctx.agreements if a.source in ids)
            day = str(ctx.as_of) if held or self.checker.waivers.entries else ""
            known = self._depends_memo[ctx.as_of, ids] = hashlib.sha256("\0".join([*held, day]).encode()).hexdigest()
        return known


def run_settings(checker: Checker) -> tuple[str, ...]:
    """What every result of a checker rests on besides the document, its sources' agreements and the day: the
    compiled rules and the run's settings."""
    return (checker.rules.fingerprint, repr(checker.waivers), repr(checker.select), checker.credit_style,
            checker.inputs.model_dump_json(), str(checker.context.warn_days))


def _read(path: Path, max_bytes: int) -> tuple[bytes, os.stat_result] | None:
    """A file's bytes to hash, and its status before they were read; or None when the checker should read
    it itself: too large (never read past the cap to hash it), unreadable, or read short. Unbuffered: half
    the cost of ``open`` for a small file."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        before = os.fstat(fd)
        if before.st_size > max_bytes:
            return None
        data = os.read(fd, before.st_size + 1)  # one byte more than it holds, so a file still growing shows
    except OSError:
        return None
    finally:
        os.close(fd)
    return (data, before) if len(data) == before.st_size else None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
