"""``terms``: a named set of rights terms (a registry default such as ``subscription``)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from ...models import Action, Constraint, DutyType, Model, Requirement, Scope
from .base import RuleBase

KIND = "terms"


class TermsSpec(Model):
    permits: list[Action] = Field(default_factory=list)
    prohibits: list[Action] = Field(default_factory=list)
    requires: list[Requirement] = Field(default_factory=list)
    duties: list[DutyType] = Field(default_factory=list)
    constraints: list[Constraint] = Field(default_factory=list)
    scope: list[Scope] = Field(default_factory=list)
    license: str | None = None
    public_domain: bool = False
    known: bool = True


class Rule(RuleBase, TermsSpec):
    kind: Literal["terms"]
    label: str = ""
