"""Rules are data: they test themselves, and bad rule files fail with file:line."""
from __future__ import annotations

import textwrap

from compliance.cli import main

from .conftest import CONTENT


def test_builtin_rule_examples_all_pass(runner):
    result = runner.invoke(main, ["rules", "test"])
    last = result.output.splitlines()[-1]
    passed, failed = (int(x.split()[0]) for x in last.split(", "))
    assert failed == 0, result.output
    assert passed >= 100
    assert result.exit_code == 0


def test_broken_rule_file_reports_file_and_line(runner, tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "bad.yaml").write_text(textwrap.dedent("""\
        - kind: notice
          id: notice.xx.broken
          type: all_rights_reserved
          language: en
          keywords: [reserved]
          pattern: '(unclosed'
          terms: reserved
    """))
    result = runner.invoke(main, ["check", "--rules", str(pack), str(CONTENT)])
    assert result.exit_code == 2
    assert f"{pack / 'bad.yaml'}:6:" in result.output
    assert "does not compile" in result.output


def test_unknown_key_and_unknown_kind_are_reported_with_lines(runner, tmp_path):
    (tmp_path / "a.yaml").write_text("- kind: source\n  id: x\n  name: X\n  terms: subscription\n  colour: red\n")
    result = runner.invoke(main, ["rules", "test", str(tmp_path / "a.yaml")])
    assert result.exit_code == 2 and ":5: unknown key 'colour'" in result.output
    (tmp_path / "b.yaml").write_text("- kind: gadget\n  id: x\n")
    result = runner.invoke(main, ["rules", "test", str(tmp_path / "b.yaml")])
    assert result.exit_code == 2 and "b.yaml:1: unknown rule kind 'gadget'" in result.output


def test_duplicate_id_in_one_pack_is_an_error(runner, tmp_path):
    rule = "- kind: terms\n  id: dup\n  known: false\n"
    (tmp_path / "a.yaml").write_text(rule)
    (tmp_path / "b.yaml").write_text(rule)
    result = runner.invoke(main, ["rules", "lint", str(tmp_path)])
    assert result.exit_code == 2 and "duplicate id" in result.output


def test_new_agency_in_a_pack_is_recognised_without_python(runner, tmp_path):
    (tmp_path / "agency.yaml").write_text(textwrap.dedent("""\
        - kind: source
          id: zenith
          name: Zenith Haber Ajansı
          tags: [ZHA]
          terms: subscription
          examples:
            match: ["Officials met on Monday. (ZHA)"]
            no_match: ["The ZHA building is new."]
    """))
    article = tmp_path / "article.txt"
    article.write_text("Officials met on Monday to discuss the budget. (ZHA)\n")
    before = runner.invoke(main, ["check", str(article)])
    assert "unknown-tag" in before.output
    result = runner.invoke(main, ["check", "--rules", str(tmp_path), str(article)])
    assert result.exit_code == 1
    assert "deny [policy.subscription-default] Zenith Haber Ajansı" in result.output
    tested = runner.invoke(main, ["rules", "test", str(tmp_path)])
    assert tested.output.splitlines()[-1] == "2 passed, 0 failed"


def test_rules_list_show_and_summary(runner):
    listing = runner.invoke(main, ["rules", "list", "--kind", "source"])
    assert "ilkha" in listing.output
    shown = runner.invoke(main, ["rules", "show", "policy.contract-required"])
    assert shown.exit_code == 0 and "verdict: deny" in shown.output
    summary = runner.invoke(main, ["rules", "list", "--summary"])
    assert "sources:" in summary.output and "examples:" in summary.output
