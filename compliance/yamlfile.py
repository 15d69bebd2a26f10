"""Safe YAML loading that remembers the line of every value, for file:line errors."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from .errors import UserError

if TYPE_CHECKING:
    import yaml

Loc = tuple[Any, ...]
_STR = "tag:yaml.org,2002:str"
_PLAIN_COLLECTIONS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


@functools.cache
def _safe_loading() -> tuple[Any, Any]:
    """libyaml's parser when PyYAML was built with it (both are safe loaders: no Python objects), and a
    constructor for scalars. PyYAML is imported on first use: a run whose rules come from the cache
    reads no YAML."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader), yaml.constructor.SafeConstructor()


class LineMap(dict[Loc, int]):
    """Maps a path into the loaded data (keys and indexes) to its 1-based line."""

    def line_of(self, loc: Loc) -> int | None:
        """The line of the deepest known prefix of ``loc``."""
        for n in range(len(loc), -1, -1):
            if loc[:n] in self:
                return self[loc[:n]]
        return None


def load_yaml(path: Path, error: type[UserError] = UserError) -> tuple[Any, LineMap]:
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read: {exc}", str(path)) from None
    import yaml

    try:
        node = yaml.compose(raw, Loader=_safe_loading()[0])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"invalid YAML: {problem}", str(path), mark.line + 1 if mark else None) from None
    except RecursionError:
        raise error("invalid YAML: nested too deeply", str(path)) from None
    lines = LineMap()
    if node is None:
        return None, lines
    try:
        return _convert(node, (), lines, path, error, set()), lines
    except RecursionError:
        raise error("invalid YAML: nested too deeply", str(path)) from None


def load_list(path: Path, key: str, error: type[UserError] = UserError) -> tuple[list[Any], LineMap]:
    """A file that is a mapping with one key holding a list (``agreements:``, ``waivers:``)."""
    data, lines = load_yaml(path, error)
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise error(f"this file is a mapping with one key, '{key}'", str(path), 1)
    for other in data:
        if other != key:
            raise error(f"unknown key '{other}' (this file has one key, '{key}')", str(path), lines.line_of((other,)))
    items = data.get(key) or []
    if not isinstance(items, list):
        raise error(f"{key}: a list", str(path), lines.line_of((key,)))
    return items, lines


def _convert(node: yaml.Node, loc: Loc, lines: LineMap, path: Path, error: type[UserError], seen: set[int]) -> Any:
    import yaml

    lines[loc] = node.start_mark.line + 1
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        # Only plain lists and mappings; an alias repeating one could expand exponentially (a "YAML bomb").
        if node.tag not in _PLAIN_COLLECTIONS:
            raise error(f"unsupported YAML tag '{node.tag}'", str(path), lines[loc])
        if id(node) in seen:
            raise error("a YAML alias repeats a list or mapping; write it out instead", str(path),
                        lines.line_of(loc[:-1]))
        seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, path, error)
            if key in out:
                raise error(f"duplicate key '{key}'", str(path), key_node.start_mark.line + 1)
            out[key] = _convert(value_node, (*loc, key), lines, path, error, seen)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(v, (*loc, i), lines, path, error, seen) for i, v in enumerate(node.value)]
    return _scalar(node, path, error)


def _scalar(node: yaml.Node, path: Path, error: type[UserError]) -> Any:
    import yaml

    if not isinstance(node, yaml.ScalarNode):
        raise error("keys must be plain values", str(path), node.start_mark.line + 1)
    if node.tag == _STR:
        return node.value
    try:
        return _safe_loading()[1].construct_object(node)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date such as 2026-02-30
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"invalid value: {problem}", str(path), node.start_mark.line + 1) from None


def validation_error(exc: ValidationError, path: Path, lines: LineMap, base: Loc,
                     error: type[UserError] = UserError) -> UserError:
    """Turn pydantic's first complaint into a ``file:line: message`` error."""
    first = exc.errors()[0]
    loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    field = ".".join(str(p) for p in loc)
    msg = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        msg = f"unknown key '{loc[-1]}'"
    elif field:
        msg = f"{field}: {msg}"
    return error(msg, str(path), lines.line_of((*base, *loc)))
