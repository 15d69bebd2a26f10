"""Reading rule packs: YAML files -> validated rule models, with file:line on every error."""
from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from .. import cache
from ..errors import RuleError
from ..yamlfile import LineMap, load_yaml, validation_error
from .kinds import KINDS, RULE_ADAPTER, AnyRule


@dataclass(frozen=True)
class LoadedRule:
    """A rule together with where it was written, so later errors can point at it."""

    rule: AnyRule
    path: Path
    lines: LineMap
    index: int
    overrides: str | None = None  # "file:line" of the earlier rule this one replaces

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line()}"

    def line(self, *field: str | int) -> int | None:
        return self.lines.line_of((self.index, *field))

    @property
    def summary(self) -> str:
        """One line about the rule: a source's name or a terms set's label, else its description or message."""
        return (getattr(self.rule, "name", "") or getattr(self.rule, "label", "") or self.rule.description
                or getattr(self.rule, "message", ""))

    def error(self, message: str, *field: str | int) -> RuleError:
        return RuleError(f"rule '{self.rule.id}': {message}", str(self.path), self.line(*field))


def _same_place(a: LoadedRule, b: LoadedRule) -> bool:
    return (a.path.resolve(), a.index) == (b.path.resolve(), b.index)


def builtin_rules_dir() -> Path:
    """The built-in packs: inside the installed wheel, else the source tree's ``rules/``."""
    installed = Path(__file__).resolve().parent.parent / "_builtin" / "rules"
    return installed if installed.is_dir() else Path(__file__).resolve().parents[2] / "rules"


def rule_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise RuleError("rule pack not found", str(root))
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def packs_key(roots: Iterable[Path], disable: Iterable[str]) -> str | None:
    """One cache key for the packs as they stand: every file's place and content, in pack order.
    None when a pack or file cannot be read; loading it says why."""
    parts = []
    try:
        for root in roots:
            parts.append("\0pack")
            for path in rule_files(root):
                parts += [str(path), str(path.resolve()), hashlib.sha256(path.read_bytes()).hexdigest()]
    except (OSError, RuleError):
        return None
    return cache.key("ruleset", *parts, "\0disable", *disable)


def load_file(path: Path) -> list[LoadedRule]:
    """The validated rules of one file; parsed YAML is cached by content, so a large registry loads fast."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RuleError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    entry = cache.key("rules", str(path.resolve()), data)
    rules = cache.get("rules", entry)
    if rules is None:
        rules = _parse_file(path)
        with contextlib.suppress(OSError):
            if path.read_bytes() == data:  # not edited while it was parsed
                cache.put("rules", entry, rules)
    return rules


def _parse_file(path: Path) -> list[LoadedRule]:
    data, lines = load_yaml(path, RuleError)
    if data is None:
        return []
    if not isinstance(data, list):
        raise RuleError("a rule file holds a list of rules (each starting with '- kind: ...')",
                        str(path), lines.line_of(()))
    out = []
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise RuleError("each rule is a mapping with 'kind' and 'id'", str(path), lines.line_of((i,)))
        kind = item.get("kind")
        if kind not in KINDS:
            known = ", ".join(KINDS)
            raise RuleError(f"unknown rule kind '{kind}' (known kinds: {known})",
                            str(path), lines.line_of((i, "kind")))
        try:
            rule = RULE_ADAPTER.validate_python(item)
        except ValidationError as exc:
            raise validation_error(_strip_kind(exc), path, lines, (i,), RuleError) from None
        out.append(LoadedRule(rule, path, lines, i))
    return out


def _strip_kind(exc: ValidationError) -> ValidationError:
    """Drop the discriminator tag pydantic puts first in ``loc`` so the path matches the file,
    and name the offending value when it is not one of a closed vocabulary's words."""
    errors = exc.errors()
    for err in errors:
        if err["loc"] and err["loc"][0] in KINDS:
            err["loc"] = err["loc"][1:]
        if err["type"] == "literal_error":
            err["type"] = PydanticCustomError("unknown_value", "unknown value {value}; known: {expected}",
                                              {"value": repr(err["input"]), "expected": err["ctx"]["expected"]})
    return ValidationError.from_exception_data(exc.title, errors)  # type: ignore[arg-type]


def load_pack(root: Path) -> list[LoadedRule]:
    """All rules of one pack; an id used twice in the same pack is an error."""
    rules: dict[str, LoadedRule] = {}
    for path in rule_files(root):
        for loaded in load_file(path):
            first = rules.get(loaded.rule.id)
            if first is not None:
                raise loaded.error(f"duplicate id (first defined at {first.where})", "id")
            rules[loaded.rule.id] = loaded
    return list(rules.values())


def load_rules(packs: Iterable[Path], disable: Iterable[str] = ()) -> list[LoadedRule]:
    """Merge packs in order: a later pack overrides an earlier rule of the same id and kind."""
    merged: dict[str, LoadedRule] = {}
    for root in packs:
        for loaded in load_pack(root):
            earlier = merged.get(loaded.rule.id)
            if earlier is not None and earlier.rule.kind != loaded.rule.kind:
                raise loaded.error(f"overrides a '{earlier.rule.kind}' rule with a '{loaded.rule.kind}' rule", "kind")
            if earlier is not None and not _same_place(earlier, loaded):  # a pack named twice is no override
                loaded = replace(loaded, overrides=earlier.where)
            merged[loaded.rule.id] = loaded
    for rule_id in disable:
        if merged.pop(rule_id, None) is None:
            raise RuleError(f"cannot disable unknown rule '{rule_id}'")
    return list(merged.values())
