"""News licensing and attribution compliance checker.

The public API: build a ``Checker`` once, then check texts or files, from any thread::

    from compliance import Checker, load_config
    checker = Checker.from_config(load_config(Path("compliance.yaml")))  # or Checker() for built-in rules
    result = checker.check_text(text, path="cms:42", metadata={"source": "staff"})
    result.verdict  # "allow" | "review" | "deny"
    result.model_dump_json()  # one entry of the JSON report

The names in ``__all__`` are the public API; every other module and name is
internal and may change without notice.
"""
from .checker import Checker
from .config import Config, load_config
from .errors import ConfigError, RuleError, UserError
from .models import (Agreement, DocumentResult, Duty, Finding, Notice, Reason, Report, Segment, SourceRef, Summary,
                     Verdict)

__version__ = "0.1.0"

__all__ = [
    "Checker", "Config", "load_config", "Agreement", "DocumentResult", "Duty", "Finding", "Notice",
    "Reason", "Report", "Segment", "SourceRef", "Summary", "Verdict", "UserError", "ConfigError", "RuleError",
    "__version__",
]
