"""Detect: one prefilter pass over the folded text, then rule regexes on the lines it points at.

Yields ``Finding``s (source tags in a tag position, credits, signatures,
mentions, unknown tags, notices and holders) and ``Notice``s with their holder
and licence. Nothing here decides anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex

from .document import Document
from .license import cc_license_id
from .models import Finding, Notice
from .ruleset import REGEX_TIMEOUT, RuleSet
from .ruleset.compiled import CompiledNotice, CompiledTag
from .text import fold

POSITION_KIND = {"dateline": "source_tag", "closing": "source_tag", "credit": "credit", "signature": "signature"}
# A token in a tag position that no source claims is worth a review only if it looks like a tag.
_TAG_LIKE = regex.compile(r"[\p{Lu}][\p{Lu}\p{N}\-]{1,9}|[\p{Lu}][\p{L}]{2,14}")
_INITIALS = regex.compile(r"(?:\p{Lu}\.){1,4}")
_WORD = regex.compile(r"[\p{L}][\p{L}'\-]*")
_CLOSING_LINE = regex.compile(r"\)[ \t.]*$", regex.MULTILINE)
_SENTENCE_END = regex.compile(r"[.!?:;\"”»]")
DATELINE_LINES = 3


class RuleTimeout(Exception):
    """A rule's regex ran past its time budget on this document."""

    def __init__(self, rule_id: str):
        super().__init__(rule_id)
        self.rule_id = rule_id


@dataclass
class Detection:
    findings: list[Finding] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


@dataclass
class _Hits:
    aliases: list[tuple[int, int, str, bool]] = field(default_factory=list)  # start, end, source, is_name
    notice_lines: dict[int, set[int]] = field(default_factory=dict)
    tag_lines: set[int] = field(default_factory=set)


def detect(doc: Document, rs: RuleSet) -> Detection:
    folded = fold(doc.text)
    hits = _prefilter(doc, folded, rs)
    out = Detection()
    _tags(doc, rs, hits, out)
    _notices(doc, folded, rs, hits, out)
    _mentions(doc, hits, out)
    out.findings.sort(key=lambda f: (f.start, f.end, f.kind))
    return out


def _prefilter(doc: Document, folded: str, rs: RuleSet) -> _Hits:
    hits = _Hits()
    if rs.automaton is None or not len(rs.automaton):
        return hits
    for last, (n, anchors) in rs.automaton.iter(folded):
        start, end = last - n + 1, last + 1
        if not _bounded(folded, start, end):
            continue
        line = doc.position(start)[0]
        for a in anchors:
            if a.kind == "alias":
                hits.aliases.append((start, end, a.ref, a.is_name))
                hits.tag_lines.add(line)
            elif a.kind == "notice":
                hits.notice_lines.setdefault(int(a.ref), set()).add(line)
            else:
                hits.tag_lines.add(line)
    return hits


def _bounded(folded: str, start: int, end: int) -> bool:
    """A hit counts only as a whole word (scripts written without spaces excepted)."""
    return not (_joins(folded, start - 1, folded[start]) or _joins(folded, end, folded[end - 1]))


def _joins(folded: str, i: int, edge: str) -> bool:
    if i < 0 or i >= len(folded) or not edge.isalnum() or _unspaced(edge):
        return False
    return folded[i].isalnum() and not _unspaced(folded[i])


def _unspaced(ch: str) -> bool:
    return "\u2e80" <= ch <= "\ud7af" or "\uf900" <= ch <= "\uffef"


# -- tags ------------------------------------------------------------------
def _tag_candidate_lines(doc: Document, hits: _Hits) -> list[int]:
    lines = set(hits.tag_lines)
    lines.update(doc.position(m.start())[0] for m in _CLOSING_LINE.finditer(doc.text))
    first = [n for n in range(1, min(doc.line_count, 12) + 1) if doc.text[slice(*doc.line_span(n))].strip()]
    lines.update(first[:DATELINE_LINES + 1])
    return sorted(lines)


def _tags(doc: Document, rs: RuleSet, hits: _Hits, out: Detection) -> None:
    seen: set[tuple[int, int]] = set()
    for ln in _tag_candidate_lines(doc, hits):
        s0, e0 = doc.line_span(ln)
        line = doc.text[s0:e0]
        for ct in rs.tags:
            for m in _run(ct, line):
                f = _tag_finding(doc, rs, ct, m, line, s0, hits)
                if f is not None and (f.start, f.end) not in seen:
                    seen.add((f.start, f.end))
                    out.findings.append(f)


def _run(ct: CompiledTag | CompiledNotice, text: str, pos: int = 0, endpos: int | None = None):
    try:
        return list(ct.rx.finditer(text, pos, endpos if endpos is not None else len(text),
                                   timeout=REGEX_TIMEOUT))
    except TimeoutError:
        raise RuleTimeout(ct.rule.id) from None


def _tag_finding(doc: Document, rs: RuleSet, ct: CompiledTag, m: regex.Match, line: str, s0: int,
                 hits: _Hits) -> Finding | None:
    rule = ct.rule
    kind = POSITION_KIND[rule.position]
    if "tag" not in m.groupdict():
        return _finding(doc, kind, rule.id, s0 + m.start(), s0 + m.end(), rule.source, rule.position)
    ts, te = _strip_span(line, *m.span("tag"))
    tag = line[ts:te]
    if _is_expansion(line, ts):
        return None
    sources = rs.resolve(tag)
    if sources:
        return _finding(doc, kind, rule.id, s0 + ts, s0 + te, sources[0], rule.position)
    # In scripts written without spaces the group may take more or less than the tag
    # (``新华社北京``): a known alias flush with one end of it, joined without a space, is the tag.
    ms, me = s0 + m.start(), s0 + m.end()
    for start, end, sid, _ in hits.aliases:
        if ms <= start and end <= me and (start == s0 + ts or end == s0 + te):
            joined = doc.text[min(start, s0 + ts):max(end, s0 + te)]
            if not any(c.isspace() for c in joined):
                return _finding(doc, kind, rule.id, start, end, sid, rule.position)
    if rule.unknown and _TAG_LIKE.fullmatch(tag) and not _INITIALS.fullmatch(tag):
        return _finding(doc, "unknown_tag", rule.id, s0 + ts, s0 + te, None, rule.position)
    return None


def _strip_span(text: str, s: int, e: int, trailing: str = " \t.,;:-–—") -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1] in trailing:
        e -= 1
    return s, e


def _is_expansion(line: str, tag_start: int) -> bool:
    """``International Court of Justice (ICJ)``: the words before spell the token, so it is an abbreviation."""
    before = line[:tag_start].rstrip(" (")
    cut = max((m.end() for m in _SENTENCE_END.finditer(before)), default=0)
    words = _WORD.findall(before[cut:])[-12:]
    initials = fold("".join(w[0] for w in words if w[0].isupper()))
    letters = fold("".join(c for c in line[tag_start:].split(")")[0] if c.isalpha()))
    return len(letters) >= 2 and initials.endswith(letters)


# -- notices ---------------------------------------------------------------
def _notices(doc: Document, folded: str, rs: RuleSet, hits: _Hits, out: Detection) -> None:
    seen: set[tuple[str, int, int]] = set()
    for idx in sorted(hits.notice_lines):
        cn = rs.notices[idx]
        for ln in sorted(hits.notice_lines[idx]):
            s0, e0 = doc.line_span(ln)
            for m in _run(cn, folded, s0, e0):
                key = (cn.rule.id, m.start(), m.end())
                if key not in seen:
                    seen.add(key)
                    _add_notice(doc, rs, cn, m, hits.aliases, out)


def _add_notice(doc: Document, rs: RuleSet, cn: CompiledNotice, m: regex.Match,
                aliases: list[tuple[int, int, str, bool]], out: Detection) -> None:
    start, end = _strip_span(doc.text, *m.span(), trailing=" \t")
    groups = m.groupdict()
    holder = None
    hs, he = start, end
    if groups.get("holder") is not None:
        hs, he = _strip_span(doc.text, *m.span("holder"), trailing=" \t,;:")
        holder = doc.text[hs:he] or None
    named = next(((s, e, sid) for s, e, sid, _ in aliases if hs <= s and e <= he), None)
    source = named[2] if named else next(iter(rs.resolve(holder)), None) if holder else None
    license_text = doc.text[slice(*m.span("license"))] if groups.get("license") is not None else doc.text[start:end]
    license_id = cc_license_id(license_text) if cn.rule.type == "cc_license" else cn.terms.license
    line, col = doc.position(start)
    text = doc.text[start:end]
    out.notices.append(Notice(type=cn.rule.type, holder=holder, license=license_id, text=text,
                              line=line, column=col, rule=cn.rule.id, source=source, scope=rs.scope_of(text)))
    out.findings.append(_finding(doc, "notice", cn.rule.id, start, end, source, None))
    if holder:
        out.findings.append(_finding(doc, "holder", cn.rule.id, hs, he, source, None))
    elif named:
        out.findings.append(_finding(doc, "holder", cn.rule.id, named[0], named[1], source, None))


# -- mentions --------------------------------------------------------------
def _mentions(doc: Document, hits: _Hits, out: Detection) -> None:
    """Source names and tags outside any tag position or notice: a quoted source, never the origin."""
    taken = [(f.start, f.end) for f in out.findings]
    for start, end, sid, is_name in hits.aliases:
        if any(s <= start and end <= e for s, e in taken):
            continue
        text = doc.text[start:end]
        if (is_name or len(text) >= 3) and text[:1].isupper():
            taken.append((start, end))
            out.findings.append(_finding(doc, "mention", "mention", start, end, sid, None))


def _finding(doc: Document, kind: str, rule: str, start: int, end: int, source: str | None,
             position: str | None) -> Finding:
    line, col = doc.position(start)
    return Finding(kind=kind, rule=rule, text=doc.text[start:end], line=line, column=col,
                   start=start, end=end, source=source, position=position)
