"""``--format github``: workflow commands that GitHub Actions shows as annotations on the diff.

``::error file=P,line=L,endLine=E,col=C,endColumn=D,title=T::message`` per
review/deny reason (deny is an error, review a warning, an expiring agreement a
notice), then the summary line. Values are escaped as the Actions toolkit does.
"""
from __future__ import annotations

from ..models import Report
from .issues import Issue, issues
from .options import FormatOptions
from .text import summary_line

COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def render(report: Report, options: FormatOptions) -> str:
    lines = [_annotation(i) for i in issues(report, options)]
    lines.append(summary_line(report.summary))
    return "\n".join(lines) + "\n"


def _annotation(i: Issue) -> str:
    props = [("file", i.path)]
    if i.line:
        props.append(("line", str(i.line)))
        if i.end_line:
            props.append(("endLine", str(i.end_line)))
        if i.column and i.end_line == i.line:  # columns apply to single-line spans only
            props += [("col", str(i.column)), ("endColumn", str(i.end_column))]
    props.append(("title", f"compliance [{i.rule}]"))
    joined = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{COMMAND[i.level]} {joined}::{escape_data(i.message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
