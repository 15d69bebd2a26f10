"""The loaded document: text plus a line index, so any offset maps to line and column.

Two kinds of position. The pipeline stages work on the *text* (``position()``,
``line_span()``; ``Finding.start``/``end`` are offsets into it). When the text
was extracted from markup (HTML, NewsML, a CMS export), a ``SourceMap`` records
where each character came from, and ``locate()`` turns every line and column of
a result into one in the original file, so a report points at the file the user has.
"""
from __future__ import annotations

from array import array
from bisect import bisect_right
from typing import Any, Sequence

from pydantic import BaseModel, ConfigDict, Field

from .models import DocumentResult, Finding, Notice, Reason, Segment


def line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i != -1:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


class SourceMap:
    """For each character of an extracted text, its offset in the source file's decoded text."""

    def __init__(self, source: str, offsets: Sequence[int]):
        self.offsets = array("q", offsets)
        self._starts = line_starts(source)

    def offset(self, i: int) -> int:
        if not self.offsets:
            return 0
        return self.offsets[min(max(i, 0), len(self.offsets) - 1)]

    def position(self, i: int) -> tuple[int, int]:
        """1-based (line, column) in the source of text offset ``i``."""
        return position(self._starts, self.offset(i))


def position(starts: list[int], offset: int) -> tuple[int, int]:
    line = bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def in_text(f: Finding) -> bool:
    """Whether a finding points into the text: metadata evidence does not (line 0, or placed in the file)."""
    return f.kind != "metadata" and f.line > 0


class Document(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    path: str
    text: str
    format: str = "text"
    encoding: str | None = None
    # What the file or the CMS says about the article (see ``compliance.metadata``).
    metadata: dict[str, Any] = {}
    # Where each metadata value was read in the source file: (key, value) -> (line, column).
    metadata_at: dict[tuple[str, str], tuple[int, int]] = {}
    source_map: SourceMap | None = None
    # Offsets where each line starts; computed once. A plain field, not a private
    # attribute: pydantic routes private attributes through __getattr__, too slow per line.
    line_starts: list[int] = Field(default_factory=list, exclude=True, repr=False)
    lines: list[str] = Field(default_factory=list, exclude=True, repr=False)  # each line, without its newline

    def model_post_init(self, _: Any) -> None:
        self.__dict__["line_starts"] = line_starts(self.text)
        self.__dict__["lines"] = self.text.split("\n")

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset in the text; columns count code points."""
        return position(self.line_starts, offset)

    def source_position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) in the original file of a character offset in the text."""
        return self.source_map.position(offset) if self.source_map else self.position(offset)

    def line_span(self, line: int) -> tuple[int, int]:
        """Offsets of a 1-based line, without its newline."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.text)
        return start, end

    # -- reporting positions in the original file -------------------------
    def locate(self, result: DocumentResult) -> DocumentResult:
        """The result with every text line and column replaced by the source file's.

        Positions of 0 (evidence not in the text, such as CMS metadata) and
        findings of kind ``metadata`` (already placed in the source) stay as they are.
        """
        if self.source_map is None:
            return result
        return result.model_copy(update={
            "findings": [self._finding(f) for f in result.findings],
            "notices": [self._placed(n) for n in result.notices],
            "reasons": [self._placed(r) for r in result.reasons],
            "warnings": [self._placed(w) for w in result.warnings],
            "segments": [self._segment(s) for s in result.segments],
        })

    def _finding(self, f: Finding) -> Finding:
        if not in_text(f):
            return f
        line, column = self.source_position(f.start)
        return f.model_copy(update={"line": line, "column": column})

    def _placed(self, item: Notice | Reason) -> Notice | Reason:
        if not item.line:
            return item
        line, column = self.source_position(self.line_starts[item.line - 1] + (item.column or 1) - 1)
        return item.model_copy(update={"line": line, "column": column})

    def _segment(self, s: Segment) -> Segment:
        start, _ = self.line_span(s.start_line)
        _, end = self.line_span(s.end_line)
        return s.model_copy(update={"start_line": self.source_position(start)[0],
                                    "end_line": self.source_position(max(start, end - 1))[0]})
