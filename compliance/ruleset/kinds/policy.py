"""``policy``: maps what was found (and the agreements held) to a verdict, duties and a reason."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from ...models import Action, DutyType, FindingKind, Model, NoticeType, Requirement, Role
from .base import RuleBase
from .source import Rule as SourceRule

KIND = "policy"
SourceType = SourceRule.model_fields["type"].annotation  # the registry's own list of source types


class When(Model):
    """Conditions, all of which must hold. Unset conditions match anything."""

    # per source
    agreement: Literal["none", "valid", "expired", "not_started", "insufficient", "any"] = "any"
    notice: Literal["present", "absent", "any"] = "any"
    terms_known: bool | None = None
    license: bool | None = None
    public_domain: bool | None = None
    requires_any: list[Requirement] = Field(default_factory=list)
    prohibits_any: list[Action] = Field(default_factory=list)
    prohibits_none: list[Action] = Field(default_factory=list)
    permits_all: list[Action] = Field(default_factory=list)
    requires_none: bool | None = None
    source_type: list[SourceType] = Field(default_factory=list)
    role: list[Role] = Field(default_factory=list)  # what the source's copy is here (a photo only, say)
    # per document
    sources: Literal["none", "some", "any"] = "any"
    notices: Literal["none", "some", "any"] = "any"
    has_findings: list[FindingKind] = Field(default_factory=list)
    unlinked_notice: list[NoticeType] = Field(default_factory=list)
    uncertain: bool | None = None  # a source was read through damaged characters


DOCUMENT_CONDITIONS = frozenset({"sources", "notices", "has_findings", "unlinked_notice", "uncertain"})
SOURCE_CONDITIONS = frozenset(When.model_fields) - DOCUMENT_CONDITIONS


class Rule(RuleBase):
    kind: Literal["policy"]
    scope: Literal["source", "document"] = "source"
    when: When = Field(default_factory=When)
    # Source-scope policies are tried highest priority first, then in file order.
    priority: int = 0
    verdict: Literal["allow", "review", "deny"]
    duties: list[DutyType] = Field(default_factory=list)
    message: str = Field(min_length=1)
