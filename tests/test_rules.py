"""Rules are data: they test themselves, and bad rule files fail with file:line."""
from __future__ import annotations

import json
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


def test_byline_and_joiner_words_in_a_pack_change_detection_without_python(runner, tmp_path):
    """A Russian byline makes the closing (ИП) the writer's initials; a Polish 'oraz' splits (PAP oraz AFP)."""
    article = tmp_path / "article.txt"
    article.write_text("Автор: Иван Петров\n\nВАРШАВА (PAP oraz AFP) - Переговоры продолжатся. (ИП)\n",
                       encoding="utf-8")
    before = runner.invoke(main, ["check", "--format", "json", str(article)])
    found = {(f["kind"], f["text"]) for f in json.loads(before.output)["documents"][0]["findings"]}
    assert ("unknown_tag", "ИП") in found and ("source_tag", "PAP") not in found  # PAP and AFP: mentions only
    (tmp_path / "pack").mkdir()
    (tmp_path / "pack" / "words.yaml").write_text(textwrap.dedent("""\
        - kind: words
          id: words.ru-pl
          role: byline
          words: [Автор]
          examples:
            match: ["Автор: Иван Петров"]
            no_match: ["Авторы статьи"]
        - kind: words
          id: words.pl-joiner
          role: tag-joiner
          words: [oraz]
          examples:
            match: ["PAP oraz AFP"]
            no_match: ["PAP"]
    """), encoding="utf-8")
    after = runner.invoke(main, ["check", "--format", "json", "--rules", str(tmp_path / "pack"), str(article)])
    document = json.loads(after.output)["documents"][0]
    found = {(f["kind"], f["text"]) for f in document["findings"]}
    assert not any(kind == "unknown_tag" for kind, _ in found), found
    assert {("source_tag", "PAP"), ("source_tag", "AFP")} <= found
    assert document["segments"][0]["kind"] == "credits"  # the byline line
    tested = runner.invoke(main, ["rules", "test", str(tmp_path / "pack")])
    assert tested.output.splitlines()[-1] == "4 passed, 0 failed"


def test_a_words_example_its_role_does_not_read_fails_with_its_line(runner, tmp_path):
    (tmp_path / "words.yaml").write_text(textwrap.dedent("""\
        - kind: words
          id: words.house
          role: signoff
          words: [Fotoğraflar]
          examples:
            match: ["Fotoğraflar: Ayşe Arslan"]
            no_match: ["Reporting by Jane Doe"]
    """), encoding="utf-8")
    tested = runner.invoke(main, ["rules", "test", str(tmp_path)])
    assert tested.exit_code == 1
    assert f"{tmp_path / 'words.yaml'}:6: FAIL [words.house] must match: did not match" in tested.output
    # a role reads the words of every pack: the built-in sign-offs include "Reporting"
    assert f"{tmp_path / 'words.yaml'}:7: FAIL [words.house] must not match: matched but must not: " \
           "'Reporting by Jane Doe'" in tested.output
    assert tested.output.splitlines()[-1] == "0 passed, 2 failed"
