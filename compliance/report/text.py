"""Terminal output: ``path:line:col: verdict [rule] message`` per reason, then one summary line."""
from __future__ import annotations

from ..models import DocumentResult, Reason, Report, Summary, WaivedReason
from .options import FormatOptions


def render(report: Report, options: FormatOptions) -> str:
    lines = [line for doc in report.documents for line in document_lines(doc)]
    lines.extend(f"{n.path}: not checked ({n.type}): {n.reason}" for n in report.not_checked)
    lines += [f"{w.file}:{w.line}: warning [waiver-unused] waiver for {w.rule} on '{w.path}' waived nothing "
              f"in this run; remove it" for w in report.unused_waivers]
    lines.append(summary_line(report.summary))
    return "\n".join(lines) + "\n"


def document_lines(doc: DocumentResult) -> list[str]:
    out = []
    for r in doc.reasons:
        out.append(f"{_where(doc, r)}: {doc.verdict} [{r.rule}] {r.message}")
    for w in doc.waived:
        out.append(f"{_where(doc, w)}: waived [{w.rule}] {w.message} ({_waiver(w)})")
    for d in doc.duties:
        out.append(f"{doc.path}: duty {d.type}: {d.text}")
    for w in doc.warnings:
        out.append(f"{_where(doc, w)}: warning [{w.rule}] {w.message}")
    return out


def _where(doc: DocumentResult, r: Reason) -> str:
    return f"{doc.path}:{r.line}:{r.column}" if r.line and r.column else f"{doc.path}:{r.line}" if r.line else doc.path


def _waiver(w: WaivedReason) -> str:
    by = f", approved by {w.waiver.approved_by}" if w.waiver.approved_by else ""
    return f"was {w.verdict}; waiver at {w.waiver.file}:{w.waiver.line}{by}: {w.waiver.reason}"


def summary_line(s: Summary) -> str:
    waived = f", {s.waived} waived" if s.waived else ""
    not_checked = f"; {s.not_checked} files not checked" if s.not_checked else ""
    return f"{s.documents} documents: {s.allow} allow, {s.review} review, {s.deny} deny{waived}{not_checked}"
