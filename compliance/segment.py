"""Segment: split a document into headline, body, rights notice and trailing content."""
from __future__ import annotations

from .detect import Detection
from .document import Document
from .models import Segment

HEADLINE_MAX = 200


def segment(doc: Document, det: Detection) -> list[Segment]:
    filled = [n for n in range(1, doc.line_count + 1) if doc.text[slice(*doc.line_span(n))].strip()]
    if not filled:
        return []
    segments: list[Segment] = []
    first = filled[0]
    if _is_headline(doc, first, filled):
        segments.append(Segment(kind="headline", start_line=first, end_line=first))
        filled = filled[1:]
    notice_lines = sorted({ln for f in det.findings if f.kind == "notice"
                           for ln in (f.line, doc.position(max(f.start, f.end - 1))[0])})
    body_end = filled[-1]
    if notice_lines and any(ln < notice_lines[0] for ln in filled):
        body_end = max(ln for ln in filled if ln < notice_lines[0])
    body = [ln for ln in filled if ln <= body_end]
    if body:
        segments.append(Segment(kind="body", start_line=body[0], end_line=body[-1]))
    if notice_lines:
        segments.append(Segment(kind="notice", start_line=max(notice_lines[0], body_end + 1 if body else 1),
                                end_line=notice_lines[-1]))
        segments.extend(Segment(kind="trailing", start_line=ln, end_line=ln)
                        for ln in filled if ln > notice_lines[-1] and body)
    return segments


def _is_headline(doc: Document, line: int, filled: list[int]) -> bool:
    text = doc.text[slice(*doc.line_span(line))].strip()
    return len(filled) > 2 and len(text) <= HEADLINE_MAX and not text.endswith((".", ")", ":"))


def trailing_lines(segments: list[Segment]) -> set[int]:
    return {ln for s in segments if s.kind == "trailing" for ln in range(s.start_line, s.end_line + 1)}
