"""Metadata as evidence: what a page, a NewsML item or the CMS declares about an article.

``Document.metadata`` maps keys to values (a string or a list of them). Keys:

- ``source``: who the copy comes from, as the CMS or the feed declares it;
- ``license``: a licence URL or SPDX id (``CC-BY-4.0``), or licence wording;
- ``copyright_holder``, ``copyright_notice``, ``usage_terms``, ``credit``, ``author``, ``publisher``;
- ``url``, ``content_type``, ``tdm_reservation``, ``tdm_policy``, ``accessible_for_free``,
  ``pub_status``, ``embargoed``: recorded as findings, no rights drawn from them.

Rights keys prefixed ``photo_`` or ``video_`` describe an image or a video
carried with the article rather than the article itself. The CMS may also say
``byline``, ``licence``, ``holder``, ``copyright``, ``credit_line``,
``provider`` or ``type``; other keys are ignored.

Each value becomes a finding of kind ``metadata``. A value naming a registry
source (a holder, a credit, the declared source, a URL on the source's site)
that the text does not show also becomes a ``holder`` finding, so the source
is decided like one tagged in the text. Licence and notice wording become ``Notice``s: a Creative Commons URL
or SPDX id is a ``cc_license`` notice; other wording goes through the notice
rules. Evidence that is not in the text has line and column 0. A declared
source that the text contradicts (the CMS says staff, a dateline or closing tag
says AFP) gives a ``metadata_conflict`` finding, which a policy sends to review.
"""
from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import urlsplit

import regex

from .detect import Detection, detect
from .document import Document
from .license import cc_license_id
from .link import ORIGIN_KINDS
from .models import Finding, Notice
from .ruleset import RuleSet

RIGHTS = ("license", "copyright_holder", "copyright_notice", "usage_terms", "credit", "author")
KEYS = frozenset({"source", *RIGHTS, "publisher", "url", "content_type", "tdm_reservation", "tdm_policy",
                  "accessible_for_free", "pub_status", "embargoed"}
                 | {f"{media}_{key}" for media in ("photo", "video") for key in RIGHTS})
ALIASES = {"byline": "author", "licence": "license", "holder": "copyright_holder", "copyright": "copyright_notice",
           "credit_line": "credit", "creditline": "credit", "provider": "source", "type": "content_type"}
SCOPE = {"photo_": "photos", "video_": "video"}
# Values that say who the copy (or the photo) comes from.
ORIGIN = frozenset({"source", "copyright_holder", "copyright_notice", "credit", "author", "publisher", "url"})
NOTICE_TEXT = frozenset({"license", "copyright_notice", "usage_terms"})
CONFLICTING = frozenset({"source_tag", "signature"})  # where the text says whose copy it is
_CC = regex.compile(r"creativecommons\.org/|\bcreative\s+commons\b|^\s*cc[-\s]?(?:by|0|zero)\b", regex.I)
_PARTS = regex.compile(r"[/,;|()\[\]]|\s[-–—]\s|\s+(?:via|and|ve|et|und|y)\s+|\s&\s", regex.I)
# What surrounds a name in a credit or copyright line: "© 2025", "Copyright", "By", a trailing year.
_BARE = regex.compile(r"^\s*(?:©|\(c\)|copyright\b|telif\b|by\b)?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\b)?[\s,.:]*"
                      r"|[\s,.]*\b\d{4}(?:\s*[-–]\s*\d{4})?[\s.]*$", regex.I)


def clean(value: Any) -> list[str]:
    """The readable values of a metadata field, white space collapsed."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in clean(item)]
    if isinstance(value, dict):
        return clean(value.get("name") or value.get("value"))
    if isinstance(value, bool):
        return [str(value).lower()]
    text = " ".join(str(value).split())
    return [text] if text else []


def normalise(metadata: dict[str, Any]) -> dict[str, list[str]]:
    """Known keys (aliases resolved) -> non-empty lists of cleaned values."""
    out: dict[str, list[str]] = {}
    for raw_key, value in metadata.items():
        prefix, base = _split(str(raw_key).strip().lower().replace("-", "_").replace(" ", "_"))
        key = prefix + ALIASES.get(base, base)
        if key in KEYS:
            for text in clean(value):
                if text not in out.setdefault(key, []):
                    out[key].append(text)
    return {k: v for k, v in out.items() if v}


def with_metadata(doc: Document, det: Detection, rs: RuleSet) -> Detection:
    """The detection plus what the document's metadata says."""
    meta = normalise(doc.metadata)
    if not meta:
        return det
    findings: list[Finding] = []
    notices: list[Notice] = []
    shown = {f.source for f in det.findings if f.kind in ORIGIN_KINDS and f.source}
    declared: set[str] = set()  # the registry sources the declared ``source`` names
    for key, values in meta.items():
        prefix, base = _split(key)
        for value in values:
            read = _read(rs, doc.path, key, value)
            if key == "source":
                declared.update(read.sources)
            line, column = doc.metadata_at.get((key, value), (0, 0))
            findings.append(_finding("metadata", key, value, read.sources[0] if read.sources else None, line, column))
            if base in ORIGIN:  # a source the text does not show: the metadata is its evidence
                findings.extend(_finding("holder", key, value, sid) for sid in read.sources if sid not in shown)
                shown.update(read.sources)
            if base in NOTICE_TEXT:
                notices.extend(_notice(n, prefix, meta, rs) for n in read.notices)
    if "source" in meta:
        findings.extend(_conflicts(det, declared))
    every = sorted(det.findings + findings, key=lambda f: (f.start, f.end, f.kind))
    return Detection(findings=every, notices=det.notices + notices)


class _Reading(NamedTuple):
    sources: list[str]
    notices: list[Notice]


def _read(rs: RuleSet, path: str, key: str, value: str) -> _Reading:
    """Which registry sources a value names, and the notices it makes."""
    base = _split(key)[1]
    if base == "url":
        return _Reading(_by_site(rs, value), [])
    if base not in ORIGIN | NOTICE_TEXT:
        return _Reading([], [])
    cc = cc_license_id(value) if base == "license" and _CC.search(value) else None
    if cc:
        notice = Notice(type="cc_license", holder=None, license=cc, text=value, line=0, column=0,
                        rule=f"metadata.{key}")
        return _Reading([], [notice])
    sources = _named(rs, value)
    # Wording ("Foto: AA", a notice) goes through the rules; one word is a name, read by _named alone.
    wording = base in NOTICE_TEXT or (not sources and " " in value)
    det = detect(Document(path=path, text=value), rs) if wording else Detection()
    for f in det.findings:  # a tag, credit or holder in the value; a mere mention names no origin
        if f.source and f.source not in sources and f.kind in ORIGIN_KINDS:
            sources.append(f.source)
    return _Reading(sources if base in ORIGIN else [], det.notices)


def _named(rs: RuleSet, value: str) -> list[str]:
    """Sources a value names outright: ``AFP``, ``Jane Doe/AFP``, ``© 2025 Anadolu Ajansı``, ``aa``."""
    found: list[str] = []
    bare = _BARE.sub("", value)
    for part in [value, bare, *_PARTS.split(bare)]:
        part = part.strip(" .")
        ids = [part] if part in rs.sources else [sid for sid in rs.resolve(part) if _as_written(rs, sid, part)]
        found.extend(sid for sid in ids if sid not in found)
    return found


def _as_written(rs: RuleSet, sid: str, part: str) -> bool:
    """One word names a source only as the source writes its tag (AA, dpa) or in capitals, so a
    byline "Ana" or "Sana" is not the ANA or SANA agency; names of several words match in any case."""
    return " " in part or part.isupper() or part in rs.sources[sid].tags


def _by_site(rs: RuleSet, url: str) -> list[str]:
    """Sources whose registry URL is on the same site as ``url``."""
    host = _host(url)
    if not host:
        return []
    return [sid for sid, src in rs.sources.items()
            if src.url and (_host(src.url) == host or host.endswith("." + _host(src.url)))]


def _host(url: str) -> str:
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _split(key: str) -> tuple[str, str]:
    for prefix in SCOPE:
        if key.startswith(prefix):
            return prefix, key[len(prefix):]
    return "", key


def _notice(n: Notice, prefix: str, meta: dict[str, list[str]], rs: RuleSet) -> Notice:
    """A notice read from metadata: not in the text (line 0); one naming no holder belongs to its
    subject's copyright holder, if the metadata names exactly one."""
    update: dict[str, Any] = {"line": 0, "column": 0}
    holders = meta.get(prefix + "copyright_holder", [])
    if n.holder is None and n.source is None and len(holders) == 1:
        update |= {"holder": holders[0], "source": next(iter(_named(rs, holders[0])), None)}
    if prefix:
        update["scope"] = [SCOPE[prefix]]
    return n.model_copy(update=update)


def _conflicts(det: Detection, declared: set[str]) -> list[Finding]:
    """Tags in the text naming a source other than the declared one."""
    return [f.model_copy(update={"kind": "metadata_conflict", "rule": "metadata.source-conflict"})
            for f in det.findings if f.kind in CONFLICTING and f.source and f.source not in declared]


def _finding(kind: str, key: str, value: str, source: str | None, line: int = 0, column: int = 0) -> Finding:
    return Finding(kind=kind, rule=f"metadata.{key}", text=value, line=line, column=column, start=0, end=0,
                   source=source)


__all__ = ["KEYS", "clean", "normalise", "with_metadata"]
