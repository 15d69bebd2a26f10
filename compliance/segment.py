"""Segment: split a document into headline, datelines, body, credits, quotes, rights notices and
the trailing content after the last notice (teasers a scraper caught with the page).

Segments are runs of lines with one part to play; a body run ends at a closing tag so
that each source's copy can be told apart when several are merged.
"""
from __future__ import annotations

import regex

from .detect import Detection
from .document import Document
from .models import Finding, Segment

HEADLINE_MAX = 200
CREDIT_WORDS = 12  # a line this short that carries a credit or signature is a credits line
_WORD = regex.compile(r"\w+")


def segment(doc: Document, det: Detection) -> list[Segment]:
    filled = [n for n, text in enumerate(doc.lines, 1) if text.strip()]
    if not filled:
        return []
    kinds = _line_kinds(doc, det, filled)
    closing = {f.line for f in det.findings if f.position == "closing"}
    runs: list[list] = []  # [kind, start_line, end_line]
    for n in filled:
        kind = kinds[n]
        last = runs[-1] if runs else None
        if last and last[0] == kind and kind in ("body", "quote", "credits", "notice") and last[2] not in closing:
            last[2] = n
        else:
            runs.append([kind, n, n])
    return [Segment(kind=k, start_line=s, end_line=e) for k, s, e in runs]


def _line_kinds(doc: Document, det: Detection, filled: list[int]) -> dict[int, str]:
    text = lambda n: doc.lines[n - 1]  # noqa: E731
    kinds = {n: "body" for n in filled}
    notices = {f.line for f in det.findings if f.kind == "notice"}
    by_line: dict[int, list[Finding]] = {}
    for f in det.findings:
        by_line.setdefault(f.line, []).append(f)
    for n in filled:
        found = by_line.get(n, [])
        if n in notices:
            kinds[n] = "notice"
        elif any(f.position == "dateline" for f in found):
            kinds[n] = "dateline"
        elif _is_credits(text(n), found, n in det.bylines):
            kinds[n] = "credits"
        elif n in det.quoted:
            kinds[n] = "quote"
    if _is_headline(text(filled[0]), filled) and kinds[filled[0]] == "body":
        kinds[filled[0]] = "headline"
    closed = {f.line for f in det.findings if f.position in ("closing", "credit", "signature")}
    for n in _trailing(filled, kinds, doc, closed):
        kinds[n] = "trailing"
    return kinds


def _is_headline(line: str, filled: list[int]) -> bool:
    line = line.strip()
    return len(filled) > 2 and len(line) <= HEADLINE_MAX and not line.endswith((".", ")", ":"))


def _is_credits(line: str, found: list[Finding], byline: bool) -> bool:
    """A byline, a photo credit or caption, a standalone source line or a signature."""
    if any(f.material in ("photos", "video") for f in found):
        return True
    credited = byline or any(f.position in ("credit", "signature") for f in found)
    return credited and len(_WORD.findall(line)) <= CREDIT_WORDS


def _trailing(filled: list[int], kinds: dict[int, str], doc: Document, closed: set[int]) -> list[int]:
    """Lines after the last notice, when what comes before it is the article: it ends with a
    closing tag or source line, or is longer than what follows (else the notice heads the page
    and what follows is the article)."""
    notice = [n for n in filled if kinds[n] == "notice"]
    if not notice:
        return []
    block = filled.index(notice[-1])
    while block > 0 and kinds[filled[block - 1]] == "notice":
        block -= 1
    after = [n for n in filled if n > notice[-1]]
    before = [n for n in filled[:block] if kinds[n] not in ("headline", "notice")]
    if not (before and after):
        return []
    size = lambda lines: sum(len(doc.lines[n - 1]) for n in lines)  # noqa: E731
    return after if before[-1] in closed or size(after) < size(before) else []


def segment_index(segments: list[Segment]) -> dict[int, int]:
    """Which segment each line lies in (blank lines between segments lie in none)."""
    return {ln: i for i, s in enumerate(segments) for ln in range(s.start_line, s.end_line + 1)}


def trailing_lines(segments: list[Segment]) -> set[int]:
    return {ln for s in segments if s.kind == "trailing" for ln in range(s.start_line, s.end_line + 1)}
