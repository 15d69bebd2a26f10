"""News licensing and attribution compliance checker.

The public API: build a ``Checker`` once, then check texts or files::

    from compliance import Checker
    result = Checker().check_text(text, path="a.txt")
    result.verdict  # "allow" | "review" | "deny"
"""
from .checker import Checker
from .config import Config, load_config
from .errors import ConfigError, RuleError, UserError
from .models import Agreement, DocumentResult, Duty, Finding, Notice, Reason, Report, SourceRef, Summary

__version__ = "0.1.0"

__all__ = [
    "Checker", "Config", "load_config", "Agreement", "DocumentResult", "Duty", "Finding", "Notice",
    "Reason", "Report", "SourceRef", "Summary", "UserError", "ConfigError", "RuleError", "__version__",
]
