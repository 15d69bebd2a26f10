"""An audit's documents, spooled to a temporary file as they are checked.

Memory keeps an index (path, verdict, sources and where the JSON is) per document,
so an audit of a folder is bounded by its largest document, not by how many there
are. Each document is spooled once, as the JSON report formats it; report.json is
then copied from the spool, and the templates read the documents back one at a time.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Callable, Iterator, NamedTuple

import pydantic_core

from ..errors import UserError
from ..models import VERDICT_RANK, DocumentResult, NotChecked, Report, Summary
from ..waivers import Waivers, unused_in_run

# A document's depth in report.json (report -> documents -> document), at the report's indent of 2.
DOCUMENT_INDENT = " " * 4
NO_DOCUMENTS = '"documents": []'


class Entry(NamedTuple):
    """What memory keeps of a spooled document."""

    path: str
    verdict: str
    error: bool
    sources: tuple[tuple[str, str], ...]  # (id, name) of each source; equal tuples are one object
    offset: int
    size: int


class Spooled(NamedTuple):
    """A document as the spool takes it: its JSON, formatted as report.json has it, and what the index needs.
    A cached result comes back in this form, so an unchanged document is never parsed or formatted again."""

    path: str
    verdict: str
    error: bool
    sources: tuple[tuple[str, str], ...]  # (id, name) of each source
    waivers: tuple[tuple[str, int | None], ...]  # (file, line) of the waiver that set each waived reason aside
    text: str

    @classmethod
    def of(cls, result: DocumentResult) -> Spooled:
        return cls(result.path, result.verdict, result.error is not None,
                   tuple((s.id, s.name) for s in result.sources),
                   tuple((w.waiver.file, w.waiver.line) for w in result.waived),
                   result.model_dump_json(by_alias=True, indent=2))


class Spool:
    """Takes a run's results as they come; ``report()`` then gives the report, its documents still on disk."""

    def __init__(self) -> None:
        try:
            self._file = tempfile.TemporaryFile(prefix="compliance-spool-")  # no name: gone when closed or killed
        except OSError as exc:
            raise _unwritable(exc) from None
        self._index: list[Entry] = []
        self._end = 0
        self._documents = hashlib.sha256()  # of every document added, as spooled
        self._not_checked: list[NotChecked] = []
        self._waived = 0
        self._used: set[tuple[str, int | None]] = set()  # the waivers that set a reason aside
        self._sources: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):  # a write that failed has been reported; a report has been flushed
            self._file.close()

    def add(self, result: DocumentResult | NotChecked | Spooled) -> None:
        if isinstance(result, NotChecked):
            self._not_checked.append(result)
            return
        doc = result if isinstance(result, Spooled) else Spooled.of(result)
        data = doc.text.encode("utf-8")
        try:
            self._file.write(data)
        except OSError as exc:
            raise _unwritable(exc) from None
        self._documents.update(data)
        sources = tuple(map(tuple, doc.sources))
        self._index.append(Entry(doc.path, sys.intern(doc.verdict), doc.error,
                                 self._sources.setdefault(sources, sources), self._end, len(data)))
        self._end += len(data)
        self._waived += len(doc.waivers)
        self._used.update(map(tuple, doc.waivers))

    def summary(self) -> Summary:
        counts = Counter(e.verdict for e in self._index)
        return Summary(documents=len(self._index), waived=self._waived, not_checked=len(self._not_checked),
                       **{v: counts[v] for v in VERDICT_RANK})

    def report(self, waivers: Waivers) -> SpooledReport:
        """The report of what was added: documents and files not checked each sorted by path, as ``Report.of``."""
        try:
            self._file.flush()
        except OSError as exc:
            raise _unwritable(exc) from None
        unused = unused_in_run(waivers, self._used, [e.path for e in self._index])
        head = Report(documents=[], summary=self.summary(), unused_waivers=unused,
                      not_checked=sorted(self._not_checked, key=lambda n: n.path))
        digest = hashlib.sha256(self._documents.digest() + head.to_json().encode()).hexdigest()
        return SpooledReport(head, sorted(self._index, key=lambda e: e.path), self._read, digest)

    def _read(self, entry: Entry) -> bytes:
        # At an offset, not from the file's position: forked renderers share that (see ``render.write_all``).
        if hasattr(os, "pread"):
            return os.pread(self._file.fileno(), entry.size, entry.offset)
        self._file.seek(entry.offset)  # Windows: no pread, and no forked renderers either
        return self._file.read(entry.size)


def _unwritable(exc: OSError) -> UserError:
    return UserError(f"cannot keep the run's results in a temporary file: {exc.strerror or exc}; set TMPDIR "
                     "to a folder with room", tempfile.gettempdir())


@dataclass(frozen=True)
class SpooledReport:
    """A ``Report`` whose documents stay in the spool until something reads them."""

    head: Report  # the report without its documents
    index: list[Entry]  # its documents, in path order
    read: Callable[[Entry], bytes]  # a document's JSON, formatted as report.json has it at the top level
    digest: str  # a hash of the whole report, documents included (in the order they were added)

    @property
    def summary(self) -> Summary:
        return self.head.summary

    def document(self, entry: Entry) -> dict[str, Any]:
        return pydantic_core.from_json(self.read(entry))  # the same data as json.loads, in half the time

    def data(self) -> dict[str, Any]:
        """The report as templates see it (``report.model_dump(mode="json")``), the documents read lazily."""
        return {**self.head.model_dump(mode="json", by_alias=True), "documents": Documents(self.index, self.document)}

    def json_chunks(self) -> Iterator[str]:
        """report.json, as ``Report.to_json()`` writes it plus a newline, a document at a time."""
        before, after = self.head.to_json().split(NO_DOCUMENTS, 1)
        if not self.index:
            yield before + NO_DOCUMENTS + after + "\n"
            return
        yield before + '"documents": ['
        for i, entry in enumerate(self.index):
            text = self.read(entry).decode("utf-8").replace("\n", "\n" + DOCUMENT_INDENT)
            yield ("," if i else "") + "\n" + DOCUMENT_INDENT + text
        yield "\n  ]" + after + "\n"


class Documents(Sequence):
    """The report's documents as JSON data, read from the spool as a template reaches each one.

    ``for`` (as often as a template likes), ``length``, truth and indexing work; memory
    holds only the documents a template keeps.
    """

    __slots__ = ("_index", "_load")

    def __init__(self, index: list[Entry], load: Callable[[Entry], dict[str, Any]]):
        self._index = index
        self._load = load

    def __len__(self) -> int:
        return len(self._index)

    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self._load(e) for e in self._index[i]]
        return self._load(self._index[i])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(self._load, self._index)
