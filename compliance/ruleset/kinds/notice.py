"""``notice``: a rights-notice phrase family and the terms it implies."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from ...models import NoticeType
from .base import RuleBase
from .terms import TermsSpec

KIND = "notice"


class Rule(RuleBase):
    kind: Literal["notice"]
    type: NoticeType
    language: str = Field(pattern=r"^[a-z]{2,3}$")
    # Literal words that must occur in every match: the prefilter looks for
    # these, and the pattern runs only on the lines around them.
    keywords: list[str] = Field(min_length=1)
    pattern: str = Field(min_length=1)
    terms: str | TermsSpec
