"""``--format json``: the report contract (schema ``compliance-report/1``)."""
from __future__ import annotations

from ..models import Report


def render(report: Report) -> str:
    return report.to_json() + "\n"
