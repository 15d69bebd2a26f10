"""The attribution view of a report: the credit lines owed, per source and per document.

Credits come from the duties the decision assigned to allowed documents, so they
are exactly what is owed. Material credited from its own notice (a Creative
Commons or public-domain notice that names no registered source) is grouped
under that notice's holder, or under the kind of notice when it names none.
"""
from __future__ import annotations

from typing import Any

from .spool import SpooledReport

ATTRIBUTION_SCHEMA = "compliance-attribution/1"
UNREGISTERED = {
    "cc_license": "Creative Commons material",
    "public_domain": "Public-domain material",
    "attribution_required": "Material free to reuse with credit",
    "permission_granted": "Material used with permission",
}


def build_attribution(report: SpooledReport) -> dict[str, Any]:
    """The credits owed, as templates receive them: ``schema_version``, ``sources`` (one entry per credit
    line: ``source``, ``name``, ``credit``, ``license``, ``license_url``, ``link``, ``documents``),
    ``documents`` (``path``, ``verdict``, ``credits``) and ``not_covered``. Only the allowed documents
    are read back from the spool."""
    groups: dict[tuple[str | None, str, str | None], dict] = {}
    documents, not_covered = [], []
    for entry in report.index:
        if entry.verdict != "allow":
            not_covered.append(entry.path)
            continue
        doc = report.document(entry)
        lines = []
        for sid, duties in _by_source(doc["duties"]).items():
            if "attribute" not in duties:
                continue
            credit = duties["attribute"]
            spdx, _, url = duties.get("link_license", "").partition(" ")
            group = groups.setdefault((sid, credit, spdx or None), {
                "source": sid, "name": _name(doc, sid), "credit": credit, "license": spdx or None,
                "license_url": url or None, "link": duties.get("link_source"), "documents": []})
            group["documents"].append(entry.path)
            lines.append(credit_line(group))
            if "keep_notice" in duties:
                lines.append(duties["keep_notice"])
        documents.append({"path": entry.path, "verdict": entry.verdict, "credits": lines})
    sources = sorted(groups.values(), key=lambda g: (g["name"].lower(), g["credit"], g["license"] or ""))
    return {"schema_version": ATTRIBUTION_SCHEMA, "sources": sources, "documents": documents,
            "not_covered": not_covered}


def credit_line(entry: dict) -> str:
    """``Credit (link), licensed under LICENCE (licence link)``: what to print with the article."""
    line = entry["credit"]
    if entry["link"] and entry["link"] != line:
        line += f" ({entry['link']})"
    if entry["license"]:
        line += f", licensed under {entry['license']}"
        if entry["license_url"]:
            line += f" ({entry['license_url']})"
    return line


def _by_source(duties: list[dict]) -> dict[str | None, dict[str, str]]:
    out: dict[str | None, dict[str, str]] = {}
    for d in duties:
        out.setdefault(d["source"], {}).setdefault(d["type"], d["text"])
    return out


def _name(doc: dict, sid: str | None) -> str:
    if sid is not None:
        return next((s["name"] for s in doc["sources"] if s["id"] == sid), sid)
    notice = next((n for n in doc["notices"] if n["source"] is None and n["type"] in UNREGISTERED), None)
    if notice is None:
        return "Material credited as its notice asks"
    return notice["holder"] or UNREGISTERED[notice["type"]]
