"""The rule language is closed and validated: every broken rule file is one `file:LINE: message`, exit 2."""
from __future__ import annotations

import textwrap

import pytest

from compliance.cli import main

NOTICE = """\
- kind: notice
  id: notice.xx.test
  type: all_rights_reserved
  language: en
  keywords: [reserved]
  pattern: '{pattern}'
  terms: {terms}
"""

BROKEN = {
    "unknown key": (
        "- kind: source\n  id: zz\n  name: ZZ\n  terms: subscription\n  colour: red\n",
        5, "unknown key 'colour'"),
    "wrong type": (
        NOTICE.format(pattern="reserved", terms="reserved").replace("[reserved]", "reserved"),
        5, "keywords: Input should be a valid list"),
    "unknown kind": (
        "- kind: gadget\n  id: zz\n",
        1, "unknown rule kind 'gadget' (known kinds: source, tag, notice, terms, policy, scope, words)"),
    "words of an unknown role": (
        "- kind: words\n  id: words.zz\n  role: dateline\n  words: [Par]\n",
        3, "role: unknown value 'dateline'; known: 'byline', 'signoff' or 'tag-joiner'"),
    "a word with spaces around it": (
        "- kind: words\n  id: words.zz\n  role: byline\n  words: [By, ' Par']\n",
        4, "words: ' Par' is blank or has spaces around it"),
    "bad id": (
        "- kind: terms\n  id: Not An Id\n",
        2, "id: String should match pattern '^[a-z0-9][a-z0-9_.\\-]*$'"),
    "duplicate id": (
        "- kind: terms\n  id: dup\n  known: false\n- kind: terms\n  id: dup\n  known: true\n",
        5, "rule 'dup': duplicate id (first defined at {path}:1)"),
    "regex does not compile": (
        NOTICE.format(pattern="(unclosed", terms="reserved"),
        6, "rule 'notice.xx.test': pattern does not compile: missing ) at position 9"),
    "unknown placeholder in pattern": (
        NOTICE.format(pattern="reserved{snet}", terms="reserved"),
        6, "rule 'notice.xx.test': unknown placeholder {snet} in pattern; known: {sent}, {start}"),
    "unknown named group": (
        NOTICE.format(pattern="(?P<owner>.+) reserved", terms="reserved"),
        6, "rule 'notice.xx.test': unknown named group(s) ['owner'] in pattern; "
           "a notice pattern may name only ['holder', 'license']"),
    "notice names unknown terms": (
        NOTICE.format(pattern="reserved", terms="reserved_strictly"),
        7, "rule 'notice.xx.test': unknown terms 'reserved_strictly'"),
    "policy names unknown term": (
        "- kind: policy\n  id: policy.zz\n  when:\n    prohibits_any: [reproduce, fly]\n"
        "  verdict: deny\n  message: denied\n",
        4, "when.prohibits_any.1: unknown value 'fly'; known: 'reproduce', 'distribute', 'modify', "
           "'excerpt', 'translate', 'archive', 'display', 'commercial_use' or 'tdm'"),
    "policy names unknown verdict": (
        "- kind: policy\n  id: policy.zz\n  verdict: maybe\n  message: denied\n",
        3, "verdict: unknown value 'maybe'; known: 'allow', 'review' or 'deny'"),
    "condition outside the policy's scope": (
        "- kind: policy\n  id: policy.zz\n  scope: document\n  when:\n    sources: some\n"
        "    agreement: none\n  verdict: deny\n  message: denied\n",
        6, "rule 'policy.zz': 'agreement' is a per-source condition; a document-scope policy cannot use it"),
    "unknown message placeholder": (
        "- kind: policy\n  id: policy.zz\n  verdict: deny\n  message: \"{nme} reserves it\"\n",
        4, "rule 'policy.zz': unknown message field(s) ['nme']; known: ['agreement', 'contact', 'count', "
           "'credit', 'expires', 'holder', 'license', 'name', 'quote', 'source', 'starts', 'tag', 'url']"),
    "tag rule names unknown source": (
        "- kind: tag\n  id: tag.zz\n  position: signature\n  pattern: 'Filed by desk'\n  source: nowhere\n",
        5, "rule 'tag.zz': unknown source 'nowhere'"),
    "tag pattern without tag or source": (
        "- kind: tag\n  id: tag.zz\n  position: signature\n  pattern: 'Filed by desk'\n",
        4, "rule 'tag.zz': a pattern without {tag} must name its 'source'"),
    "example agreement names unknown source": (
        "- kind: policy\n  id: policy.zz\n  verdict: deny\n  message: denied\n  examples:\n    match:\n"
        "      - text: x\n        agreements: [aa, {source: nowhere, expires: 2026-01-01}]\n",
        8, "rule 'policy.zz': example agreement names unknown source 'nowhere'"),
    "invalid yaml": (  # a quote left open: worded alike by libyaml and the pure-Python parser
        "- kind: terms\n  id: \"zz\n",
        3, "invalid YAML: found unexpected end of stream"),
    "not a list of rules": (
        "kind: terms\nid: zz\n",
        1, "a rule file holds a list of rules (each starting with '- kind: ...')"),
}


def _broken_pack(tmp_path, text: str):
    path = tmp_path / "pack" / "broken.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, line, message", BROKEN.values(), ids=BROKEN.keys())
def test_broken_rule_file_is_one_line_with_file_and_line(runner, tmp_path, text, line, message):
    path = _broken_pack(tmp_path, text)
    result = runner.invoke(main, ["rules", "test", str(path)])
    assert result.exit_code == 2, result.output
    assert result.output == f"compliance: error: {path}:{line}: {message.replace('{path}', str(path))}\n"


@pytest.mark.parametrize("command", [["rules", "lint"], ["rules", "list"], ["check", "--rules"]])
def test_every_command_that_loads_rules_reports_the_same_error(runner, tmp_path, command):
    text, line, message = BROKEN["policy names unknown term"]
    path = _broken_pack(tmp_path, text)
    article = tmp_path / "article.txt"
    article.write_text("Our reporter visited the market.\n")
    args = [*command, str(path)] + ([str(article)] if command[0] == "check" else [])
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert result.output == f"compliance: error: {path}:{line}: {message}\n"


def test_overriding_with_another_kind_is_an_error(runner, tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text("- kind: terms\n  id: policy.no-evidence\n  known: false\n")
    result = runner.invoke(main, ["rules", "test", str(pack)])
    assert result.exit_code == 2
    assert result.output == (f"compliance: error: {pack}:1: rule 'policy.no-evidence': "
                             f"overrides a 'policy' rule with a 'terms' rule\n")


STAFF_STORY = "Our reporter visited the market on Saturday and spoke to traders.\n"
RESERVED_STORY = STAFF_STORY + "© 2025 Daily Example Media. All rights reserved.\n"


def _config(tmp_path, body: str):
    config = tmp_path / "compliance.yaml"
    config.write_text(textwrap.dedent(body), encoding="utf-8")
    return config


def test_publisher_pack_overrides_a_builtin_rule_by_id(runner, tmp_path):
    """The override keeps the built-in's place in the policy order and changes only what it says."""
    (tmp_path / "house").mkdir()
    (tmp_path / "house" / "policy.yaml").write_text(textwrap.dedent("""\
        - kind: policy
          id: policy.no-evidence
          scope: document
          when: {sources: none, notices: none}
          verdict: allow
          message: "staff copy: no source or rights information found"
          examples:
            match: ["Our reporter visited the market."]
            no_match: ["ANKARA (AA) - Officials met on Monday."]
    """))
    story = tmp_path / "story.txt"
    story.write_text(STAFF_STORY)
    before = runner.invoke(main, ["check", str(story), "--fail-on", "review"])
    assert before.exit_code == 1 and "review [policy.no-evidence]" in before.output
    config = _config(tmp_path, "rules: [house]\n")
    after = runner.invoke(main, ["check", "--config", str(config), str(story), "--fail-on", "review"])
    assert after.exit_code == 0, after.output
    assert "allow [policy.no-evidence] staff copy: no source or rights information found" in after.output
    linted = runner.invoke(main, ["rules", "lint", str(tmp_path / "house")])
    assert "warning: [policy.no-evidence] overrides the rule of the same id at " in linted.output
    assert "rules/policy/default.yaml:" in linted.output


def test_config_disables_a_builtin_rule(runner, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(RESERVED_STORY)
    before = runner.invoke(main, ["check", str(story), "--format", "json"])
    assert '"rule": "notice.en.all-rights-reserved"' in before.output
    assert '"rule": "policy.unlinked-reservation"' in before.output
    config = _config(tmp_path, "disable: [notice.en.all-rights-reserved]\n")
    after = runner.invoke(main, ["check", "--config", str(config), str(story), "--format", "json"])
    assert "notice.en.all-rights-reserved" not in after.output
    assert '"rule": "policy.no-evidence"' in after.output


def test_disabling_an_unknown_rule_is_an_error(runner, tmp_path):
    config = _config(tmp_path, "disable: [notice.en.no-such-rule]\n")
    story = tmp_path / "story.txt"
    story.write_text(STAFF_STORY)
    result = runner.invoke(main, ["check", "--config", str(config), str(story)])
    assert result.exit_code == 2
    assert "cannot disable unknown rule 'notice.en.no-such-rule'" in result.output


# -- lint -------------------------------------------------------------------
LINT_PACK = """\
- kind: source
  id: zenith
  name: Zenith Haber Ajansı
  tags: [ZHA, AA]
  terms: subscription
  examples:
    match: ["Officials met. (ZHA)"]
    no_match: ["The ZHA building."]
- kind: notice
  id: notice.xx.nested
  type: all_rights_reserved
  language: en
  keywords: [reserved]
  pattern: '(?:\\w+\\s*)+ reserved'
  terms: reserved
  examples:
    match: ["Everything here is kept."]
- kind: policy
  id: policy.zz
  verdict: review
  message: "  "
- kind: notice
  id: notice.xx.unanchored
  type: all_rights_reserved
  language: en
  keywords: [reserved]
  pattern: '{sent}{0,80}?everything reserved'
  terms: reserved
  examples:
    match: ["Everything reserved."]
    no_match: ["Nothing is reserved."]
- kind: notice
  id: notice.xx.look-after-repeat
  type: all_rights_reserved
  language: en
  keywords: [reserved]
  pattern: '{start}{sent}{0,80}?(?={sent}*rights)reserved'
  terms: reserved
  examples:
    match: ["All rights reserved."]
    no_match: ["Nothing is reserved."]
"""


def test_lint_reports_each_problem_with_its_line(runner, tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(LINT_PACK, encoding="utf-8")
    result = runner.invoke(main, ["rules", "lint", str(pack)])
    out = result.output.splitlines()
    assert result.exit_code == 1
    assert f"{pack}:9: error: [notice.xx.nested] no examples that must not match" in out
    assert (f"{pack}:17: error: [notice.xx.nested] a must-match example contains none of the keywords, "
            f"so the prefilter would never run the pattern on it") in out
    assert (f"{pack}:14: warning: [notice.xx.nested] pattern nests unbounded repetition; "
            f"it may backtrack catastrophically") in out
    assert f"{pack}:18: error: [policy.zz] no examples that must match" in out
    assert f"{pack}:21: error: [policy.zz] empty message" in out
    assert any(line.startswith("registry: warning: [aa,zenith] alias 'aa' is shared by sources aa, zenith")
               for line in out)
    assert (f"{pack}:27: warning: [notice.xx.unanchored] pattern may start anywhere in a sentence, so it is "
            f"tried at every character; begin it with {{start}} to try it once per sentence") in out
    assert (f"{pack}:37: warning: [notice.xx.look-after-repeat] a look-around over the sentence follows a lazy "
            f"repeat, so it is tried at every step of the repeat; move it before the repeat") in out
    assert out[-1] == "5 errors, 4 warnings"  # the registry's other shared aliases are not this pack's


def test_builtin_packs_lint_clean(runner):
    result = runner.invoke(main, ["rules", "lint"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("0 errors")


def test_examples_hold_dated_agreements_checked_as_of_2026(runner, tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(textwrap.dedent("""\
        - kind: policy
          id: policy.agreement-expired
          when: {agreement: expired}
          verdict: deny
          message: "renew your {agreement} with {name} (expired {expires})"
          examples:
            match:
              - text: "ANKARA (AA) - Officials met on Monday."
                agreements: [{source: aa, kind: written_contract, expires: 2025-06-30}]
              - text: "ANKARA (AA) - Officials met on Monday."
                agreements: [{source: aa, expires: 2026-06-30}]
            no_match:
              - text: "ANKARA (AA) - Officials met on Monday."
                agreements: [aa]
    """))
    result = runner.invoke(main, ["rules", "test", str(pack)])
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert lines[-1] == "2 passed, 1 failed"
    assert lines[0].startswith(f"{pack}:10: FAIL [policy.agreement-expired] must match: did not match")


def test_show_prints_a_rule_file_a_pack_can_override_with(runner, tmp_path):
    shown = runner.invoke(main, ["rules", "show", "policy.unknown-terms"]).output
    pack = tmp_path / "unknown-terms.yaml"
    pack.write_text(shown.replace("verdict: review", "verdict: deny"), encoding="utf-8")
    tested = runner.invoke(main, ["rules", "test", str(pack)])
    assert tested.output.splitlines()[-1] == "2 passed, 0 failed"
    story = tmp_path / "story.txt"
    story.write_text("TEHRAN (IRNA) - Officials met on Monday to discuss trade.\n")
    result = runner.invoke(main, ["check", "--rules", str(pack), str(story)])
    assert result.exit_code == 1 and "deny [policy.unknown-terms]" in result.output
