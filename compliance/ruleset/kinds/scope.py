"""``scope``: words in a notice that say which material it covers (news text, photos, video)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from ...models import Scope
from .base import RuleBase

KIND = "scope"


class Rule(RuleBase):
    kind: Literal["scope"]
    scope: Scope
    words: list[str] = Field(min_length=1)
