"""Evidence in context: the text around each finding on its own line, cut to a readable width."""
from __future__ import annotations

from .document import Document, in_text
from .models import Excerpt, Finding

WIDTH = 80  # characters of context on each side
CUT = "…"


def with_context(doc: Document, findings: list[Finding]) -> list[Finding]:
    return [f.model_copy(update={"context": excerpt(doc, f.start, f.end)}) if in_text(f) else f for f in findings]


def excerpt(doc: Document, start: int, end: int) -> Excerpt:
    first_line = doc.position(start)[0]
    last_line = doc.position(max(start, end - 1))[0]
    line_start = doc.line_span(first_line)[0]
    line_end = doc.line_span(last_line)[1]
    return Excerpt(before=_clip_left(doc.text[line_start:start]),
                   after=_clip_right(doc.text[end:line_end].rstrip("\r")))


def _clip_left(text: str) -> str:
    if len(text) <= WIDTH:
        return text
    kept = text[-WIDTH:]
    space = kept.find(" ")
    return CUT + (kept[space + 1:] if 0 <= space < WIDTH // 2 else kept)


def _clip_right(text: str) -> str:
    if len(text) <= WIDTH:
        return text
    kept = text[:WIDTH]
    space = kept.rfind(" ")
    return (kept[:space] if space > WIDTH // 2 else kept) + CUT
