"""Link: which sources the copy comes from, what part each covers, and whose notice each notice is.

A source's *role* says what its copy is here: the text itself (``origin``), a contribution
to it (``(With files from Reuters)``), or only a photo or video (``Photo: AFP``). Its
*segments* are the parts of the document it covers: a dateline opens a block of copy, a
closing tag or a source line after the body closes one, a credit covers its own line.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass

from .detect import Detection
from .license import license_terms
from .models import Finding, Notice, Role, Segment, SourceRef, Terms
from .ruleset import RuleSet
from .segment import segment_index, trailing_lines

ORIGIN_KINDS = {"source_tag", "credit", "signature", "holder"}
CONTENT = {"dateline", "body", "quote", "credits", "notice"}
RESERVED_USES = frozenset({"reproduce", "distribute"})


@dataclass(frozen=True)
class Linked:
    sources: list[SourceRef]
    notices: list[Notice]
    findings: list[Finding]  # every finding, with the segment it lies in
    origins: list[Finding]  # the findings that say where the copy comes from


def origin_findings(findings: list[Finding], segments: list[Segment]) -> list[Finding]:
    """Findings that say where the copy comes from (trailing teasers are not the page's copy)."""
    skip = trailing_lines(segments)
    return [f for f in findings if f.kind in ORIGIN_KINDS and f.source and f.line not in skip]


def link(det: Detection, segments: list[Segment], rs: RuleSet) -> Linked:
    index = segment_index(segments)
    findings = [f.model_copy(update={"segment": index.get(f.line)}) for f in det.findings]
    origins = origin_findings(findings, segments)
    by_source: dict[str, list[Finding]] = {}
    for f in origins:
        by_source.setdefault(f.source, []).append(f)
    roles = {sid: _role(fs) for sid, fs in by_source.items()}
    cover = _coverage(segments, origins)
    sources = [SourceRef(id=sid, name=rs.sources[sid].name, role=roles[sid], segments=sorted(cover[sid]),
                         tags=list(dict.fromkeys(f.text for f in fs if f.kind in ("source_tag", "credit"))))
               for sid, fs in by_source.items()]
    # a source known from metadata (line 0) owns no notice in the text
    text_origins = [f for f in origins if roles[f.source] in ("origin", "contribution") and f.line]
    open_origins = [f for f in text_origins if RESERVED_USES <= registry_terms(rs, f.source).permits]
    notices = [_owner(rs, n, text_origins, open_origins) for n in det.notices]
    return Linked(sources, notices, findings, origins)


def _role(findings: list[Finding]) -> Role:
    if any(f.kind in ("source_tag", "holder", "credit") and f.material in (None, "text", "all") for f in findings):
        return "origin"
    if any(f.kind == "signature" for f in findings):
        return "contribution"
    return "video" if all(f.material == "video" for f in findings) else "photo"


def _coverage(segments: list[Segment], origins: list[Finding]) -> dict[str, set[int]]:
    """Which segments each source covers: a dateline opens a block of copy, a closing tag,
    signature or source line closes the block it ends, a photo or video credit covers its line,
    and a source named only as a notice's holder covers the copy no tag claims."""
    at: dict[int | None, list[Finding]] = defaultdict(list)
    for f in origins:
        at[f.segment].append(f)
    cover: dict[str, set[int]] = defaultdict(set)
    block: list[int] = []
    owners: set[str] = set()

    def close() -> None:
        for sid in owners:
            cover[sid].update(block)

    for i, seg in enumerate(segments):
        if seg.kind not in CONTENT:
            continue
        assets = {f.source for f in at[i] if f.material in ("photos", "video")}
        for sid in assets:
            cover[sid].add(i)  # a photo or video credit covers its own line, not the text around it
        text = {f.source for f in at[i] if f.material not in ("photos", "video") and f.kind != "holder"}
        if seg.kind == "dateline":
            close()
            block, owners = [i], text
            continue
        if seg.kind != "notice" and not assets:
            block.append(i)
        if text:
            owners |= text
            if not (seg.kind == "credits" and len(block) == 1):  # a byline opens the block it heads
                close()
                block, owners = [], set()
    close()
    claimed = set().union(*cover.values()) if cover else set()
    unclaimed = [i for i, s in enumerate(segments) if s.kind in CONTENT - {"notice"} and i not in claimed]
    for f in origins:
        if f.source not in cover:
            cover[f.source].update(unclaimed if f.kind == "holder" else ())
        if not cover[f.source] and f.segment is not None:
            cover[f.source].add(f.segment)
    return cover


def notice_terms(rs: RuleSet, notice: Notice) -> Terms:
    # A notice read from metadata has no phrase rule: its licence alone says what it permits.
    terms = rs.terms_of_notice.get(notice.rule, Terms())
    return terms.merge(license_terms(notice.license)) if notice.license else terms


def _owner(rs: RuleSet, notice: Notice, origins: list[Finding], open_origins: list[Finding]) -> Notice:
    """A notice that names no holder belongs to the copy it follows: the nearest source before it.
    Except when it grants rights: then only a source whose registry terms are open can own it;
    otherwise it is the host page's own footer, which never releases an agency's copy."""
    # Line 0: a notice from metadata, not in the text; it stays with the holder it names, or none.
    if notice.source is not None or notice.holder is not None or not notice.line:
        return notice
    terms = notice_terms(rs, notice)
    candidates = origins if terms.prohibits & RESERVED_USES or terms.requires else open_origins
    if not candidates:
        return notice
    at = bisect_right(candidates, notice.line, key=lambda f: f.line)  # origins come in document order
    owner = candidates[at - 1 if at else 0].source
    return notice.model_copy(update={"source": owner})


def registry_terms(rs: RuleSet, sid: str) -> Terms:
    """What the registry says of a source's copy when no notice speaks for it."""
    src = rs.sources[sid]
    terms = rs.terms[src.terms]
    return terms.merge(license_terms(src.license)) if src.license else terms
