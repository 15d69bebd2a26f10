"""The pre-publication gate as CI runs it: a git repository of articles, agreements and waivers."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from compliance.cli import main
from compliance.cli import common

# Article texts written for these tests (fictional events).
ARTICLES = {
    "articles/ankara-aa.txt": (
        "Ministry sets out grain storage plan\n\n"
        "ANKARA (AA) - The agriculture ministry said on Wednesday it would open six new grain stores "
        "before the harvest.\n"),
    "articles/harbour-ilkha.md": (
        "# Fishermen wait for the harbour to reopen\n\n"
        "Boats stayed tied up for a third day as engineers inspected the breakwater after the storm.\n"
        "Officials said the harbour could reopen by the weekend. (ILKHA)\n"),
    "articles/council-budget.md": (
        "# Council approves the library budget\n\n"
        "Our reporter followed the council debate on Tuesday evening, where members approved the budget.\n"
        "<!-- compliance: ignore policy.no-evidence -- written by our own staff reporter -->\n"),
    "articles/mention.md": (
        "# Ferry prices rise\n\n"
        "Ferry operators will raise prices next month, according to Reuters.\n"),
}
NEW_AP = ("# Transit board meets\n\n"
          "CHICAGO (AP) — Transit officials said on Monday that two rail lines would close for repairs in May.\n")
CONFIG = """\
agreements_file: agreements.yaml
waivers_file: waivers.yaml
include: [articles]
"""
AGREEMENTS = """\
agreements:
  - source: aa
    kind: subscription
    permits: [reproduce, distribute, photos]
    expires: 2026-03-31
    credit: "Anadolu Agency (AA)"
"""
WAIVERS = """\
waivers:
  - path: articles/harbour-ilkha.md
    rule: policy.subscription-default
    reason: the ILKHA desk granted a one-off use by email
    approved_by: Legal desk
  - path: articles/old-*.md
    rule: policy.contract-required
    reason: covered an archive batch that has since been removed
    approved_by: Legal desk
  - path: "articles/*.md"
    rule: policy.unknown-terms
    reason: accepted while the registry entry is being confirmed
    approved_by: Standards editor
"""


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Desk", "GIT_AUTHOR_EMAIL": "desk@example.org",
           "GIT_COMMITTER_NAME": "Desk", "GIT_COMMITTER_EMAIL": "desk@example.org"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


@pytest.fixture()
def repo(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    write(tmp_path, {**ARTICLES, "compliance.yaml": CONFIG, "agreements.yaml": AGREEMENTS,
                     "waivers.yaml": WAIVERS, "README.md": "How this newsroom works.\n"})
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "first articles")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(runner, *args: str, input: str | None = None):
    return runner.invoke(main, ["check", *args], input=input)


def paths_in(result) -> list[str]:
    return [d["path"] for d in json.loads(result.output)["documents"]]


def test_changed_since_sees_only_added_modified_and_renamed_articles(runner, repo):
    write(repo, {"articles/ankara-aa.txt": ARTICLES["articles/ankara-aa.txt"] + "Stores will open in May.\n",
                 "articles/new-ap.md": NEW_AP, "agreements.yaml": AGREEMENTS + "\n"})
    git(repo, "mv", "articles/council-budget.md", "articles/council-budget-2026.md")
    git(repo, "rm", "-q", "articles/mention.md")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "edit, add, rename, delete")

    result = check(runner, "--changed-since", "HEAD~1", "--format", "json", "--as-of", "2026-01-10")
    assert paths_in(result) == ["articles/ankara-aa.txt", "articles/council-budget-2026.md", "articles/new-ap.md"]
    assert result.exit_code == 1  # the new AP article is denied

    # Within a folder given as well; and nothing changed since HEAD checks nothing and passes.
    assert paths_in(check(runner, "--changed-since", "HEAD~1", "--format", "json", "articles/new-ap.md")) == [
        "articles/new-ap.md"]
    clean = check(runner, "--changed-since", "HEAD")
    assert clean.exit_code == 0
    assert clean.output.splitlines()[-1] == "0 documents: 0 allow, 0 review, 0 deny"


def test_uncommitted_edits_count_as_changed(runner, repo):
    write(repo, {"articles/mention.md": ARTICLES["articles/mention.md"] + "More later.\n"})
    assert paths_in(check(runner, "--changed-since", "HEAD", "--format", "json")) == ["articles/mention.md"]


def test_exit_codes_are_as_documented(runner, repo):
    ok = check(runner, "articles/ankara-aa.txt", "--as-of", "2026-01-10")
    assert ok.exit_code == 0, ok.output
    write(repo, {"articles/new-ap.md": NEW_AP})
    denied = check(runner, "articles", "--as-of", "2026-01-10")
    assert denied.exit_code == 1
    assert "articles/new-ap.md:3:10: deny [policy.subscription-default]" in denied.output
    # A review fails only at --fail-on review.
    assert check(runner, "articles/mention.md").exit_code == 0
    assert check(runner, "articles/mention.md", "--fail-on", "review").exit_code == 1
    # Usage, config and git errors: 2, one line, no traceback.
    bad_rev = check(runner, "--changed-since", "no-such-branch")
    assert bad_rev.exit_code == 2 and "git diff failed" in bad_rev.output
    assert check(runner).exit_code == 2
    write(repo, {"compliance.yaml": CONFIG + "fail_level: deny\n"})
    bad_key = check(runner, "articles")
    assert bad_key.exit_code == 2
    assert bad_key.output == "compliance: error: compliance.yaml:4: unknown key 'fail_level'\n"
    write(repo, {"compliance.yaml": CONFIG})
    # A file that cannot be read never passes: 3 wins over 1.
    (repo / "articles" / "broken.txt").write_bytes(b"Gr\xfc\xdf \xff\xfe\x00 text")
    broken = check(runner, "articles", "--format", "json")
    assert broken.exit_code == 3
    doc = next(d for d in json.loads(broken.output)["documents"] if d["path"].endswith("broken.txt"))
    assert doc["verdict"] == "review" and doc["error"]
    missing = check(runner, "articles/no-such-article.md")
    assert missing.exit_code == 3


def test_expiring_agreement_warns_and_expired_one_denies(runner, repo):
    soon = check(runner, "articles/ankara-aa.txt", "--as-of", "2026-03-10")
    assert soon.exit_code == 0
    assert ("articles/ankara-aa.txt: warning [agreement-expiring] your subscription with Anadolu Ajansı "
            "expires on 2026-03-31 (21 days)") in soon.output
    assert "duty attribute: Anadolu Agency (AA)" in soon.output
    early = check(runner, "articles/ankara-aa.txt", "--as-of", "2026-01-10")
    assert "agreement-expiring" not in early.output
    late = check(runner, "articles/ankara-aa.txt", "--as-of", "2026-04-01")
    assert late.exit_code == 1
    assert "deny [policy.agreement-expired] your subscription with Anadolu Ajansı expired on 2026-03-31" in late.output
    # warn_days comes from the config.
    write(repo, {"compliance.yaml": CONFIG + "warn_days: 7\n"})
    assert "agreement-expiring" not in check(runner, "articles/ankara-aa.txt", "--as-of", "2026-03-10").output


def test_waivers_are_reported_as_waived_and_unused_ones_are_listed(runner, repo):
    result = check(runner, "articles", "--as-of", "2026-01-10")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    column = ARTICLES["articles/harbour-ilkha.md"].splitlines()[3].index("ILKHA") + 1
    assert (f"articles/harbour-ilkha.md:4:{column}: waived [policy.subscription-default] İlke Haber Ajansı copy "
            "(tag \"ILKHA\") is sold by subscription") in result.output
    assert any("(was deny; waiver at waivers.yaml:2, approved by Legal desk: the ILKHA desk granted a one-off "
               "use by email)" in ln for ln in lines)
    assert any(ln.startswith("articles/council-budget.md: waived [policy.no-evidence]") and
               "waiver at articles/council-budget.md:4: written by our own staff reporter" in ln for ln in lines)
    unused = [ln for ln in lines if "waiver-unused" in ln]
    assert unused == [
        "waivers.yaml:6: warning [waiver-unused] waiver for policy.contract-required on 'articles/old-*.md' "
        "waived nothing in this run; remove it",
        "waivers.yaml:10: warning [waiver-unused] waiver for policy.unknown-terms on 'articles/*.md' "
        "waived nothing in this run; remove it"]
    assert lines[-1] == "4 documents: 3 allow, 1 review, 0 deny, 2 waived"

    report = json.loads(check(runner, "articles", "--format", "json", "--as-of", "2026-01-10").output)
    harbour = next(d for d in report["documents"] if d["path"] == "articles/harbour-ilkha.md")
    assert harbour["verdict"] == "allow" and harbour["reasons"] == []
    [waived] = harbour["waived"]
    assert (waived["rule"], waived["verdict"], waived["waiver"]["approved_by"]) == (
        "policy.subscription-default", "deny", "Legal desk")
    assert report["summary"]["waived"] == 2
    assert [w["line"] for w in report["unused_waivers"]] == [6, 10]
    # An audit spools its documents to disk; its report.json is the same report, waivers included.
    assert runner.invoke(main, ["audit", "articles", "--as-of", "2026-01-10", "-o", "out"]).exit_code == 0
    assert json.loads((repo / "out" / "report.json").read_text()) == report


def test_a_partial_run_reports_only_waivers_it_can_judge(runner, repo):
    # Only one of the files 'articles/*.md' covers was checked: that waiver may still be in use elsewhere.
    result = check(runner, "articles/mention.md")
    assert "on 'articles/*.md'" not in result.output
    assert "on 'articles/old-*.md' waived nothing" in result.output  # it covers no file at all


def test_expired_waiver_no_longer_applies(runner, repo):
    write(repo, {"waivers.yaml": WAIVERS.replace("approved_by: Legal desk\n", "approved_by: Legal desk\n"
                                                 "    expires: 2026-02-01\n", 1)})
    before = check(runner, "articles/harbour-ilkha.md", "--as-of", "2026-01-31")
    assert before.exit_code == 0 and "waived [policy.subscription-default]" in before.output
    after = check(runner, "articles/harbour-ilkha.md", "--as-of", "2026-02-02")
    assert after.exit_code == 1
    assert "deny [policy.subscription-default]" in after.output
    assert ("warning [waiver-expired] the waiver for policy.subscription-default (waivers.yaml:2) expired on "
            "2026-02-01") in after.output


def test_stdin_and_globs(runner, repo):
    piped = check(runner, "-", "--format", "json", input="The mayor opened the new bridge on Friday. (ILKHA)\n")
    assert piped.exit_code == 1
    assert paths_in(piped) == ["<stdin>"]
    named = check(runner, "-", "--stdin-filename", "articles/harbour-ilkha.md", input=ARTICLES["articles/harbour-ilkha.md"])
    assert named.exit_code == 0 and "waived [policy.subscription-default]" in named.output  # its waiver applies
    assert paths_in(check(runner, "articles/*.md", "--format", "json")) == [
        "articles/council-budget.md", "articles/harbour-ilkha.md", "articles/mention.md"]
    nothing = check(runner, "drafts/*.md")
    assert nothing.exit_code == 2 and "drafts/*.md: no files match this glob" in nothing.output


def test_include_and_exclude_apply_to_folders_and_named_files(runner, repo):
    write(repo, {"notes/todo.md": "Call the printer on Monday.\n",
                 "compliance.yaml": CONFIG + "exclude: [mention.md]\n"})
    assert paths_in(check(runner, ".", "--format", "json")) == [
        "articles/ankara-aa.txt", "articles/council-budget.md", "articles/harbour-ilkha.md"]
    # As pre-commit passes them: README.md and notes/ are outside 'include', mention.md is excluded.
    assert paths_in(check(runner, "README.md", "notes/todo.md", "articles/mention.md", "--format", "json")) == []


def test_colour_follows_no_color_force_color_and_the_flag(runner, repo, monkeypatch):
    args = ["check", "articles/mention.md"]
    assert "\x1b[" in runner.invoke(main, args, color=True).output  # a terminal
    assert "\x1b[" not in runner.invoke(main, args, color=False).output  # a pipe
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in runner.invoke(main, args, color=True).output
    assert "\x1b[" in runner.invoke(main, [*args, "--color"], color=False).output
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in runner.invoke(main, args, color=False).output
    assert "\x1b[" not in runner.invoke(main, [*args, "--no-color"], color=True).output
    # Machine formats are never coloured.
    assert "\x1b[" not in runner.invoke(main, [*args, "--format", "json"], color=True).output


def test_quiet_and_verbose(runner, repo):
    write(repo, {"articles/new-ap.md": NEW_AP})
    quiet = check(runner, "-q", "articles", "--as-of", "2026-01-10")
    assert quiet.exit_code == 1
    assert quiet.output.splitlines()[:-1] == [
        ln for ln in quiet.output.splitlines() if ln.startswith("articles/new-ap.md")]
    assert "warning" not in quiet.output
    verbose = runner.invoke(main, ["check", "-v", "articles/mention.md"])
    assert "compliance: config: compliance.yaml" in verbose.stderr
    assert "compliance: checking 1 files" in verbose.stderr


def test_progress_bar_only_on_a_terminal_and_never_in_ci(runner, repo, monkeypatch):
    write(repo, {f"articles/brief-{i:02}.md": f"# Brief {i}\n\nOur reporter covered the market, day {i}.\n"
                 for i in range(common.PROGRESS_MIN_FILES)})
    monkeypatch.delenv("CI", raising=False)
    assert "checking" not in runner.invoke(main, ["check", "articles"]).stderr  # stderr is a pipe here
    monkeypatch.setattr(common, "stderr_is_terminal", lambda: True)
    assert "checking" in runner.invoke(main, ["check", "articles"]).stderr
    assert "checking" not in runner.invoke(main, ["check", "-q", "articles"]).stderr
    assert "checking" not in runner.invoke(main, ["check", "articles/mention.md"]).stderr  # a short run
    monkeypatch.setenv("CI", "true")
    assert "checking" not in runner.invoke(main, ["check", "articles"]).stderr
