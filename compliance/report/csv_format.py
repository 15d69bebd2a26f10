"""``--format csv``: one row per document for spreadsheets: path, verdict, sources, duties, reasons, error.

A cell that a spreadsheet would run as a formula (it starts with ``=``, ``+``,
``-``, ``@``, tab or CR) gets a leading apostrophe: document text is data.
"""
from __future__ import annotations

import csv
import io

from ..models import Report
from .options import FormatOptions

COLUMNS = ["path", "verdict", "sources", "duties", "reasons", "error"]
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def render(report: Report, options: FormatOptions) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for doc in report.documents:
        writer.writerow(map(_cell, [
            doc.path,
            doc.verdict,
            "; ".join(s.name for s in doc.sources),
            "; ".join(f"{d.type}: {d.text}" for d in doc.duties),
            "; ".join(r.message for r in doc.reasons),
            doc.error or "",
        ]))
    return out.getvalue()


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA) else text
