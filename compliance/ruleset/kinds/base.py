"""What every rule kind shares: an id, a description and its own test examples."""
from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from ...models import Agreement, Model, Verdict

ID_PATTERN = r"^[a-z0-9][a-z0-9_.\-]*$"


class Example(Model):
    """A text the rule must (or must not) match, with what the match must extract."""

    text: str
    tag: str | None = None
    source: str | None = None
    holder: str | None = None
    license: str | None = None
    quote: str | None = None
    # Agreements the publisher holds while this example is checked: a source id, or a
    # mapping with the Agreement fields (source, kind, permits, starts, expires, credit).
    agreements: list[Agreement] = Field(default_factory=list)
    metadata: dict[str, str | list[str]] = Field(default_factory=dict)  # what a CMS declares with the text
    verdict: Verdict | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_str(cls, data: Any) -> Any:
        return {"text": data} if isinstance(data, str) else data

    @field_validator("agreements", mode="before")
    @classmethod
    def _agreement_ids(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        return [{"source": a} if isinstance(a, str) else a for a in value]


class Examples(Model):
    match: list[Example] = Field(default_factory=list)
    no_match: list[Example] = Field(default_factory=list)


class RuleBase(Model):
    id: str = Field(pattern=ID_PATTERN)
    description: str = ""
    examples: Examples = Field(default_factory=Examples)
