"""The attribution view of a report: the credit lines owed, per source and per document.

Credits come from the duties the decision assigned to allowed documents, so they
are exactly what is owed. Material credited from its own notice (a Creative
Commons or public-domain notice that names no registered source) is grouped
under that notice's holder, or under the kind of notice when it names none.
"""
from __future__ import annotations

from ..models import DocumentResult, Duty, Model, Report

ATTRIBUTION_SCHEMA = "compliance-attribution/1"
UNREGISTERED = {
    "cc_license": "Creative Commons material",
    "public_domain": "Public-domain material",
    "attribution_required": "Material free to reuse with credit",
    "permission_granted": "Material used with permission",
}


class SourceCredit(Model):
    source: str | None  # the registry id; None for material credited from its own notice
    name: str
    credit: str
    license: str | None = None
    license_url: str | None = None
    link: str | None = None  # where the credit must link to, when the source asks for a link
    documents: list[str]


class DocumentCredits(Model):
    path: str
    verdict: str
    credits: list[str]  # the exact lines to print with the article


class Attribution(Model):
    schema_version: str = ATTRIBUTION_SCHEMA
    sources: list[SourceCredit]
    documents: list[DocumentCredits]
    not_covered: list[str]  # documents not allowed: no credit makes them publishable


def build_attribution(report: Report) -> Attribution:
    groups: dict[tuple[str | None, str, str | None], dict] = {}
    documents, not_covered = [], []
    for doc in report.documents:
        if doc.verdict != "allow":
            not_covered.append(doc.path)
            continue
        lines = []
        for sid, duties in _by_source(doc.duties).items():
            if "attribute" not in duties:
                continue
            credit = duties["attribute"]
            spdx, _, url = duties.get("link_license", "").partition(" ")
            entry = groups.setdefault((sid, credit, spdx or None), {
                "source": sid, "name": _name(doc, sid), "credit": credit, "license": spdx or None,
                "license_url": url or None, "link": duties.get("link_source"), "documents": []})
            entry["documents"].append(doc.path)
            lines.append(credit_line(entry))
            if "keep_notice" in duties:
                lines.append(duties["keep_notice"])
        documents.append(DocumentCredits(path=doc.path, verdict=doc.verdict, credits=lines))
    sources = sorted(groups.values(), key=lambda e: (e["name"].lower(), e["credit"], e["license"] or ""))
    return Attribution(sources=[SourceCredit(**e) for e in sources], documents=documents, not_covered=not_covered)


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


def _by_source(duties: list[Duty]) -> dict[str | None, dict[str, str]]:
    out: dict[str | None, dict[str, str]] = {}
    for d in duties:
        out.setdefault(d.source, {}).setdefault(d.type, d.text)
    return out


def _name(doc: DocumentResult, sid: str | None) -> str:
    if sid is not None:
        return next((s.name for s in doc.sources if s.id == sid), sid)
    notice = next((n for n in doc.notices if n.source is None and n.type in UNREGISTERED), None)
    if notice is None:
        return "Material credited as its notice asks"
    return notice.holder or UNREGISTERED[notice.type]
