"""The command line as a user and CI run it, on the bundled examples."""
from __future__ import annotations

import json

from compliance.cli import main

from .conftest import CONTENT, EXAMPLES


def test_check_examples_prints_decisions_and_exits_1_for_the_denied_one(runner):
    result = runner.invoke(main, ["check", "--config", str(EXAMPLES / "compliance.yaml"), str(CONTENT)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[-1] == "6 documents: 3 allow, 2 review, 1 deny"
    denied = [ln for ln in lines if ": deny [" in ln]
    assert len(denied) == 1
    assert denied[0].startswith(f"{CONTENT / 'ilkha-legal-warning.txt'}:8:")
    assert "[policy.contract-required]" in denied[0]
    assert any("aa-subscribed.txt:3:9: allow [policy.agreement-covers]" in ln for ln in lines)


def test_check_json_report_follows_the_contract(runner):
    files = [str(CONTENT / "ilkha-legal-warning.txt"), str(CONTENT / "staff-city-council.txt")]
    result = runner.invoke(main, ["check", "--format", "json", *files])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["schema"] == "compliance-report/1"
    assert report["summary"] == {"documents": 2, "allow": 0, "review": 1, "deny": 1, "waived": 0, "not_checked": 0}
    ilkha = report["documents"][0]
    assert ilkha["verdict"] == "deny"
    [source] = ilkha["sources"]
    assert {k: source[k] for k in ("id", "name", "tags", "role", "verdict")} == {
        "id": "ilkha", "name": "İlke Haber Ajansı", "tags": ["ILKHA"], "role": "origin", "verdict": "deny"}
    covered = [ilkha["segments"][i]["kind"] for i in source["segments"]]
    assert "body" in covered and "trailing" not in covered
    tag = next(f for f in ilkha["findings"] if f["kind"] == "source_tag")
    assert (tag["line"], tag["text"], tag["source"]) == (7, "ILKHA", "ilkha")


def test_fail_on_review_fails_a_review(runner):
    path = str(CONTENT / "staff-city-council.txt")
    assert runner.invoke(main, ["check", path]).exit_code == 0
    assert runner.invoke(main, ["check", "--fail-on", "review", path]).exit_code == 1


def test_unreadable_file_is_never_allowed_and_has_its_own_exit_code(runner, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xc3\xa9 cr\xc3\xa8me \xff broken")  # UTF-8 with a stray byte: no encoding fits
    result = runner.invoke(main, ["check", "--format", "json", str(bad)])
    assert result.exit_code == 3
    doc = json.loads(result.output)["documents"][0]
    assert doc["verdict"] == "review"
    assert "cannot decode" in doc["error"]


def test_config_error_names_file_and_line_without_traceback(runner, tmp_path):
    cfg = tmp_path / "compliance.yaml"
    cfg.write_text("agreements:\n  - source: ilkha\n    kind: handshake\n")
    result = runner.invoke(main, ["check", "--config", str(cfg), str(CONTENT)])
    assert result.exit_code == 2
    assert f"{cfg}:3:" in result.output
    assert "Traceback" not in result.output


def test_agreement_for_unknown_source_is_a_config_error(runner, tmp_path):
    cfg = tmp_path / "compliance.yaml"
    cfg.write_text("agreements:\n  - source: nosuchagency\n")
    result = runner.invoke(main, ["check", "--config", str(cfg), str(CONTENT)])
    assert result.exit_code == 2
    assert "nosuchagency" in result.output


def test_audit_writes_json_and_markdown_reports(runner, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(main, ["audit", "--config", str(EXAMPLES / "compliance.yaml"), str(CONTENT), "-o", str(out)])
    assert result.exit_code == 1, result.output
    report = json.loads((out / "report.json").read_text())
    assert report["summary"]["documents"] == 6
    permission = (out / "permission.md").read_text()
    assert f"### ⛔ Do not publish: `{CONTENT / 'ilkha-legal-warning.txt'}`" in permission
    assert "Get a written contract or subscription from İlke Haber Ajansı: https://ilkha.com" in permission
    attribution = (out / "attribution.md").read_text()
    assert "Anadolu Ajansı (AA)" in attribution
    assert "CC-BY-4.0" in attribution
