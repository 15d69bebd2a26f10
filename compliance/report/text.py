"""Terminal output: ``path:line:col: verdict [rule] message`` per reason, then one summary line."""
from __future__ import annotations

from ..models import DocumentResult, Report
from .options import FormatOptions


def render(report: Report, options: FormatOptions) -> str:
    lines = [line for doc in report.documents for line in document_lines(doc)]
    lines.extend(f"{n.path}: not checked ({n.type}): {n.reason}" for n in report.not_checked)
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def document_lines(doc: DocumentResult) -> list[str]:
    out = []
    for r in doc.reasons:
        where = f"{doc.path}:{r.line}:{r.column}" if r.line else doc.path
        out.append(f"{where}: {doc.verdict} [{r.rule}] {r.message}")
    for d in doc.duties:
        out.append(f"{doc.path}: duty {d.type}: {d.text}")
    for w in doc.warnings:
        out.append(f"{doc.path}: warning [{w.rule}] {w.message}")
    return out


def summary_line(report: Report) -> str:
    s = report.summary
    line = f"{s.documents} documents: {s.allow} allow, {s.review} review, {s.deny} deny"
    return f"{line}; {s.not_checked} files not checked" if s.not_checked else line
