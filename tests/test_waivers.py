"""Waivers through the library, as a CMS sees them, and their errors."""
from __future__ import annotations

import json
from datetime import date

import pytest

from compliance import Checker
from compliance.cli import main
from compliance.errors import ConfigError
from compliance.ruleset import RuleSet
from compliance.waivers import load_waivers

STAFF = "Our reporter spent the morning at the fish market, where prices rose again.\n"
AP_WIRE = "BOSTON (AP) — The city council voted on Wednesday to extend the harbour walk by two miles.\n"


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return RuleSet.load()


def test_inline_marker_waives_with_its_reason(checker):
    text = STAFF + "<!-- compliance: ignore policy.no-evidence -- staff copy, filed by our reporter -->\n"
    result = checker.check_text(text, path="market.md")
    assert result.verdict == "allow" and result.reasons == [] and result.error is None
    [waived] = result.waived
    assert (waived.rule, waived.verdict, waived.waiver.reason, waived.waiver.line) == (
        "policy.no-evidence", "review", "staff copy, filed by our reporter", 2)


def test_inline_marker_does_not_waive_other_rules(checker):
    text = AP_WIRE + "<!-- compliance: ignore policy.no-evidence -- staff copy -->\n"
    result = checker.check_text(text, path="wire.md")
    assert result.verdict == "deny" and result.waived == []
    assert [(w.rule, w.line) for w in result.warnings] == [("waiver-unused", 2)]


@pytest.mark.parametrize("marker, message", [
    ("<!-- compliance: ignore policy.no-evidence -->", "inline waiver for policy.no-evidence gives no reason"),
    ("<!-- compliance: ignore policy.no-evidence --   -->", "gives no reason"),
    ("<!-- compliance: ignore -- trust me -->", "inline waiver names no rule"),
    ("<!-- compliance: ignore policy.no-such-rule -- trust me -->", "names unknown rule 'policy.no-such-rule'"),
])
def test_a_bad_inline_marker_is_an_error_naming_its_line_and_never_passes(checker, marker, message):
    result = checker.check_text(STAFF + "\n" + marker + "\n", path="market.md")
    assert result.verdict == "review" and result.waived == []
    assert result.error.startswith("line 3: ") and message in result.error
    assert (result.reasons[0].rule, result.reasons[0].line, result.reasons[0].column) == ("invalid-waiver", 3, 1)


def test_bad_inline_marker_through_the_cli_names_file_and_line_and_exits_3(runner, tmp_path):
    article = tmp_path / "market.md"
    article.write_text(STAFF + "<!-- compliance: ignore policy.no-evidence -->\n")
    result = runner.invoke(main, ["check", str(article)])
    assert result.exit_code == 3
    assert f"{article}:2:1: review [invalid-waiver] inline waiver for policy.no-evidence gives no reason" in result.output


def test_waiver_file_applies_by_glob_and_keeps_the_evidence(tmp_path, rules, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "waivers.yaml").write_text(
        "waivers:\n  - path: 'wire/**/*.md'\n    rule: policy.subscription-default\n"
        "    reason: AP sample use agreed for the harbour series\n    approved_by: Managing editor\n"
        "    expires: 2026-06-30\n")
    (tmp_path / "wire" / "2026").mkdir(parents=True)
    (tmp_path / "wire" / "2026" / "harbour.md").write_text(AP_WIRE)
    checker = Checker(rules, waivers=load_waivers(tmp_path / "waivers.yaml", rules), as_of=date(2026, 6, 1))
    report = checker.check_paths(["wire"])
    [doc] = report.documents
    assert doc.verdict == "allow"
    [waived] = doc.waived
    assert (waived.verdict, waived.line, waived.quote) == ("deny", 1, "AP")
    assert (waived.waiver.file, waived.waiver.line, waived.waiver.expires) == (
        str(tmp_path / "waivers.yaml"), 2, date(2026, 6, 30))
    assert report.summary.waived == 1 and report.unused_waivers == []
    # Outside the glob the decision stands.
    assert checker.check_text(AP_WIRE, path="desk/harbour.md").verdict == "deny"


def test_waiving_one_reason_keeps_the_strictest_of_the_rest(tmp_path, rules):
    (tmp_path / "waivers.yaml").write_text(
        "waivers:\n  - path: two.md\n    rule: policy.unknown-terms\n    reason: checked by phone\n"
        "    approved_by: Desk\n")
    checker = Checker(rules, waivers=load_waivers(tmp_path / "waivers.yaml", rules))
    text = AP_WIRE + "TEHRAN (IRNA) - Officials met on Monday to discuss trade.\n"
    result = checker.check_text(text, path=str(tmp_path / "two.md"))
    assert [w.rule for w in result.waived] == ["policy.unknown-terms"]
    assert result.verdict == "deny"


@pytest.mark.parametrize("text, line, message", [
    ("waivers:\n  - path: a.md\n    rule: policy.no-evidence\n    reason: ok\n", 2, "approved_by: Field required"),
    ("waivers:\n  - path: a.md\n    rule: policy.no-evidence\n    reason: ''\n    approved_by: Desk\n", 4,
     "reason: String should have at least 1 character"),
    ("waivers:\n  - path: a.md\n    rule: policy.made-up\n    reason: ok\n    approved_by: Desk\n", 3,
     "waiver names unknown rule 'policy.made-up' (see 'compliance rules list')"),
    ("waivers:\n  - path: a.md\n    rule: policy.no-evidence\n    reason: ok\n    approved_by: Desk\n"
     "    approved_on: 2026-01-01\n", 6, "unknown key 'approved_on'"),
    ("exceptions: []\n", 1, "unknown key 'exceptions' (this file has one key, 'waivers')"),
])
def test_waiver_file_errors_name_file_and_line(tmp_path, rules, runner, monkeypatch, text, line, message):
    (tmp_path / "waivers.yaml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_waivers(tmp_path / "waivers.yaml", rules)
    assert (caught.value.line, caught.value.message) == (line, message)
    (tmp_path / "compliance.yaml").write_text("waivers_file: waivers.yaml\n")
    (tmp_path / "a.md").write_text(STAFF)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["check", "--config", "compliance.yaml", "a.md"])
    assert result.exit_code == 2
    assert result.output == f"compliance: error: waivers.yaml:{line}: {message}\n"


def test_unreadable_documents_are_never_waived(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "waivers.yaml").write_text(
        "waivers:\n  - path: bad.txt\n    rule: no-decision\n    reason: x\n    approved_by: Desk\n")
    (tmp_path / "compliance.yaml").write_text("waivers_file: waivers.yaml\n")
    (tmp_path / "bad.txt").write_bytes(b"caf\xc3\xa9 cr\xc3\xa8me \xff broken")  # no encoding fits
    result = runner.invoke(main, ["check", "--config", "compliance.yaml", "bad.txt", "--format", "json"])
    assert result.exit_code == 3
    doc = json.loads(result.output)["documents"][0]
    assert doc["verdict"] == "review" and doc["waived"] == []
