"""The domain values that flow through the pipeline and make up the report.

The report models (``DocumentResult``, ``Report``) are a public contract: the
JSON report, the HTTP service and the templates all see exactly these fields.
"""
from __future__ import annotations

from datetime import date
from typing import Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA = "compliance-report/1"

Verdict = Literal["allow", "review", "deny"]
VERDICT_RANK: dict[str, int] = {"allow": 0, "review": 1, "deny": 2}

# The ODRL/RightsML-flavoured vocabulary rules speak. Closed on purpose: a
# policy that names a term outside it is a rule error, not a silent no-op.
Action = Literal[
    "reproduce", "distribute", "modify", "excerpt", "translate",
    "archive", "display", "commercial_use", "tdm",
]
Requirement = Literal["subscription", "written_contract", "permission"]
DutyType = Literal["attribute", "link_license", "link_source", "keep_notice", "share_alike"]
Constraint = Literal["non_commercial", "no_derivatives", "named_partner_only"]
Scope = Literal["text", "photos", "video", "all"]
NoticeType = Literal[
    "all_rights_reserved", "contract_required", "no_redistribution",
    "attribution_required", "cc_license", "public_domain", "permission_granted",
]
Position = Literal["dateline", "closing", "credit", "signature", "mention"]
FindingKind = Literal[
    "source_tag", "credit", "signature", "mention", "unknown_tag",
    "notice", "holder", "metadata", "metadata_conflict", "error",
    # an empty ``()`` where a tag goes; a notice quoted or reported, not the page's own; mojibake or ``?`` letters
    "stripped_tag", "quoted_notice", "damaged_text",
]
# What a source's copy is in a document: the text itself, a contribution to it, or only a photo or video.
Role = Literal["origin", "contribution", "photo", "video"]
SegmentKind = Literal["headline", "dateline", "body", "credits", "notice", "trailing", "quote"]


class Model(BaseModel):
    # Each model builds its validator when first used: a process builds only those it uses (a run whose
    # compiled rules come from the cache unpickles the rules and never validates one).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Terms(Model):
    """What a rights statement permits, prohibits and requires (an ODRL-like policy)."""

    permits: frozenset[Action] = frozenset()
    prohibits: frozenset[Action] = frozenset()
    requires: frozenset[Requirement] = frozenset()
    duties: frozenset[DutyType] = frozenset()
    constraints: frozenset[Constraint] = frozenset()
    scope: frozenset[Scope] = frozenset()
    license: str | None = None
    public_domain: bool = False
    known: bool = True

    def merge(self, other: Terms) -> Terms:
        """The combined statement: every prohibition and duty of either side counts."""
        return Terms(
            permits=(self.permits | other.permits) - (self.prohibits | other.prohibits),
            prohibits=self.prohibits | other.prohibits,
            requires=self.requires | other.requires,
            duties=self.duties | other.duties,
            constraints=self.constraints | other.constraints,
            scope=self.scope | other.scope,
            license=self.license or other.license,
            public_domain=self.public_domain or other.public_domain,
            known=self.known and other.known,
        )


class Source(Model):
    """A registry entry: an agency or open publisher as the rules describe it."""

    id: str
    name: str
    name_en: str | None = None
    country: str | None = None
    type: str = "agency"
    tags: tuple[str, ...] = ()
    terms: str = "unknown"
    license: str | None = None
    credit: str | None = None
    url: str | None = None
    contact: str | None = None


class Excerpt(Model):
    """The text around a finding on its own line(s), so reports can show it in context.

    ``before`` runs from the start of the finding's first line, ``after`` to the end
    of its last line; each is cut at a word to about 80 characters, and starts
    (``before``) or ends (``after``) with "…" where it was cut.
    """

    before: str
    after: str


class Finding(Model):
    """One piece of evidence found in a document, with its exact span."""

    kind: FindingKind
    rule: str
    text: str
    line: int
    column: int
    start: int
    end: int
    source: str | None = None
    position: Position | None = None
    segment: int | None = None  # index into ``DocumentResult.segments``
    material: Scope | None = None  # for credits: what is credited (``Photo: AFP`` credits photos)
    # 1.0 for an exact match; lower when the tag was read through damaged characters (``?LKHA``)
    confidence: float = 1.0
    context: Excerpt | None = None


class SourceRef(Model):
    """A source the copy comes from, what part of the document it covers and its own verdict."""

    id: str
    name: str
    tags: list[str]
    role: Role = "origin"
    segments: list[int] = Field(default_factory=list)  # indexes into ``DocumentResult.segments``
    verdict: Verdict | None = None  # this source's decision; the document's is the strictest


class Notice(Model):
    type: NoticeType
    holder: str | None
    license: str | None
    text: str
    line: int
    column: int
    rule: str
    source: str | None = None
    scope: list[Scope] = Field(default_factory=list)


class Duty(Model):
    type: DutyType
    text: str
    source: str | None = None


class Reason(Model):
    rule: str
    message: str
    source: str | None = None
    line: int | None = None
    column: int | None = None
    quote: str | None = None


class Waiver(Model):
    """An editor's accepted decision: which rule it sets aside on which documents, why, and who approved it.

    ``path`` is a path or glob relative to the folder of the file that holds the
    waiver (``file``, at ``line``); an inline marker's ``path`` is its document.
    """

    path: str
    rule: str
    reason: str
    approved_by: str | None = None
    expires: date | None = None
    file: str
    line: int | None = None


class WaivedReason(Reason):
    """A reason an editor waived: still reported, with the verdict it carried and the waiver that set it aside."""

    verdict: Verdict
    waiver: Waiver


class Segment(Model):
    """A run of lines with one part to play: headline, dateline, body, credits (bylines, photo
    credits, signatures), rights notice, trailing content after the notice, or a quoted block."""

    kind: SegmentKind
    start_line: int
    end_line: int


class DocumentResult(Model):
    """One entry of the JSON report's ``documents`` list."""

    path: str
    verdict: Verdict
    sources: list[SourceRef] = Field(default_factory=list)
    notices: list[Notice] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    duties: list[Duty] = Field(default_factory=list)
    reasons: list[Reason] = Field(default_factory=list)
    warnings: list[Reason] = Field(default_factory=list)
    segments: list[Segment] = Field(default_factory=list)
    format: str = "text"
    encoding: str | None = None
    error: str | None = None
    # Reasons set aside by a waiver; they no longer count towards ``verdict``.
    waived: list[WaivedReason] = Field(default_factory=list)


class NotChecked(Model):
    """A file a folder walk found but did not check (an image, a PDF, a link to a folder)."""

    path: str
    type: str
    reason: str


class Summary(Model):
    documents: int = 0
    allow: int = 0
    review: int = 0
    deny: int = 0
    waived: int = 0  # waived reasons, over all documents
    not_checked: int = 0


class Report(Model):
    schema_: str = Field(SCHEMA, alias="schema")
    documents: list[DocumentResult]
    summary: Summary
    # Waivers that set nothing aside although every document they cover was checked in this run.
    unused_waivers: list[Waiver] = Field(default_factory=list)
    not_checked: list[NotChecked] = Field(default_factory=list)

    model_config = ConfigDict(populate_by_name=True)  # and, as every Model, extra="forbid", frozen, defer_build

    @classmethod
    def of(cls, results: Iterable[DocumentResult | NotChecked], unused_waivers: list[Waiver] | None = None) -> Report:
        """The report of a run's results: documents, and files seen but not checked, each sorted by path."""
        results = list(results)
        docs = sorted((r for r in results if isinstance(r, DocumentResult)), key=lambda d: d.path)
        skipped = sorted((r for r in results if isinstance(r, NotChecked)), key=lambda n: n.path)
        counts = {v: sum(d.verdict == v for d in docs) for v in VERDICT_RANK}
        waived = sum(len(d.waived) for d in docs)
        return cls(documents=docs, not_checked=skipped, unused_waivers=unused_waivers or [],
                   summary=Summary(documents=len(docs), waived=waived, not_checked=len(skipped), **counts))

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(by_alias=True, indent=indent)


# What an agreement may permit: the rules' actions plus the media a contract may cover.
Permit = Literal[Action, "photos", "video"]


class Agreement(Model):
    """A contract or subscription the publisher holds with a source."""

    source: str
    kind: Literal["subscription", "written_contract", "syndication", "open_licence"] = "subscription"
    permits: frozenset[Permit] | None = None
    territory: list[str] | None = None
    channels: list[str] | None = None
    starts: date | None = None
    expires: date | None = None
    credit: str | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Agreement:
        if self.starts and self.expires and self.starts > self.expires:
            raise ValueError(f"starts ({self.starts}) is after expires ({self.expires})")
        return self
