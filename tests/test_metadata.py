"""What the CMS declares with an article counts as evidence (``check_text(text, metadata=...)``)."""
from __future__ import annotations

from compliance import Agreement, Checker

STAFF_STORY = "Our reporter spoke to traders at the market on Saturday about rising prices."
WIRE_STORY = "Officials met on Monday to discuss the budget, the ministry said. (AFP)"


def meta_findings(result):
    return {f.rule: (f.text, f.source, f.line) for f in result.findings if f.kind == "metadata"}


def test_declared_source_that_the_text_contradicts_is_a_review_reason(checker):
    result = Checker(agreements=[Agreement(source="afp")]).check_text(WIRE_STORY, metadata={"source": "staff"})
    assert result.verdict == "review"
    conflict = next(r for r in result.reasons if r.rule == "policy.metadata-source-conflict")
    assert '"AFP"' in conflict.message and (conflict.line, conflict.quote) == (1, "AFP")
    assert meta_findings(result)["metadata.source"] == ("staff", None, 0)
    tag = next(f for f in result.findings if f.kind == "source_tag")
    assert tag.context is not None and tag.context.before.endswith("said. (")
    assert all(f.context is None for f in result.findings if f.kind == "metadata")  # not in the text


def test_declared_source_that_matches_the_text_is_no_conflict(checker):
    for declared in ("AFP", "afp", "Agence France-Presse", ["AFP", "Reuters"]):
        result = checker.check_text(WIRE_STORY, metadata={"source": declared})
        assert not any(r.rule == "policy.metadata-source-conflict" for r in result.reasons), declared


def test_a_photo_credit_is_no_conflict_with_a_staff_story(checker):
    result = checker.check_text(STAFF_STORY + "\nPhoto: AFP", metadata={"source": "staff"})
    assert not any(f.kind == "metadata_conflict" for f in result.findings)


def test_declared_agency_source_is_decided_like_a_tag(checker):
    result = checker.check_text(STAFF_STORY, metadata={"source": "Anadolu Ajansı"})
    assert [s.id for s in result.sources] == ["aa"]
    assert result.verdict == "deny"
    holder = next(f for f in result.findings if f.kind == "holder")
    assert (holder.rule, holder.source, holder.line) == ("metadata.source", "aa", 0)


def test_declared_creative_commons_licence_allows_with_its_duties(checker):
    for licence in ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"):
        result = checker.check_text(STAFF_STORY, metadata={"license": licence, "byline": "Sam Doe"})
        assert result.verdict == "allow", licence
        [notice] = result.notices
        assert (notice.type, notice.license, notice.line, notice.rule) == (
            "cc_license", "CC-BY-4.0", 0, "metadata.license")
        assert {d.type for d in result.duties} == {"attribute", "link_license"}
        assert meta_findings(result)["metadata.author"] == ("Sam Doe", None, 0)


def test_licence_flavours_are_kept(checker):
    result = checker.check_text(STAFF_STORY, metadata={"licence": "https://creativecommons.org/licenses/by-nc-nd/4.0/"})
    assert result.notices[0].license == "CC-BY-NC-ND-4.0"


def test_declared_licence_does_not_release_agency_copy(checker):
    result = checker.check_text(WIRE_STORY, metadata={"license": "CC-BY-4.0"})
    assert result.verdict == "deny"
    afp = next(r for r in result.reasons if r.source == "afp")
    assert afp.rule == "policy.subscription-default"


def test_licence_wording_goes_through_the_notice_rules(checker):
    result = checker.check_text(STAFF_STORY, metadata={"copyright": "© 2025 Anadolu Ajansı. Tüm hakları saklıdır."})
    assert result.verdict == "deny"
    [notice] = result.notices
    assert (notice.type, notice.source, notice.line) == ("all_rights_reserved", "aa", 0)


def test_photo_credit_names_a_source_without_the_article_licence_covering_it(checker):
    result = checker.check_text(STAFF_STORY, metadata={"license": "CC-BY-4.0", "photo_credit": "Jane Roe/AFP"})
    assert [s.id for s in result.sources] == ["afp"]
    assert result.verdict == "deny"
    assert next(n for n in result.notices).source is None


def test_url_on_an_agency_site_names_the_agency(checker):
    result = checker.check_text(STAFF_STORY, metadata={"url": "https://www.aa.com.tr/en/economy/markets/1"})
    assert [s.id for s in result.sources] == ["aa"]
    own = checker.check_text(STAFF_STORY, metadata={"url": "https://news.example.org/markets"})
    assert own.sources == []


def test_unknown_keys_are_ignored_and_other_facts_recorded(checker):
    result = checker.check_text(STAFF_STORY, metadata={"content_type": "opinion", "wordcount": 14,
                                                       "tdm-reservation": 1})
    assert meta_findings(result) == {"metadata.content_type": ("opinion", None, 0),
                                     "metadata.tdm_reservation": ("1", None, 0)}
    assert result.verdict == "review"  # facts without rights: still no evidence of permission


def test_names_in_credits_and_copyright_lines_resolve_as_agencies_write_them(checker):
    named = {"credit": "Jane Roe/AFP", "copyright": "© AFP 2025", "holder": "Copyright 2024-2025 Anadolu Ajansı",
             "photo_credit": "Foto: AA", "source": "afp"}
    for key, value in named.items():
        result = checker.check_text(STAFF_STORY, metadata={key: value})
        assert [s.id for s in result.sources] in (["afp"], ["aa"]), (key, value)


def test_a_byline_that_spells_an_agency_tag_is_a_person(checker):
    """ANA, SANA and AA are agencies; Ana, Sana Khan and "Aa" in a byline are not."""
    for byline in ("Ana", "Ana Silva", "Sana Khan", "Aa"):
        assert checker.check_text(STAFF_STORY, metadata={"byline": byline}).sources == [], byline
    assert [s.id for s in checker.check_text(STAFF_STORY, metadata={"credit": "SANA"}).sources] == ["sana"]
