"""Saved web pages: the article's text, the page's rights metadata, positions in the HTML file."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance import Agreement, Checker
from compliance.cli import main
from compliance.load import load_path

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"
AGENCY_PAGE = FIXTURES / "agency-page.html"
CC_PAGE = FIXTURES / "cc-page.html"


def source_at(path: Path, line: int, column: int, encoding: str = "utf-8") -> str:
    """The original file from ``line:column`` to the end of that line."""
    return path.read_text(encoding=encoding).splitlines()[line - 1][column - 1:]


def test_agency_page_is_denied_for_the_wire_copy_and_the_photo(checker):
    result = checker.check_path(AGENCY_PAGE)
    assert (result.verdict, result.format, result.encoding) == ("deny", "html", "utf-8")
    assert sorted(s.id for s in result.sources) == ["afp", "ilkha"]
    [notice] = result.notices
    assert (notice.type, notice.holder, notice.source) == ("all_rights_reserved", "Harbour Daily", None)
    assert {r.rule for r in result.reasons} == {"policy.subscription-default", "policy.photo-reserved",
                                                "policy.unlinked-reservation"}


def test_every_position_points_into_the_html_file(checker):
    result = checker.check_path(AGENCY_PAGE)
    in_text = [f for f in result.findings if f.kind != "metadata"]
    assert {f.kind for f in in_text} >= {"source_tag", "credit", "notice"}
    for f in in_text:
        assert source_at(AGENCY_PAGE, f.line, f.column).startswith(f.text), f
    tag = next(f for f in result.findings if f.kind == "source_tag")
    assert (tag.text, tag.line) == ("ILKHA", 32)
    for r in result.reasons:
        assert source_at(AGENCY_PAGE, r.line, r.column).startswith(r.quote)
    notice = result.notices[0]
    assert source_at(AGENCY_PAGE, notice.line, notice.column).startswith(notice.text)
    assert [(s.kind, s.start_line, s.end_line) for s in result.segments] == [
        ("headline", 27, 27), ("credits", 28, 28), ("body", 29, 30), ("credits", 31, 31), ("body", 32, 32),
        ("notice", 37, 37)]


@pytest.mark.parametrize("name", ["agency-page.html", "cc-page.html", "cms-export.json", "afp-item.xml"])
def test_every_letter_of_the_text_maps_to_itself_in_the_source(name):
    doc = load_path(FIXTURES / name)
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    for i, ch in enumerate(doc.text):
        if ch.isalnum():
            line, column = doc.source_position(i)
            assert lines[line - 1][column - 1] == ch, (i, ch)


def test_page_chrome_is_dropped_but_rights_lines_and_credits_stay():
    text = load_path(AGENCY_PAGE).text
    for chrome in ("World", "Reuters feed", "AA (AA) wins the cup", "About us", "track(", ".menu"):
        assert chrome not in text
    lines = text.splitlines()
    assert lines[0] == "Ferry line to reopen after repairs"
    assert "Photo: Jane Roe / AFP" in lines
    assert lines[-1] == "© 2025 Harbour Daily. All rights reserved."
    assert "40\u00a0liras & children" in text  # entities decoded


def test_page_metadata_is_read_with_its_place_in_the_file(checker):
    result = checker.check_path(AGENCY_PAGE)
    meta = {f.rule: f for f in result.findings if f.kind == "metadata"}
    assert meta["metadata.publisher"].text == "Harbour Daily"
    assert meta["metadata.copyright_notice"].text == "© 2025 Harbour Daily"
    assert meta["metadata.credit"].source == "ilkha"
    assert meta["metadata.photo_credit"].source == "afp"
    for f in meta.values():
        assert source_at(AGENCY_PAGE, f.line, f.column).startswith(f.text), f


def test_open_licence_covers_the_article_but_not_the_agency_photo(checker):
    result = checker.check_path(CC_PAGE)
    assert result.verdict == "deny"
    assert [s.id for s in result.sources] == ["afp"]
    licences = {(n.license, n.holder, n.source) for n in result.notices if n.type == "cc_license"}
    assert licences == {("CC-BY-4.0", None, None), ("CC-BY-4.0", "River Notes", None)}
    afp = next(r for r in result.reasons if r.source == "afp")
    assert afp.rule == "policy.photo-reserved"
    meta = {f.rule: f.text for f in result.findings if f.kind == "metadata"}
    assert meta["metadata.license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert meta["metadata.tdm_reservation"] == "1"
    assert meta["metadata.photo_copyright_holder"] == "Agence France-Presse"


def test_with_a_photo_agreement_the_open_article_is_allowed_with_its_duties():
    result = Checker(agreements=[Agreement(source="afp")]).check_path(CC_PAGE)
    assert result.verdict == "allow"
    assert {(d.type, d.source) for d in result.duties} >= {("attribute", "afp"), ("link_license", None)}


@pytest.mark.parametrize(("encoding", "declared"), [("windows-1254", "windows-1254"), ("iso-8859-9", "iso-8859-9")])
def test_legacy_page_uses_its_declared_charset_and_keeps_columns(checker, tmp_path, encoding, declared):
    page = (f'<html><head><meta charset="{declared}"><title>Haber</title></head>\n<body><article>\n'
            "<h1>Çarşıda yürüyüş</h1>\n"
            "<p>DİYARBAKIR (İLKHA) - Öğrenciler &quot;ılık&quot; bir sabahta çarşıda yürüdü.</p>\n"
            "</article></body></html>\n")
    path = tmp_path / "haber.html"
    path.write_bytes(page.encode(encoding))
    result = checker.check_path(path)
    assert (result.encoding, result.verdict) == (declared, "deny")
    tag = next(f for f in result.findings if f.kind == "source_tag")
    assert (tag.text, tag.line) == ("İLKHA", 4)
    assert source_at(path, tag.line, tag.column, encoding).startswith("İLKHA")


def test_folder_audit_picks_up_pages_exports_and_feeds(runner, tmp_path):
    for name in ("agency-page.html", "cms-export.json", "afp-item.xml"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    (tmp_path / "old.htm").write_bytes((FIXTURES / "cc-page.html").read_bytes())
    (tmp_path / "logo.png").write_bytes(b"\x89PNG")
    result = runner.invoke(main, ["check", "--format", "json", str(tmp_path)])
    docs = {Path(d["path"]).name: d for d in json.loads(result.output)["documents"]}
    assert {n: d["format"] for n, d in docs.items()} == {
        "afp-item.xml": "newsml", "agency-page.html": "html", "cms-export.json": "cms-json", "old.htm": "html"}
    assert all(d["verdict"] == "deny" for d in docs.values())


def test_text_report_points_at_the_html_line(runner):
    result = runner.invoke(main, ["check", str(AGENCY_PAGE)])
    assert f"{AGENCY_PAGE}:32:111: deny [policy.subscription-default]" in result.output


def test_the_report_is_the_same_whatever_the_hash_seed():
    """Metadata read from a page comes in the page's order, never a set's (which changes per process)."""
    import os
    import subprocess
    import sys

    def report(seed: str) -> str:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        return subprocess.run([sys.executable, "-m", "compliance", "check", "--format", "json", "--no-cache",
                               str(FIXTURES)], capture_output=True, text=True, env=env).stdout

    first = report("1")
    assert '"rule": "metadata.photo_credit"' in first
    assert all(report(seed) == first for seed in ("2", "3"))
