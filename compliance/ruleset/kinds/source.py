"""``source``: a registry entry for an agency or open publisher."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import RuleBase

KIND = "source"


class Rule(RuleBase):
    kind: Literal["source"]
    name: str = Field(min_length=1)
    name_en: str | None = None
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    type: Literal["agency", "photo_agency", "public_broadcaster", "government",
                  "cc_publisher", "press_release_wire", "publisher"] = "agency"
    tags: list[str] = Field(default_factory=list)
    names: list[str] = Field(default_factory=list)
    holders: list[str] = Field(default_factory=list)
    terms: str
    license: str | None = None
    credit: str | None = None
    url: str | None = None
    contact: str | None = None
    confirmed: list[str] = Field(default_factory=list)
    collisions: list[str] = Field(default_factory=list)

    def all_names(self) -> list[str]:
        """Every name under which the source may hold rights, without duplicates."""
        seen = [self.name, self.name_en or "", *self.names, *self.holders]
        return list(dict.fromkeys(n for n in seen if n))
