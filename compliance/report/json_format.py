"""``--format json``: the report contract (schema ``compliance-report/1``).

The JSON Schema of this output ships in the package as
``compliance/schema/report.schema.json``; ``report_schema()`` generates it from
the models, and a test keeps the shipped file equal to it.
"""
from __future__ import annotations

import json
from importlib import resources

from ..models import SCHEMA, Report
from .options import FormatOptions

SCHEMA_ID = "urn:news-compliance:schema:compliance-report-1"


def render(report: Report, options: FormatOptions) -> str:
    return report.to_json() + "\n"


def report_schema() -> dict:
    schema = Report.model_json_schema(by_alias=True, mode="serialization")
    schema["properties"]["schema"]["const"] = SCHEMA
    # The report always carries every field, defaults included: consumers may rely on each one.
    for obj in [schema, *schema["$defs"].values()]:
        obj["required"] = list(obj["properties"])
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            **schema, "title": f"news-compliance report ({SCHEMA})"}


def schema_text() -> str:
    return json.dumps(report_schema(), indent=2, ensure_ascii=False) + "\n"


def shipped_schema() -> dict:
    return json.loads(resources.files("compliance").joinpath("schema/report.schema.json").read_text("utf-8"))
