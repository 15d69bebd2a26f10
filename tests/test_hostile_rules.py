"""Careless or hostile rule packs, configs and templates cannot hang a run or run code."""
from __future__ import annotations

import pickle
import re
import textwrap
from pathlib import Path

import pytest

from compliance import detect as detect_module

from .inputtree import AGENCY, by_name, check_json, invoke, snapshot, unchanged

RUNAWAY = """\
- kind: notice
  id: notice.xx.runaway
  type: all_rights_reserved
  language: en
  keywords: [runaway]
  pattern: 'runaway (?:a|aa)+z'
  terms: reserved
  examples:
    match: ["runaway aaz"]
    no_match: ["runaway z"]
"""


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "agency.txt").write_text(AGENCY, encoding="utf-8")
    (folder / "slow.txt").write_text("The runaway " + "a" * 80 + "!\n")
    return folder


def pack(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "pack"
    folder.mkdir(exist_ok=True)
    (folder / "rules.yaml").write_text(textwrap.dedent(text))
    return folder


def test_a_catastrophic_pattern_times_out_for_that_document_and_the_run_goes_on(content, tmp_path, monkeypatch):
    monkeypatch.setattr(detect_module, "REGEX_TIMEOUT", 0.2)  # the real budget is 1 s; keep the suite fast
    rules = pack(tmp_path, RUNAWAY)
    with unchanged(content):
        result, report = check_json("--rules", rules, content)
    assert result.exit_code == 3
    slow = by_name(report)["slow.txt"]
    assert slow["verdict"] == "review"
    assert slow["error"] == ("rule 'notice.xx.runaway' ran out of time on this document; "
                             "not checked, review by hand")
    assert slow["reasons"][0]["rule"] == "rule-timeout"
    assert by_name(report)["agency.txt"]["verdict"] == "deny"
    text = invoke("check", "--rules", rules, content).output
    assert f"{content / 'slow.txt'}: review [rule-timeout] rule 'notice.xx.runaway' ran out of time" in text


def test_lint_warns_about_nested_unbounded_repetition(tmp_path):
    rules = pack(tmp_path, RUNAWAY.replace("runaway (?:a|aa)+z", r"runaway (?:\w+\s?)+reserved")
                 + RUNAWAY.replace("notice.xx.runaway", "notice.xx.tame").replace("(?:a|aa)+z", "a+z"))
    result = invoke("rules", "lint", rules)
    warnings = [line for line in result.output.splitlines() if line.startswith(str(rules)) and ": warning: " in line]
    assert warnings == [f"{rules / 'rules.yaml'}:6: warning: [notice.xx.runaway] pattern nests unbounded "
                        f"repetition; it may backtrack catastrophically"]
    assert result.exit_code == 0


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.system('touch pwned') }}",
    "{{ report.__class__.__init__.__globals__ }}",
    "{% set _ = report.not_checked.append(1) %}changed",
    "{% for d in report.documents %}{{ loop.__class__.__init__.__globals__ }}{% endfor %}",
    "{% for d in report.documents %}{{ loop.cycle.__func__.__globals__ }}{% endfor %}",
    "{% set ns = namespace(x=1) %}{{ ns.__class__.__init__.__globals__ }}",
    "{% import '_macros.html.j2' as m %}{{ m._body_stream }}",
])
def test_a_template_reaching_for_python_internals_fails_and_writes_nothing(content, tmp_path, monkeypatch, source):
    monkeypatch.chdir(tmp_path)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "permission.md.j2").write_text(source)
    out = tmp_path / "out"
    assert invoke("audit", content, "-o", out).exit_code == 1
    before = snapshot(out)
    result = invoke("audit", content, "-o", out, "--template", templates)
    assert result.exit_code == 2
    assert result.output.startswith(f"compliance: error: {templates / 'permission.md.j2'}:1: template error: "
                                    f"access to attribute '")
    assert result.output.endswith("' object is unsafe.\n")
    assert snapshot(out) == before
    assert not (tmp_path / "pwned").exists()


def test_a_template_cannot_include_files_outside_the_template_folders(content, tmp_path):
    (tmp_path / "secret.txt").write_text("the publisher's secret")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "permission.md.j2").write_text("{% include '../secret.txt' %}")
    result = invoke("audit", content, "-o", tmp_path / "out", "--template", templates)
    assert result.exit_code == 2
    assert result.output == f"compliance: error: {templates / 'permission.md.j2'}:1: template error: ../secret.txt\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("body, message", [
    ('- !!python/object/apply:os.system ["touch pwned"]\n',
     r":1: unsupported YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    ("- kind: terms\n  id: x\n  known: !!python/name:os.system\n",
     r":3: invalid value: could not determine a constructor for the tag 'tag:yaml.org,2002:python/name:os.system'"),
    ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
     "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n",
     r":2: a YAML alias repeats a list or mapping; write it out instead"),
    ("- " * 1000 + "x", r"(:1)?: invalid YAML: (nested too deeply|exceeded maximum nesting depth)"),  # Python or libyaml
])
@pytest.mark.parametrize("where", ["rules", "config"])
def test_yaml_cannot_run_code_or_explode(tmp_path, monkeypatch, body, message, where):
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text(body)
    option = "--rules" if where == "rules" else "--config"
    result = invoke("check", option, bad, tmp_path)
    assert result.exit_code == 2
    assert re.fullmatch(f"compliance: error: {re.escape(str(bad))}{message}\n", result.output), result.output
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("message", ["{name.__class__.__init__.__globals__}", "{quote:{name.__class__}}",
                                     "{name!r}", "{0}"])
def test_policy_messages_are_plain_fields_not_code(tmp_path, message):
    rules = pack(tmp_path, f"""\
        - kind: policy
          id: policy.sneaky
          when: {{agreement: none}}
          verdict: allow
          message: "{message}"
          examples:
            match: ["(AA) text"]
            no_match: ["text"]
        """)
    result = invoke("rules", "test", rules)
    assert result.exit_code == 2
    assert result.output.startswith(f"compliance: error: {rules / 'rules.yaml'}:5: rule 'policy.sneaky': ")


class _Planted:
    """A pickle that runs code when loaded: what someone with write access to the cache could leave there."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_cache_folder_others_can_write_is_not_read(tmp_path, monkeypatch):
    from compliance.ruleset import RuleSet

    cache = tmp_path / "cache"
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(cache))
    expected = len(RuleSet.load().loaded)  # fills the cache: each file's rules, and the compiled set
    entries = list(cache.rglob("*.pickle"))
    assert {e.parent.name for e in entries} == {"rules", "ruleset", "patterns"}
    marker = tmp_path / "code-ran"
    for entry in entries:
        entry.write_bytes(pickle.dumps(_Planted(marker)))
        entry.parent.chmod(0o777)
    assert len(RuleSet.load().loaded) == expected
    assert not marker.exists()


def test_cache_entries_left_by_other_code_are_not_read(tmp_path, monkeypatch):
    from compliance import cache
    from compliance.ruleset import RuleSet

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    expected = len(RuleSet.load().loaded)
    for entry in (tmp_path / "cache").rglob("*.pickle"):
        entry.write_bytes(pickle.dumps(["objects of classes that have changed since"]))
    monkeypatch.setattr(cache, "_code_digest", lambda: b"the code after an upgrade")  # same version number
    assert len(RuleSet.load().loaded) == expected


class _Failing:
    """A pickle that raises an error no unpickling code expects (ValueError), as a damaged entry may."""

    def __reduce__(self):
        return (int, ("not a number",))


def test_a_cache_entry_that_fails_to_load_is_made_again(tmp_path, monkeypatch):
    from compliance.ruleset import RuleSet

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    expected = RuleSet.load().fingerprint
    for entry in (tmp_path / "cache").rglob("*.pickle"):
        entry.write_bytes(pickle.dumps(_Failing()))
    assert RuleSet.load().fingerprint == expected
