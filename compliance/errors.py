"""Errors meant for the user: a message with the file (and line) it is about."""
from __future__ import annotations


class UserError(Exception):
    """A problem in the user's input, rules or config; rendered once at the edge, never as a traceback."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.path, self.line) if p is not None)
        return f"{where}: {self.message}" if where else self.message


class RuleError(UserError):
    """A rule pack that cannot be loaded or compiled."""


class ConfigError(UserError):
    """A config, agreements or waivers file that cannot be used."""


def internal_error(stage: str, exc: Exception) -> str:
    """The message for a bug met while processing one document: which stage, what was raised."""
    return f"internal error in stage '{stage}': {type(exc).__name__}: {exc}"
