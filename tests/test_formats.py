"""Every ``compliance check --format`` as the CI system that reads it would see it."""
from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from compliance.cli import main
from compliance.report import FORMATS
from compliance.report.github import escape_data, escape_property
from compliance.report.json_format import report_schema, shipped_schema

from .conftest import AGENCY_PAGE, CONTENT, EXAMPLES

CONFIG = str(EXAMPLES / "compliance.yaml")


def run(runner, fmt, *args, exit_code=1):
    result = runner.invoke(main, ["check", "--config", CONFIG, "--format", fmt, *args])
    assert result.exit_code == exit_code, result.output
    return result.stdout


@pytest.fixture()
def content(tmp_path):
    """The examples plus an agency page, in a folder of their own."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    (folder / "agency-page.txt").write_text(AGENCY_PAGE, encoding="utf-8")
    return folder


def test_every_documented_format_is_registered():
    assert set(FORMATS) == {"text", "json", "sarif", "junit", "github", "gitlab", "csv"}


# -- json ------------------------------------------------------------------
def test_shipped_schema_is_the_one_the_models_generate():
    assert shipped_schema() == report_schema(), (
        "regenerate it: python -c 'from compliance.report.json_format import schema_text; "
        "print(schema_text(), end=\"\")' > compliance/schema/report.schema.json")


def test_json_report_validates_against_the_shipped_schema(runner, content):
    report = json.loads(run(runner, "json", str(content)))
    jsonschema.Draft202012Validator(shipped_schema()).validate(report)
    tag = next(f for d in report["documents"] for f in d["findings"] if f["text"] == "ILKHA")
    assert tag["context"]["after"] == ")"
    assert tag["context"]["before"].endswith("the host minister said. (")


def test_schema_rejects_a_report_that_breaks_the_contract(runner, content):
    report = json.loads(run(runner, "json", str(content)))
    report["documents"][0]["verdict"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(report, shipped_schema())


# -- sarif -----------------------------------------------------------------
def sarif_results(runner, *paths, exit_code=1):
    log = json.loads(run(runner, "sarif", *paths, exit_code=exit_code))
    return log, log["runs"][0]


def test_sarif_has_every_field_github_code_scanning_requires(runner, content, monkeypatch):
    monkeypatch.chdir(content.parent)
    log, sarif_run = sarif_results(runner, str(content))  # an absolute path under the working folder
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    assert sarif_run["columnKind"] == "unicodeCodePoints"
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "news-compliance" and driver["version"]
    rules = driver["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    for rule in rules:
        for key in ("shortDescription", "fullDescription", "help"):
            assert rule[key]["text"].strip(), (rule["id"], key)
        assert rule["defaultConfiguration"]["level"] in ("note", "warning", "error")
    assert {"policy.contract-required", "policy.open-licence", "policy.no-evidence"} <= {r["id"] for r in rules}
    results = sarif_run["results"]
    assert results
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in ("warning", "error", "note")
        assert res["message"]["text"].strip()
        loc = res["locations"][0]["physicalLocation"]
        uri = loc["artifactLocation"]["uri"]
        assert uri.startswith("content/") and not uri.startswith("/"), uri
        assert loc["region"]["startLine"] >= 1
        assert res["partialFingerprints"]["primaryLocationLineHash"]


def test_sarif_levels_regions_and_one_result_per_reason(runner, content):
    _, sarif_run = sarif_results(runner, str(content / "agency-page.txt"), str(content / "staff-city-council.txt"))
    by_rule = {r["ruleId"]: r for r in sarif_run["results"]}
    assert set(by_rule) == {"policy.contract-required", "policy.no-evidence"}
    deny = by_rule["policy.contract-required"]
    assert deny["level"] == "error"
    assert by_rule["policy.no-evidence"]["level"] == "warning"
    region = deny["locations"][0]["physicalLocation"]["region"]
    line = AGENCY_PAGE.splitlines()[region["startLine"] - 1]
    quote = region["snippet"]["text"]
    # 1-based columns; endColumn is the column after the last character
    assert line[region["startColumn"] - 1:region["endColumn"] - 1] == quote
    assert quote.startswith("Under no circumstances")


def test_sarif_fingerprints_follow_the_text_not_the_line(runner, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(AGENCY_PAGE, encoding="utf-8")
    _, before = sarif_results(runner, str(page))
    page.write_text("\n\n" + AGENCY_PAGE, encoding="utf-8")
    _, after = sarif_results(runner, str(page))
    [r1], [r2] = before["results"], after["results"]
    region = lambda r: r["locations"][0]["physicalLocation"]["region"]["startLine"]  # noqa: E731
    assert region(r2) == region(r1) + 2
    assert r1["partialFingerprints"] == r2["partialFingerprints"]


def test_sarif_uri_outside_the_working_folder_is_a_file_uri(runner, tmp_path, monkeypatch):
    page = tmp_path / "a b.txt"
    page.write_text(AGENCY_PAGE, encoding="utf-8")
    monkeypatch.chdir(EXAMPLES)
    _, sarif_run = sarif_results(runner, str(page))
    assert sarif_run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == page.as_uri()


# -- junit -----------------------------------------------------------------
def junit(runner, *args, exit_code=1):
    return ET.fromstring(run(runner, "junit", *args, exit_code=exit_code).encode("utf-8"))


def test_junit_one_case_per_document_failing_at_the_fail_level(runner):
    root = junit(runner, str(CONTENT))
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == sorted(str(p) for p in CONTENT.iterdir())
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    assert failed == [str(CONTENT / "ilkha-legal-warning.txt")]
    assert (suite.get("tests"), suite.get("failures"), root.get("failures")) == ("6", "1", "1")
    failure = cases[2].find("failure")
    assert failure.get("type") == "deny" and "policy.contract-required" in failure.text

    stricter = junit(runner, "--fail-on", "review", str(CONTENT))
    assert stricter.find("testsuite").get("failures") == "3"


def test_junit_survives_characters_xml_cannot_carry(runner, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(AGENCY_PAGE.replace("LEGAL WARNING:", "LEGAL\x0c WARNING: <b>&amp;</b>"), encoding="utf-8")
    root = junit(runner, str(page))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and "written contract" in failure.text


def test_junit_unreadable_file_is_an_error_and_an_empty_run_still_has_a_case(runner, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9 \xff\xfe broken")
    root = junit(runner, str(bad), exit_code=3)
    assert root.find("testsuite/testcase/error") is not None
    empty = tmp_path / "empty"
    empty.mkdir()
    root = junit(runner, str(empty), exit_code=0)
    assert root.find("testsuite/testcase/skipped") is not None


# -- github ----------------------------------------------------------------
def test_github_annotations_for_deny_and_review(runner, monkeypatch):
    monkeypatch.chdir(EXAMPLES.parent)
    lines = run(runner, "github", str(CONTENT)).splitlines()
    deny = [ln for ln in lines if ln.startswith("::error ")]
    assert len(deny) == 1
    assert deny[0].startswith("::error file=examples/content/ilkha-legal-warning.txt,"
                              "line=8,endLine=8,col=130,endColumn=251,title=compliance [policy.contract-required]::")
    assert len([ln for ln in lines if ln.startswith("::warning ")]) == 2
    assert lines[-1] == "6 documents: 3 allow, 2 review, 1 deny"


def test_github_escaping_keeps_one_annotation_per_line():
    assert escape_data("50% off\r\nnext") == "50%25 off%0D%0Anext"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"


def test_github_file_names_with_commas_and_colons_are_escaped(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a,b:c.txt").write_text(AGENCY_PAGE, encoding="utf-8")
    [annotation] = [ln for ln in run(runner, "github", "a,b:c.txt").splitlines() if ln.startswith("::")]
    assert annotation.startswith("::error file=a%2Cb%3Ac.txt,line=")


# -- gitlab ----------------------------------------------------------------
def test_gitlab_code_quality_fields(runner, content, monkeypatch):
    monkeypatch.chdir(content.parent)
    entries = json.loads(run(runner, "gitlab", "content"))
    assert entries
    for e in entries:
        assert e["description"] and e["check_name"]
        assert e["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert e["location"]["path"].startswith("content/")
        assert isinstance(e["location"]["lines"]["begin"], int)
    assert len({e["fingerprint"] for e in entries}) == len(entries)
    deny = [e for e in entries if e["check_name"] == "policy.contract-required"]
    assert [e["severity"] for e in deny] == ["critical", "critical"]


# -- csv -------------------------------------------------------------------
def test_csv_one_row_per_document(runner):
    rows = list(csv.DictReader(io.StringIO(run(runner, "csv", str(CONTENT)))))
    assert [r["path"] for r in rows] == sorted(str(p) for p in CONTENT.iterdir())
    aa = rows[0]
    assert (aa["verdict"], aa["sources"], aa["duties"]) == ("allow", "Anadolu Ajansı", "attribute: Anadolu Ajansı (AA)")


def test_csv_cells_never_become_spreadsheet_formulas(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "=HYPERLINK(1).txt").write_text("Our reporter went to the market.\n", encoding="utf-8")
    [row] = csv.DictReader(io.StringIO(run(runner, "csv", "=HYPERLINK(1).txt", exit_code=0)))
    assert row["path"] == "'=HYPERLINK(1).txt"
    assert row["verdict"] == "review"


# -- every format ----------------------------------------------------------
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_output_is_deterministic_and_independent_of_argument_order(runner, content, fmt):
    files = sorted(str(p) for p in content.iterdir())
    first = run(runner, fmt, *files)
    assert run(runner, fmt, *reversed(files)) == first
