"""The decisions CI systems annotate: one issue per review/deny reason and per warning.

SARIF, GitHub annotations and GitLab Code Quality are three spellings of this
list, so they agree on levels, positions, order and fingerprints.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator, Literal

from ..models import DocumentResult, Reason, Report
from ..text import fold
from .options import FormatOptions

Level = Literal["error", "warning", "note"]
LEVEL = {"deny": "error", "review": "warning"}


@dataclass(frozen=True)
class Issue:
    path: str  # POSIX, relative to the options' root where possible
    level: Level
    rule: str
    message: str
    line: int | None
    column: int | None
    end_line: int | None
    end_column: int | None  # the column after the last character
    quote: str | None
    fingerprint: str  # stable across runs: rule, normalised quote and path, then ":occurrence"


def issues(report: Report, options: FormatOptions) -> Iterator[Issue]:
    """Documents in path order; within one, decision reasons by position, then warnings."""
    verdicts = {p.id: p.verdict for p in options.rules.policies}
    for doc in report.documents:
        path = relative_path(doc.path, options.root)
        seen: Counter[str] = Counter()
        for reason, level in _leveled(doc, verdicts):
            key = _fingerprint(reason, path)
            seen[key] += 1
            yield _issue(reason, level, path, f"{key}:{seen[key]}")


def _leveled(doc: DocumentResult, verdicts: dict[str, str]) -> list[tuple[Reason, Level]]:
    out: list[tuple[Reason, Level]] = []
    for r in _by_position(doc.reasons):
        # A reason no policy gave (an unreadable file, nothing decided) only ever sends to review.
        verdict = verdicts.get(r.rule, "review")
        if verdict in LEVEL:
            out.append((r, LEVEL[verdict]))
    return out + [(w, "note") for w in _by_position(doc.warnings)]


def _by_position(reasons: list[Reason]) -> list[Reason]:
    return sorted(reasons, key=lambda r: (r.line or 0, r.column or 0, r.rule))


def _issue(r: Reason, level: Level, path: str, fingerprint: str) -> Issue:
    end_line = end_column = None
    if r.line and r.column and r.quote:
        parts = r.quote.split("\n")
        end_line = r.line + len(parts) - 1
        end_column = (r.column if len(parts) == 1 else 1) + len(parts[-1])
    return Issue(path, level, r.rule, r.message, r.line, r.column, end_line, end_column, r.quote, fingerprint)


def _fingerprint(r: Reason, path: str) -> str:
    quote = " ".join(fold(r.quote or "").split())
    return hashlib.sha256(f"{r.rule}\0{quote}\0{path}".encode()).hexdigest()[:32]


def relative_path(path: str, root: Path) -> str:
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.relative_to(root)
        except ValueError:
            return p.as_posix()
    return str(PurePosixPath(*p.parts)) if p.parts else path
