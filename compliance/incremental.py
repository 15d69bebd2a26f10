"""Incremental runs: a file's result is reused while nothing it depends on has changed.

An entry is keyed by the file's content and name, the compiled rules and the
run's settings (waivers, file selection, credit style, input settings). It
also records the agreements of the sources the result names: when one of
those changes (or, for a source with agreements, the day checked), that
document alone is checked again. So editing a file, a rule or an agreement
invalidates exactly what it affects.

An audit is also recorded whole (``Audits``): a second audit of a folder whose
files, rules, settings and agreements are all as they were reads no file at all.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import NamedTuple

from . import cache
from .checker import Checker
from .load.read import version, version_now
from .models import DocumentResult, NotChecked, Summary
from .paths import Found
from .report.spool import Spooled, SpooledReport

MB = 1 << 20
# A file changed this close to a run's start may change again without changing its times (they move in
# ticks of up to this, on the coarsest file systems): an audit is recorded only when every file is older.
SETTLED_NS = 2 * 10**9


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


class KeptAudit(NamedTuple):
    """What an audit reported: its report's digest (which names its kept reports, see ``render.reports_key``)
    and its summary."""

    digest: str
    summary: Summary


class Audits:
    """Audits recorded under a stamp of everything their results rest on: the name and status (size, times,
    inode) of every file found, and the run (see ``run_key``). An audit with the same
    stamp reads no file: its reports are those of the recorded one (the second audit of an unchanged folder).

    Only an audit that could read every file, whose files were all settled before it started and unchanged
    when it ended, is recorded (and none on Windows); any other is checked file by file (through
    ``ResultCache``) every time."""

    def __init__(self, checker: Checker, found: list[Found]):
        self.base = run_key("audits", checker)
        self.table = cache.Table("audits")
        self.found = found
        self.started = time.time_ns()
        self.stamp, self.newest = _stamp(self.base, found) or (None, 0)

    def kept(self) -> KeptAudit | None:
        """What the same audit reported before, if it was recorded."""
        value = self.table.get(self.stamp) if self.stamp else None
        try:
            digest, summary = json.loads(value) if value else (None, None)
            return KeptAudit(digest, Summary.model_validate(summary)) if isinstance(digest, str) else None
        except (ValueError, TypeError):  # damaged (a pydantic ValidationError is a ValueError): check again
            return None

    def record(self, report: SpooledReport) -> None:
        """Keep what this audit reported, if it may be reused (see the class)."""
        walked = sum(isinstance(item, NotChecked) for item in self.found)
        clean = len(report.head.not_checked) == walked and not any(e.error for e in report.index)
        settled = self.newest < self.started - SETTLED_NS
        # Windows gives a file's creation time for its change time: an edit that keeps the size and
        # puts the modification time back would go unseen there.
        if os.name == "nt" or not (self.stamp and clean and settled):
            return
        if _stamp(self.base, self.found) == (self.stamp, self.newest):
            self.table.put(self.stamp, json.dumps([report.digest, report.summary.model_dump()]))
            self.table.flush()


def _stamp(base: str, found: list[Found]) -> tuple[str, int] | None:
    """A hash of ``base`` and what each found item is now, with the latest time a file was written or
    changed; None when something found could not be read (an audit then always checks)."""
    h = hashlib.sha256(base.encode())
    newest = 0
    for item in found:
        if isinstance(item, Path):
            try:
                st = os.stat(item)
            except OSError:
                return None
            part = f"{item}\0{version(st)} {st.st_ino} {st.st_dev}"
            newest = max(newest, st.st_mtime_ns, st.st_ctime_ns)
        elif isinstance(item, NotChecked):  # named by the walk for its kind: its kind is what matters
            part = item.model_dump_json()
        else:
            return None
        h.update(part.encode(errors="surrogateescape") + b"\0")
    return h.hexdigest(), newest


def run_settings(checker: Checker) -> tuple[str, ...]:
    """What every result of a checker rests on besides the document, its sources' agreements and the day: the
    compiled rules and the run's settings."""
    return (checker.rules.fingerprint, repr(checker.waivers), repr(checker.select), checker.credit_style,
            checker.inputs.model_dump_json(), str(checker.context.warn_days))


def run_key(kind: str, checker: Checker) -> str:
    """What every result of a run rests on besides its files: the rules and settings, the agreements, the day
    where agreements or waivers make it matter, and this version of the checker (a key of ``kind``)."""
    held = [a.model_dump_json() for a in checker.context.agreements]
    day = str(checker.context.as_of) if held or checker.waivers.entries else ""
    return cache.key(kind, *run_settings(checker), *held, day)


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
