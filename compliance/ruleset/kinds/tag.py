"""``tag``: where in a document an agency tag counts as the origin of the copy."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from ...models import Scope
from .base import RuleBase

KIND = "tag"


class Rule(RuleBase):
    kind: Literal["tag"]
    position: Literal["dateline", "closing", "credit", "signature"]
    # A regular expression; ``{tag}`` stands for the agency tag, ``{tags}`` for one or more
    # tags joined by ``/``, ``,`` or ``and`` (``(dpa/AFP)``). Without either the rule must
    # name its ``source`` (a signature form, say).
    pattern: str = Field(min_length=1)
    # What the credited material is; unset, the scope words on the line decide (``Photo:``
    # means photos), else the text.
    material: Scope | None = None
    source: str | None = None
    keywords: list[str] = Field(default_factory=list)
    unknown: bool = False
