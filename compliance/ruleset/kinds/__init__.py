"""The closed set of rule kinds; rule files pick one with ``kind:`` and fill in data."""
from __future__ import annotations

from typing import Annotated, Union

from pydantic import ConfigDict, Field, TypeAdapter

from . import notice, policy, scope, source, tag, terms, words

MODULES = (source, tag, notice, terms, policy, scope, words)
KINDS = {m.KIND: m.Rule for m in MODULES}

AnyRule = Annotated[Union[tuple(m.Rule for m in MODULES)], Field(discriminator="kind")]  # noqa: UP007
# Built when the first rule file is parsed, as the rule models are (see ``models.Model``).
RULE_ADAPTER: TypeAdapter[AnyRule] = TypeAdapter(AnyRule, config=ConfigDict(defer_build=True))
