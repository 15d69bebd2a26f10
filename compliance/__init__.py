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
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public names and the modules that define them. They are imported on first use,
# so the command line starts (``--version``, ``--help``) without loading the checker.
_EXPORTS = {
    "Checker": "checker", "Config": "config", "load_config": "config",
    "UserError": "errors", "ConfigError": "errors", "RuleError": "errors",
    **{name: "models" for name in ("Agreement", "DocumentResult", "Duty", "Finding", "Notice",
                                   "Reason", "Report", "Segment", "SourceRef", "Summary", "Verdict")},
}

if TYPE_CHECKING:
    from .checker import Checker
    from .config import Config, load_config
    from .errors import ConfigError, RuleError, UserError
    from .models import (Agreement, DocumentResult, Duty, Finding, Notice, Reason, Report, Segment, SourceRef,
                         Summary, Verdict)

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'compliance' has no attribute {name!r}")
