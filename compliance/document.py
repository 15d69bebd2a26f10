"""The loaded document: text plus a line index, so any offset maps to line and column."""
from __future__ import annotations

from bisect import bisect_right
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr


class Document(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str
    text: str
    format: str = "text"
    encoding: str | None = None
    metadata: dict[str, Any] = {}

    _starts: list[int] = PrivateAttr(default_factory=list)

    def model_post_init(self, _: Any) -> None:
        starts = [0]
        find = self.text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._starts = starts

    @property
    def line_starts(self) -> list[int]:
        return self._starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; columns count code points."""
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def line_span(self, line: int) -> tuple[int, int]:
        """Offsets of a 1-based line, without its newline."""
        start = self._starts[line - 1]
        end = self._starts[line] - 1 if line < len(self._starts) else len(self.text)
        return start, end

    @property
    def line_count(self) -> int:
        return len(self._starts)
