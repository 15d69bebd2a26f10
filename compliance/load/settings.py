"""How inputs are read: the legacy encodings to consider and where a CMS export keeps each field.

Set under ``inputs:`` in the config file::

    inputs:
      encodings: [windows-1254, windows-1252]
      max_file_mb: 20
      cms_json:
        body: [body_html, content.rendered]
        byline: author.name
"""
from __future__ import annotations

import codecs
from typing import Any

from pydantic import Field, field_validator

from ..models import Model
from .read import MB


def _listed(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class CmsFields(Model):
    """Field names in a CMS JSON export, tried in order; ``a.b`` reads field ``b`` of object ``a``."""

    body: list[str] = Field(default_factory=lambda: ["body", "content", "text"], min_length=1)
    title: list[str] = Field(default_factory=lambda: ["title", "headline"])
    source: list[str] = Field(default_factory=lambda: ["source"])
    license: list[str] = Field(default_factory=lambda: ["license"])
    byline: list[str] = Field(default_factory=lambda: ["author", "byline"])

    _one_or_many = field_validator("*", mode="before")(classmethod(lambda cls, v: _listed(v)))


class InputSettings(Model):
    # Single-byte encodings a file that is not UTF-8 may be in; detection chooses among them.
    encodings: list[str] = Field(
        default_factory=lambda: ["windows-1254", "windows-1256", "windows-1252", "iso-8859-9"], min_length=1)
    cms_json: CmsFields = CmsFields()
    # A bigger file is reported as not checked (review) without being read whole.
    max_file_mb: float = Field(20, gt=0)

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * MB)

    @field_validator("encodings", mode="before")
    @classmethod
    def _known(cls, value: Any) -> Any:
        for name in _listed(value) or ():
            try:
                codecs.lookup(name)
            except (LookupError, TypeError):
                raise ValueError(f"unknown encoding '{name}'") from None
        return _listed(value)
