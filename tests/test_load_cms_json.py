"""CMS exports in JSON: configurable fields, HTML bodies, positions in the JSON file, clear refusals."""
from __future__ import annotations

import json
from pathlib import Path

from compliance.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"
EXPORT = FIXTURES / "cms-export.json"
WORDPRESS = FIXTURES / "cms-wordpress.json"


def test_export_with_a_staff_source_and_an_agency_tag_is_flagged(checker):
    result = checker.check_path(EXPORT)
    assert (result.verdict, result.format) == ("deny", "cms-json")
    assert [s.id for s in result.sources] == ["afp"]
    rules = {r.rule for r in result.reasons}
    assert {"policy.subscription-default", "policy.metadata-source-conflict"} <= rules
    meta = {f.rule: f.text for f in result.findings if f.kind == "metadata"}
    assert meta == {"metadata.source": "staff", "metadata.license": "All rights reserved",
                    "metadata.author": "Harbour desk"}


def test_positions_point_into_the_json_file(checker):
    result = checker.check_path(EXPORT)
    lines = EXPORT.read_text().splitlines()
    tag = next(f for f in result.findings if f.kind == "source_tag")
    assert lines[tag.line - 1][tag.column - 1:].startswith("AFP)")
    conflict = next(r for r in result.reasons if r.rule == "policy.metadata-source-conflict")
    assert (conflict.line, conflict.column) == (tag.line, tag.column)
    declared = next(f for f in result.findings if f.rule == "metadata.source")
    assert lines[declared.line - 1][declared.column - 1:].startswith('"staff"')
    headline = result.segments[0]
    assert headline.kind == "headline" and '"headline"' in lines[headline.start_line - 1]


def test_configured_fields_read_a_wordpress_export(runner, tmp_path):
    cfg = tmp_path / "compliance.yaml"
    cfg.write_text("inputs:\n  cms_json:\n    body: content.rendered\n    title: title.rendered\n"
                   "    source: meta.origin\n    license: meta.rights\n")
    result = runner.invoke(main, ["check", "--config", str(cfg), "--format", "json", str(WORDPRESS)])
    doc = json.loads(result.output)["documents"][0]
    assert doc["verdict"] == "allow", doc["reasons"]
    assert [s["id"] for s in doc["sources"]] == ["global_voices"]
    assert {(n["type"], n["license"]) for n in doc["notices"]} == {("cc_license", "CC-BY-4.0")}
    assert {d["type"] for d in doc["duties"]} >= {"attribute", "link_license"}


def test_default_fields_on_a_nested_export_say_which_setting_to_change(runner):
    result = runner.invoke(main, ["check", "--format", "json", str(WORDPRESS)])
    doc = json.loads(result.output)["documents"][0]
    assert doc["verdict"] == "review"
    assert "field 'content' holds an object" in doc["error"] and "inputs.cms_json.body" in doc["error"]


def test_unusable_exports_are_reviewed_with_a_message_per_file(runner, tmp_path):
    (tmp_path / "list.json").write_bytes((FIXTURES / "cms-list.json").read_bytes())
    (tmp_path / "no-body.json").write_bytes((FIXTURES / "cms-no-body.json").read_bytes())
    (tmp_path / "broken.json").write_text('{"body": "Officials met.",\n "title": }\n')
    result = runner.invoke(main, ["check", "--format", "json", str(tmp_path)])
    assert result.exit_code == 3
    docs = {Path(d["path"]).name: d for d in json.loads(result.output)["documents"]}
    assert all(d["verdict"] == "review" for d in docs.values())
    assert "one article as a JSON object; this file holds a list" in docs["list.json"]["error"]
    assert "none of the fields body, content, text" in docs["no-body.json"]["error"]
    assert "invalid JSON" in docs["broken.json"]["error"]
    text = runner.invoke(main, ["check", str(tmp_path / "broken.json")]).output
    assert f"{tmp_path / 'broken.json'}: review [unreadable] invalid JSON" in text
