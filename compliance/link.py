"""Link: which sources the copy comes from, and whose notice each notice is."""
from __future__ import annotations

from .detect import Detection
from .models import Finding, Notice, Segment, SourceRef
from .ruleset import RuleSet
from .segment import trailing_lines

ORIGIN_KINDS = {"source_tag", "credit", "signature", "holder"}


def origin_findings(det: Detection, segments: list[Segment]) -> list[Finding]:
    """Findings that say where the copy comes from (trailing teasers are not the page's copy)."""
    skip = trailing_lines(segments)
    return [f for f in det.findings if f.kind in ORIGIN_KINDS and f.source and f.line not in skip]


def link(det: Detection, segments: list[Segment], rs: RuleSet) -> tuple[list[SourceRef], list[Notice]]:
    origins = origin_findings(det, segments)
    tags: dict[str, list[str]] = {}
    for f in origins:
        forms = tags.setdefault(f.source, [])
        if f.kind in ("source_tag", "credit") and f.text not in forms:
            forms.append(f.text)
    sources = [SourceRef(id=sid, name=rs.sources[sid].name, tags=forms) for sid, forms in tags.items()]
    text_origins = [f for f in origins if f.line]  # a source known from metadata (line 0) owns no notice in the text
    return sources, [_owner(n, text_origins) for n in det.notices]


def _owner(notice: Notice, origins: list[Finding]) -> Notice:
    """A notice that names no holder belongs to the copy it follows: the nearest source before it."""
    # Line 0: a notice from metadata, not in the text; it stays with the holder it names, or none.
    if notice.source is not None or notice.holder is not None or not origins or not notice.line:
        return notice
    before = [f for f in origins if f.line <= notice.line]
    owner = (before[-1] if before else origins[0]).source
    return notice.model_copy(update={"source": owner})
