"""The attribution view of a report: the credit lines owed, per source and per document."""
from __future__ import annotations

from ..models import Model, Report

ATTRIBUTION_SCHEMA = "compliance-attribution/1"


class SourceCredit(Model):
    source: str
    name: str
    credit: str
    license: str | None = None
    license_url: str | None = None
    documents: list[str]


class DocumentCredits(Model):
    path: str
    verdict: str
    credits: list[str]


class Attribution(Model):
    schema_version: str = ATTRIBUTION_SCHEMA
    sources: list[SourceCredit]
    documents: list[DocumentCredits]


def build_attribution(report: Report) -> Attribution:
    """Credits come from the duties the decision assigned, so they are exactly what is owed."""
    by_source: dict[str, dict] = {}
    documents = []
    for doc in report.documents:
        credits = [d.text for d in doc.duties if d.type == "attribute"]
        if doc.verdict == "allow" and credits:
            documents.append(DocumentCredits(path=doc.path, verdict=doc.verdict, credits=credits))
        names = {s.id: s.name for s in doc.sources}
        licenses = {d.source: d.text for d in doc.duties if d.type == "link_license"}
        for duty in doc.duties:
            if duty.type != "attribute" or doc.verdict != "allow":
                continue
            key = duty.source or duty.text
            entry = by_source.setdefault(key, {
                "source": key, "name": names.get(duty.source, duty.text), "credit": duty.text,
                "documents": []})
            if duty.source in licenses:
                spdx, _, url = licenses[duty.source].partition(" ")
                entry.update(license=spdx, license_url=url or None)
            if doc.path not in entry["documents"]:
                entry["documents"].append(doc.path)
    sources = [SourceCredit(**e) for e in sorted(by_source.values(), key=lambda e: e["name"].lower())]
    return Attribution(sources=sources, documents=documents)
