"""Reading real pages: positions, context, segments, several sources, and whose notice it is."""
from __future__ import annotations

import json

from compliance import Agreement, Checker
from compliance.cli import main

MERGED = """Floods hit two continents

WASHINGTON (AP) — Heavy rain flooded parts of three southern states on Monday, closing schools.
Forecasters said more storms were on the way.

PARIS (AFP) - In Europe, rivers in the north of France burst their banks after a week of rain.
Several villages were evacuated overnight.
"""

CC_WITH_AGENCY_PHOTO = """Farmers turn to drip irrigation

Farmers in the valley have cut their water use by a third since switching to drip irrigation.
Photo: AFP
This article is licensed under a Creative Commons Attribution 4.0 International License.
"""


def _covered(result, sid):
    ref = next(s for s in result.sources if s.id == sid)
    return [(result.segments[i].kind, result.segments[i].start_line) for i in ref.segments]


def test_merged_copy_lists_every_source_with_the_segments_it_covers(checker):
    result = checker.check_text(MERGED)
    assert [(s.id, s.role, s.verdict) for s in result.sources] == [("ap", "origin", "deny"), ("afp", "origin", "deny")]
    assert _covered(result, "ap") == [("dateline", 3), ("body", 4)]
    assert _covered(result, "afp") == [("dateline", 6), ("body", 7)]
    assert result.verdict == "deny"


def test_strictest_source_decides_and_an_agreement_clears_only_its_own_source():
    result = Checker(agreements=[Agreement(source="ap")]).check_text(MERGED)
    assert {s.id: s.verdict for s in result.sources} == {"ap": "allow", "afp": "deny"}
    assert result.verdict == "deny"


def test_open_licence_does_not_cover_an_agency_photo(checker):
    result = checker.check_text(CC_WITH_AGENCY_PHOTO)
    assert result.verdict == "deny"
    [afp] = result.sources
    assert (afp.id, afp.role) == ("afp", "photo")
    photo = next(r for r in result.reasons if r.source == "afp")
    assert photo.rule == "policy.photo-reserved" and "photo or graphic credited to Agence France-Presse" in photo.message
    assert photo.line == 4
    assert any(r.rule == "policy.unlinked-open-licence" for r in result.reasons)  # the text itself is CC BY


def test_host_footer_never_releases_wire_copy(checker):
    result = checker.check_text("LONDON, May 2 (Reuters) - House prices rose for a third month.\n"
                                "Content on this site is licensed under a Creative Commons Attribution 4.0 "
                                "International License.\n")
    assert result.verdict == "deny"
    assert result.notices and {n.source for n in result.notices} == {None}  # the footer is the host's, not Reuters'
    assert next(r for r in result.reasons if r.source == "reuters").rule == "policy.subscription-default"


def test_state_agency_with_unknown_terms_is_review_with_the_reason(checker):
    result = checker.check_text("TEHRAN (IRNA) - The oil ministry said exports rose in the first quarter.")
    assert result.verdict == "review"
    assert "terms of خبرگزاری جمهوری اسلامی are not known" in result.reasons[0].message


def test_empty_brackets_where_a_tag_stood_are_a_stripped_tag(checker):
    result = checker.check_text("ANKARA () - Officials met on Monday to discuss the new budget.")
    [stripped] = [f for f in result.findings if f.kind == "stripped_tag"]
    assert (stripped.text, stripped.position, stripped.column) == ("()", "dateline", 8)
    assert result.verdict == "review" and any(r.rule == "policy.stripped-tag" for r in result.reasons)


def test_damaged_letters_are_read_tolerantly_with_low_confidence(checker):
    result = checker.check_text("D?YARBAKIR (?LKHA) - Yetkililer toplantı yaptı.")
    tag = next(f for f in result.findings if f.kind == "source_tag")
    assert (tag.text, tag.source) == ("?LKHA", "ilkha") and tag.confidence < 1
    assert {r.rule for r in result.reasons} >= {"policy.uncertain-source", "policy.subscription-default"}


def test_mojibake_tag_is_repaired_for_matching(checker):
    result = checker.check_text("Olayla ilgili soruşturma başlatıldı. (Ä°LKHA)")
    assert [s.id for s in result.sources] == ["ilkha"]
    assert any(f.kind == "damaged_text" for f in result.findings)


def test_a_quoted_notice_is_not_the_pages_notice(checker):
    text = ("The agency sent a letter. “All rights reserved. No part of this image may be reproduced without "
            "the prior written permission of the agency,” the letter said.\n"
            "This article is licensed under a Creative Commons Attribution 4.0 International License.\n")
    result = checker.check_text(text)
    assert {n.type for n in result.notices} == {"cc_license"}
    assert {f.kind for f in result.findings} >= {"quoted_notice"}
    assert result.verdict == "allow"


def test_rights_in_another_sense_are_not_a_notice(checker):
    result = checker.check_text("The court ruled on Monday.\n"
                                "All rights to the grazing land are reserved by the villagers, the judges said.\n")
    assert result.notices == []


def test_permission_granted_to_a_named_partner_is_not_yours(checker):
    result = checker.check_text("Residents now run the cinema as a cooperative.\n"
                                "Republished with permission of Example Wire.\n")
    assert result.verdict == "review"
    assert any(r.rule == "policy.named-partner" and "Example Wire" in r.message for r in result.reasons)


def test_abbreviations_after_their_names_and_author_initials_are_not_tags(checker):
    text = ("Village school gets new roof\nBy Jane Doe\n\n"
            "Auswärtiges Amt (AA): Reisewarnung für die Region aufgehoben\n"
            "İnsansız hava aracı (İHA): tarımda yeni dönem başlıyor\n"
            "Work will begin in the summer holidays. (JD)\n")
    result = checker.check_text(text)
    assert not [f for f in result.findings if f.kind in ("source_tag", "unknown_tag")]


def test_trailing_teasers_are_reported_under_the_page_notice(checker):
    from .conftest import AGENCY_PAGE
    result = checker.check_text(AGENCY_PAGE + "ANKARA (AA) - Parliament will debate the budget next week.\n")
    assert [s.id for s in result.sources] == ["ilkha"]  # a teaser's tag is not this page's copy
    [warning] = result.warnings
    assert warning.rule == "trailing-content" and "İlke Haber Ajansı" in warning.message


def test_cli_json_reports_roles_segments_and_confidence(runner, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(CC_WITH_AGENCY_PHOTO, encoding="utf-8")
    result = runner.invoke(main, ["check", "--format", "json", str(page)])
    assert result.exit_code == 1
    doc = json.loads(result.output)["documents"][0]
    [source] = doc["sources"]
    assert (source["id"], source["role"], source["verdict"]) == ("afp", "photo", "deny")
    assert [doc["segments"][i]["kind"] for i in source["segments"]] == ["credits"]
    credit = next(f for f in doc["findings"] if f["kind"] == "credit")
    assert (credit["material"], credit["confidence"], credit["segment"]) == ("photos", 1.0, source["segments"][0])
