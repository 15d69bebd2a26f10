"""The publisher's config: rule packs, agreements and how a run fails."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from .errors import ConfigError
from .models import Agreement, Model
from .yamlfile import load_yaml, validation_error


class Config(Model):
    rules: list[str] = Field(default_factory=list)
    builtin_rules: bool = True
    disable: list[str] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    fail_on: Literal["deny", "review"] = "deny"
    warn_days: int = Field(30, ge=0)
    as_of: date | None = None
    max_file_mb: float = Field(20, gt=0)  # a bigger file is reported as not checked (review), never read whole

    base: Path = Field(default=Path("."), exclude=True)

    def rule_packs(self, builtin: Path) -> list[Path]:
        """Built-in packs first, then the publisher's own (relative to the config file)."""
        return ([builtin] if self.builtin_rules else []) + [self.base / p for p in self.rules]


def load_config(path: Path) -> Config:
    data, lines = load_yaml(path, ConfigError)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("the config is a mapping of settings", str(path), 1)
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, path, lines, (), ConfigError) from None
    return config.model_copy(update={"base": path.parent})
