"""A CMS export: one JSON object per file, with the article's body, title, source, licence and byline.

Which field holds what is configured (``inputs.cms_json`` in the config). A
body or title holding HTML is extracted like a page (see ``markup``). Every
character of the text keeps its place in the JSON file, escapes included.
"""
from __future__ import annotations

import json
import re
from json.decoder import scanstring
from typing import Any

from ..document import Document, SourceMap, line_starts, position
from ..errors import UserError
from ..metadata import clean
from .encoding import decode
from .html import parse
from .markup import Aligner, TextBuilder, extract
from .settings import CmsFields, InputSettings

_MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);")
_WS = re.compile(r"[ \t\n\r]*")
_PLAIN = re.compile(r'[^"\\]*')
_DECODER = json.JSONDecoder()
META = {"source": "source", "license": "license", "byline": "author"}


def load(data: bytes, path: str, settings: InputSettings) -> Document:
    raw, encoding = decode(data, path, settings.encodings)
    try:
        export = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise UserError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}; not checked", path) from None
    except RecursionError:
        raise UserError("JSON nested too deeply to be an article export; not checked", path) from None
    return article(raw, export, path, settings.cms_json, encoding)


def article(raw: str, export: Any, path: str, fields: CmsFields, encoding: str | None = None) -> Document:
    """The document of one exported article: ``export`` is ``raw`` parsed (one file, or one JSON Lines line)."""
    if not isinstance(export, dict):
        raise UserError(f"a CMS export holds one article as a JSON object; this file holds {_kind(export)}: "
                        "not checked", path)
    body_key, body = _field(export, fields.body)
    if body_key is None:
        raise UserError(f"no article body: none of the fields {', '.join(fields.body)} is in the export; "
                        "set inputs.cms_json.body in the config; not checked", path)
    if not isinstance(body, str):
        raise UserError(f"field '{body_key}' holds {_kind(body)}, not the article text; name the text field in "
                        "inputs.cms_json.body (a.b for a field inside an object): not checked", path)
    out = TextBuilder()
    title_key, title = _field(export, fields.title)
    for key, value in ((title_key, title), (body_key, body)):
        if key is not None and isinstance(value, str) and value.strip():
            _text(raw, export, key, value, out, path)
            out.br()
    text, offsets = out.result()
    metadata, at = _metadata(raw, export, fields)
    return Document(path=path, text=text, format="cms-json", encoding=encoding, metadata=metadata,
                    metadata_at=at, source_map=SourceMap(raw, offsets))


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true or false"}.get(
        type(value), "null" if value is None else "a number")


def _field(export: dict[str, Any], names: list[str]) -> tuple[str | None, Any]:
    """The first configured field present: ``name`` or a dotted path ``a.b``."""
    for name in names:
        value: Any = export
        for part in [name] if name in export else name.split("."):
            if not isinstance(value, dict) or part not in value:
                break
            value = value[part]
        else:
            if value is not None:
                return name, value
    return None, None


def _text(raw: str, export: dict[str, Any], key: str, value: str, out: TextBuilder, path: str) -> None:
    """Add a field's text to ``out``, each character placed in the JSON file."""
    where = _string_offsets(raw, _locate(raw, export, key), value)
    if not _MARKUP.search(value):
        out.add(value, where, pre=True)
        return
    extract(parse(value, path), Aligner(value, where), out=out)


def _metadata(raw: str, export: dict[str, Any],
              fields: CmsFields) -> tuple[dict[str, list[str]], dict[tuple[str, str], tuple[int, int]]]:
    starts = line_starts(raw)
    metadata: dict[str, list[str]] = {}
    at: dict[tuple[str, str], tuple[int, int]] = {}
    for field, key in META.items():
        name, value = _field(export, getattr(fields, field))
        values = clean(value)
        if not values:
            continue
        metadata[key] = values
        offset = _locate(raw, export, name) if isinstance(value, str) else None
        if offset is not None:
            at[(key, values[0])] = position(starts, offset)
    return metadata, at


def _locate(raw: str, export: dict[str, Any], name: str) -> int | None:
    """Offset in the raw JSON of the value at field ``name`` (the last one, as ``json.loads`` keeps)."""
    p: int | None = _WS.match(raw).end()
    for part in [name] if name in export else name.split("."):
        if p is None:
            return None
        p = _member(raw, p, part)
    return p


def _member(raw: str, p: int, key: str) -> int | None:
    """Offset of the value of ``key`` in the object starting at ``p``."""
    if raw[p] != "{":
        return None
    found = None
    p = _WS.match(raw, p + 1).end()
    while raw[p] == '"':
        name, p = scanstring(raw, p + 1)
        p = _WS.match(raw, _WS.match(raw, p).end() + 1).end()  # past the colon
        if name == key:
            found = p
        p = _WS.match(raw, _DECODER.raw_decode(raw, p)[1]).end()
        if raw[p] == ",":
            p = _WS.match(raw, p + 1).end()
    return found


def _string_offsets(raw: str, quote: int | None, value: str) -> list[int]:
    """The raw offset of each character of the JSON string opening at ``quote``, escapes counted as one."""
    if quote is None or raw[quote] != '"':
        return [quote or 0] * len(value)
    out: list[int] = []
    p = quote + 1
    while raw[p] != '"':
        plain = _PLAIN.match(raw, p).end()  # a run of characters written as themselves
        out.extend(range(p, plain))
        p = plain
        if raw[p] != "\\":
            continue
        out.append(p)
        if raw[p + 1] != "u":
            p += 2
        elif 0xD800 <= int(raw[p + 2:p + 6], 16) < 0xDC00 and raw.startswith("\\u", p + 6):
            p += 12  # a surrogate pair is one character
        else:
            p += 6
    return out if len(out) == len(value) else [quote] * len(value)
