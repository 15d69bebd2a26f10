"""The library API as a CMS would call it."""
from __future__ import annotations

import json

from compliance import Agreement, Checker, DocumentResult

from .conftest import AGENCY_PAGE


def test_agency_page_without_agreement_is_denied_with_quoted_notice(checker):
    result = checker.check_text(AGENCY_PAGE, path="a.txt")
    assert isinstance(result, DocumentResult)
    assert result.verdict == "deny"
    assert [(s.id, s.name, s.tags) for s in result.sources] == [("ilkha", "İlke Haber Ajansı", ["ILKHA"])]
    reason = result.reasons[0]
    assert reason.rule == "policy.contract-required"
    assert "written contract or subscription" in reason.quote
    assert "ilkha.com" in reason.message  # the remedy names whom to contact
    assert result.duties == []


def test_tag_and_holder_link_to_one_source_with_exact_positions(checker):
    result = checker.check_text(AGENCY_PAGE, path="a.txt")
    tag = next(f for f in result.findings if f.kind == "source_tag")
    assert (tag.text, tag.line, tag.source, tag.position) == ("ILKHA", 4, "ilkha", "closing")
    assert AGENCY_PAGE[tag.start:tag.end] == "ILKHA"
    assert tag.column == AGENCY_PAGE.splitlines()[3].index("ILKHA") + 1
    holder = next(f for f in result.findings if f.kind == "holder")
    assert holder.source == "ilkha"
    assert holder.text.startswith("İlke Haber Ajansı")
    notices = {n.type: n for n in result.notices}
    assert set(notices) == {"all_rights_reserved", "contract_required"}
    assert notices["contract_required"].scope == ["text", "photos", "video"]


def test_agreement_turns_deny_into_allow_with_attribution():
    result = Checker(agreements=[Agreement(source="ilkha", kind="subscription")]).check_text(AGENCY_PAGE)
    assert result.verdict == "allow"
    assert [(d.type, d.text) for d in result.duties] == [("attribute", "ILKHA")]
    assert result.reasons[0].rule == "policy.agreement-covers"


def test_trailing_teasers_are_separate_segments_and_pca_is_no_tag(checker):
    result = checker.check_text(AGENCY_PAGE)
    kinds = [(s.kind, s.start_line) for s in result.segments]
    assert kinds == [("headline", 1), ("body", 3), ("notice", 5), ("trailing", 6), ("trailing", 7)]
    assert not any(f.text == "PCA" for f in result.findings if f.kind in ("source_tag", "unknown_tag"))


def test_result_serialises_like_one_json_document_entry(checker):
    data = json.loads(checker.check_text(AGENCY_PAGE, path="a.txt").model_dump_json())
    assert {"path", "verdict", "sources", "notices", "findings", "duties", "reasons"} <= set(data)
    assert data["notices"][0].keys() >= {"type", "holder", "license", "text", "line", "column"}


def test_no_evidence_is_review_not_allow(checker):
    result = checker.check_text("Our reporter spoke to traders at the market on Saturday.")
    assert result.verdict == "review"
    assert result.reasons[0].rule == "policy.no-evidence"


def test_source_without_notice_falls_back_to_registry_terms(checker):
    result = checker.check_text("WASHINGTON (AP) — Lawmakers met on Tuesday to debate the budget.")
    assert result.verdict == "deny"
    assert result.reasons[0].rule == "policy.subscription-default"


def test_mentions_and_abbreviations_are_not_origins(checker):
    text = ("The case goes to the International Court of Justice (ICJ), according to Reuters.\n"
            "The company told Reuters it was confident. NATO has stepped up patrols (NATO).\n")
    result = checker.check_text(text)
    assert result.sources == []
    assert any(f.kind == "mention" and f.source == "reuters" for f in result.findings)
    assert result.verdict == "review"


def test_unknown_closing_tag_leads_to_review(checker):
    result = checker.check_text("Officials met on Monday to discuss the new budget. (XYZA)")
    assert result.verdict == "review"
    assert [f.text for f in result.findings if f.kind == "unknown_tag"] == ["XYZA"]


def test_turkish_case_folding_links_dotted_capital_i(checker):
    result = checker.check_text("DİYARBAKIR (İLKHA) - Yetkililer toplantı yaptı.")
    assert [s.id for s in result.sources] == ["ilkha"]


def test_expired_agreement_denies_and_says_when():
    from datetime import date

    checker = Checker(agreements=[Agreement(source="ilkha", expires=date(2025, 1, 31))], as_of=date(2025, 3, 1))
    result = checker.check_text(AGENCY_PAGE)
    assert result.verdict == "deny"
    assert result.reasons[0].rule == "policy.agreement-expired"
    assert "expired on 2025-01-31" in result.reasons[0].message
