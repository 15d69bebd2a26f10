"""NewsML-G2 items: body and rights from the feed, safe XML parsing."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance import Agreement, Checker
from compliance.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"
ITEM = FIXTURES / "afp-item.xml"


def test_agency_item_is_denied_on_its_rights_info(checker):
    result = checker.check_path(ITEM)
    assert (result.verdict, result.format) == ("deny", "newsml")
    assert [s.id for s in result.sources] == ["afp"]
    notices = {(n.type, n.source) for n in result.notices}
    assert notices == {("all_rights_reserved", "afp"), ("no_redistribution", "afp")}
    meta = {f.rule: f.text for f in result.findings if f.kind == "metadata"}
    assert meta["metadata.copyright_holder"] == "Agence France-Presse"
    assert meta["metadata.source"] == "AFP"  # provider and infoSource
    assert meta["metadata.credit"] == "AFP"
    assert meta["metadata.author"] == "Jane Roe"
    assert meta["metadata.pub_status"] == "usable"
    assert not any(r.rule == "policy.metadata-source-conflict" for r in result.reasons)


def test_item_text_positions_point_into_the_xml_file(checker):
    result = checker.check_path(ITEM)
    lines = ITEM.read_text().splitlines()
    tag = next(f for f in result.findings if f.kind == "source_tag")
    assert (tag.text, tag.position) == ("AFP", "dateline")
    assert lines[tag.line - 1][tag.column - 1:].startswith("AFP) - The ferry line")
    headline = next(s for s in result.segments if s.kind == "headline")
    assert "<headline>" in lines[headline.start_line - 1]
    holder = next(f for f in result.findings if f.rule == "metadata.copyright_holder")
    assert lines[holder.line - 1][holder.column - 1:].startswith("Agence France-Presse</name>")


def test_item_is_allowed_under_an_agreement():
    assert Checker(agreements=[Agreement(source="afp")]).check_path(ITEM).verdict == "allow"


@pytest.mark.parametrize("name", ["billion-laughs.xml", "external-entity.xml"])
def test_entity_tricks_are_refused_without_expanding_or_fetching(runner, name):
    result = runner.invoke(main, ["check", "--format", "json", str(FIXTURES / name)])
    assert result.exit_code == 3
    doc = json.loads(result.output)["documents"][0]
    assert doc["verdict"] == "review"
    assert "DOCTYPE or entity declarations is refused" in doc["error"]
    assert "lollol" not in result.output


def test_other_xml_is_reviewed_with_a_clear_message(checker, tmp_path):
    rss = tmp_path / "feed.xml"
    rss.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>')
    broken = tmp_path / "broken.xml"
    broken.write_text('<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/">\n<contentSet>\n</newsItem>')
    rss_result, broken_result = checker.check_path(rss), checker.check_path(broken)
    assert rss_result.verdict == broken_result.verdict == "review"
    assert "not NewsML-G2 (the root element is <rss>)" in rss_result.error
    assert "invalid XML at line 3" in broken_result.error


def test_picture_item_rights_are_the_photo_s(checker, tmp_path):
    item = tmp_path / "photo.xml"
    item.write_text(
        '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:p" version="1" standard="NewsML-G2">'
        '<rightsInfo><copyrightHolder><name>Reuters</name></copyrightHolder></rightsInfo>'
        '<itemMeta><itemClass qcode="ninat:picture"/><provider literal="Reuters"/></itemMeta>'
        '<contentMeta><creditline>REUTERS/Jane Roe</creditline></contentMeta></newsItem>')
    result = checker.check_path(item)
    meta = {f.rule: f.text for f in result.findings if f.kind == "metadata"}
    assert meta == {"metadata.photo_copyright_holder": "Reuters", "metadata.photo_credit": "REUTERS/Jane Roe"}
    assert [s.id for s in result.sources] == ["reuters"] and result.verdict == "deny"
