"""The loaded document: text plus a line index, so any offset maps to line and column."""
from __future__ import annotations

from bisect import bisect_right
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Document(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str
    text: str
    format: str = "text"
    encoding: str | None = None
    metadata: dict[str, Any] = {}
    # Offsets where each line starts; computed once. A plain field, not a private
    # attribute: pydantic routes private attributes through __getattr__, too slow per line.
    line_starts: list[int] = Field(default_factory=list, exclude=True, repr=False)

    def model_post_init(self, _: Any) -> None:
        starts = [0]
        find = self.text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self.__dict__["line_starts"] = starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; columns count code points."""
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def line_span(self, line: int) -> tuple[int, int]:
        """Offsets of a 1-based line, without its newline."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.text)
        return start, end

    @property
    def line_count(self) -> int:
        return len(self.line_starts)
