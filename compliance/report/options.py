"""What a formatter may need beyond the report itself."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..models import Verdict
from ..ruleset import RuleSet


@dataclass(frozen=True)
class FormatOptions:
    """The rules that made the decisions, the run's fail level, and the folder paths are relative to.

    CI systems want paths relative to the repository root, which is where CI runs
    ``compliance check``; absolute paths under ``root`` are made relative to it.
    """

    rules: RuleSet
    fail_on: Verdict = "deny"
    root: Path = field(default_factory=Path.cwd)
