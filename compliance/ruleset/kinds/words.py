"""``words``: the words detection reads people and shared tag positions with, in every language.

A ``byline`` word opens a line that names the writer (``By Jane Doe``, ``Muhabir: Ayşe Arslan``),
whose initials may then close the story without being a tag (``(JD)``); a ``signoff`` phrase
names a contributor at the end (``Reporting by Jane Doe``); a ``tag-joiner`` joins the tags of
one position (``(dpa und AFP)``). Each role reads every word of every ``words`` rule it names.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from .base import RuleBase

KIND = "words"
Role = Literal["byline", "signoff", "tag-joiner"]


class Rule(RuleBase):
    kind: Literal["words"]
    role: Role
    words: list[str] = Field(min_length=1)

    @field_validator("words")
    @classmethod
    def _not_blank(cls, words: list[str]) -> list[str]:
        for word in words:
            if not word.strip() or word != word.strip():
                raise ValueError(f"{word!r} is blank or has spaces around it")
        return words
