"""The publisher's config: rule packs, which files, agreements, waivers and how a run fails.

Found the way linters find theirs (``discover``): ``compliance.yaml`` or
``.compliance.yaml`` in the current folder or the nearest parent, else
``[tool.compliance]`` in the nearest ``pyproject.toml`` that has it, else the
built-in defaults. The walk stops at the repository root (a folder holding
``.git``) or the home folder. Paths in a config are relative to its folder.
Every value remembers where it came from (``Config.origin``).
"""
from __future__ import annotations

import os
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import Field, PrivateAttr, ValidationError, field_validator

from .errors import ConfigError
from .load.settings import InputSettings
from .models import Agreement, Model
from .paths import FileFilter
from .report import FORMATS
from .yamlfile import LineMap, load_list, load_yaml, validation_error

CONFIG_NAMES = ("compliance.yaml", ".compliance.yaml")
PYPROJECT = "pyproject.toml"


class Origin(NamedTuple):
    """Where a setting came from: a file and line, or a command-line option (``line`` is None)."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


class Config(Model):
    rules: list[str] = Field(default_factory=list)
    builtin_rules: bool = True
    disable: list[str] = Field(default_factory=list)
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    fail_on: Literal["deny", "review"] = "deny"
    format: str = "text"
    agreements: list[Agreement] = Field(default_factory=list)
    agreements_file: str | None = None
    waivers_file: str | None = None
    credit_style: str = "{credit}"
    warn_days: int = Field(30, ge=0)
    as_of: date | None = None
    inputs: InputSettings = InputSettings()

    base: Path = Field(default=Path("."), exclude=True)
    _origins: dict[str, Origin] = PrivateAttr(default_factory=dict)
    _file: Path | None = PrivateAttr(default=None)

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value not in FORMATS:
            raise ValueError(f"unknown format '{value}' (one of: {', '.join(sorted(FORMATS))})")
        return value

    @field_validator("credit_style")
    @classmethod
    def _credit_placeholder(cls, value: str) -> str:
        try:
            styled = value.format(credit="\0")
        except (KeyError, IndexError, ValueError):
            raise ValueError("the only placeholder allowed is {credit}") from None
        if "\0" not in styled:
            raise ValueError("must contain {credit}, where the credit line goes")
        return value

    @classmethod
    def settings(cls) -> list[str]:
        """The keys a config file may set."""
        return [name for name in cls.model_fields if name != "base"]

    @property
    def file(self) -> Path | None:
        """The config file these settings were read from (None: built-in defaults)."""
        return self._file

    def origin(self, key: str) -> Origin | None:
        """Where ``key`` (a setting, or ``agreements.N``) was set; None for a built-in default."""
        return self._origins.get(key)

    def override(self, key: str, value: Any, origin: Origin) -> Config:
        """This config with one setting replaced (from the command line)."""
        copy = self.model_copy(update={key: value})
        copy._origins = {**self._origins, key: origin}
        return copy

    def rule_packs(self, builtin: Path) -> list[Path]:
        """Built-in packs first, then the publisher's own (relative to the config file)."""
        return ([builtin] if self.builtin_rules else []) + [self.base / p for p in self.rules]

    def file_filter(self) -> FileFilter | None:
        if not (self.include or self.exclude):
            return None
        return FileFilter(tuple(self.include), tuple(self.exclude), self.base)

    def waivers_path(self) -> Path | None:
        return self.base / self.waivers_file if self.waivers_file else None


def discover(start: Path | None = None) -> Path | None:
    """The config file that applies in ``start`` (default: the current folder), or None."""
    folders = _upward(Path(start or Path.cwd()).resolve())
    for folder in folders:
        found = [folder / name for name in CONFIG_NAMES if (folder / name).is_file()]
        if len(found) > 1:
            raise ConfigError(f"both {CONFIG_NAMES[0]} and {CONFIG_NAMES[1]} exist here; keep one", str(folder))
        if found:
            return _short(found[0])
    for folder in folders:
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return _short(pyproject)
    return None


def _short(path: Path) -> Path:
    """``path`` relative to the current folder, as messages should name it."""
    return Path(os.path.relpath(path))


def _upward(start: Path) -> list[Path]:
    """``start`` and its parents, up to the repository root or the home folder."""
    home = Path.home().resolve()
    out = []
    for folder in [start, *start.parents]:
        out.append(folder)
        if (folder / ".git").exists() or folder == home:
            break
    return out


def load_config(path: Path) -> Config:
    """Load and validate a config file (YAML, or ``[tool.compliance]`` of a pyproject.toml)."""
    if path.name == PYPROJECT:
        data, lines = _load_pyproject(path)
    else:
        data, lines = load_yaml(path, ConfigError)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("the config is a mapping of settings", str(path), 1)
    for key in data:
        if key not in Config.settings():
            raise ConfigError(f"unknown key '{key}'", str(path), lines.line_of((key,)))
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, path, lines, (), ConfigError) from None
    origins = {key: Origin(str(path), lines.line_of((key,))) for key in data}
    origins |= {f"agreements.{i}": Origin(str(path), lines.line_of(("agreements", i)))
                for i in range(len(config.agreements))}
    config = config.model_copy(update={"base": path.parent})
    config._origins, config._file = origins, path
    for key in ("agreements_file", "waivers_file"):
        name = getattr(config, key)
        if name and not (config.base / name).is_file():
            where = origins[key]
            raise ConfigError(f"{key}: file not found: {config.base / name}", where.path, where.line)
    return _add_agreements_file(config) if config.agreements_file else config


def _add_agreements_file(config: Config) -> Config:
    agreements, origins = load_agreements(config.base / str(config.agreements_file))
    first = len(config.agreements)
    merged = config.model_copy(update={"agreements": [*config.agreements, *agreements]})
    merged._origins = config._origins | {f"agreements.{first + i}": o for i, o in enumerate(origins)}
    return merged


def load_agreements(path: Path) -> tuple[list[Agreement], list[Origin]]:
    """An agreements file: a mapping with one key, ``agreements``, holding the list."""
    items, lines = load_list(path, "agreements", ConfigError)
    agreements = []
    for i, item in enumerate(items):
        try:
            agreements.append(Agreement.model_validate(item))
        except ValidationError as exc:
            raise validation_error(exc, path, lines, ("agreements", i), ConfigError) from None
    return agreements, [Origin(str(path), lines.line_of(("agreements", i))) for i in range(len(items))]


# -- pyproject.toml ----------------------------------------------------------
# tomllib keeps no positions, so lines are found by scanning the text for
# table headers and ``key =`` lines. A value inside an inline table or a
# multi-line array is reported at the line of the key that holds it.
TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
TOML_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")
TOOL = ("tool", "compliance")


def _has_tool_table(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", str(path)) from None
    return isinstance(data.get("tool"), dict) and "compliance" in data["tool"]


def _load_pyproject(path: Path) -> tuple[Any, LineMap]:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"invalid TOML: {exc}", str(path), int(line.group(1)) if line else None) from None
    table = data.get("tool", {}).get("compliance")
    if not isinstance(table, dict):
        raise ConfigError("no [tool.compliance] table", str(path))
    return table, toml_lines(text)


def toml_lines(text: str) -> LineMap:
    """Lines of the keys under ``[tool.compliance]``, keyed like ``load_yaml``'s line map."""
    lines = LineMap()
    table: tuple[Any, ...] = ()
    counts: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if header := TOML_HEADER.match(line):
            parts = _toml_key(header.group(2))
            if header.group(1) == "[[":
                counts[parts] = counts.get(parts, -1) + 1
                table = (*parts, counts[parts])
            else:
                table = parts
            loc: tuple[Any, ...] = table
        elif key := TOML_KEY.match(line):
            loc = (*table, *_toml_key(key.group(1)))
        else:
            continue
        if loc[:2] == TOOL:
            lines.setdefault(loc[2:], number)
    return lines


def _toml_key(key: str) -> tuple[str, ...]:
    parts = re.findall(r'"[^"]*"|\'[^\']*\'|[^.\s]+', key)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)

