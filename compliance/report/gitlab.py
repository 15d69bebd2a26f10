"""``--format gitlab``: GitLab Code Quality JSON (``artifacts:reports:codequality``).

One entry per review/deny reason and per warning, with the fields GitLab reads:
description, check_name, fingerprint (unique per entry), severity and
location.path / location.lines.begin.
"""
from __future__ import annotations

import hashlib
import json

from ..models import Report
from .issues import issues
from .options import FormatOptions

SEVERITY = {"error": "critical", "warning": "major", "note": "info"}


def render(report: Report, options: FormatOptions) -> str:
    entries = [{
        "description": i.message,
        "check_name": i.rule,
        "fingerprint": hashlib.md5(i.fingerprint.encode(), usedforsecurity=False).hexdigest(),
        "severity": SEVERITY[i.level],
        "location": {"path": i.path, "lines": {"begin": i.line or 1}},
    } for i in issues(report, options)]
    return json.dumps(entries, indent=2, ensure_ascii=False) + "\n"
