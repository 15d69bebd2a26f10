"""The files newsrooms copy into their CI: valid for their tool, and calling only commands that exist."""
from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml
from pre_commit.clientlib import InvalidConfigError, InvalidManifestError, load_config, load_manifest

from compliance.cli import main
from compliance.report import FORMATS

from .conftest import ROOT

HOOKS = ROOT / ".pre-commit-hooks.yaml"
GITHUB = ROOT / "examples" / "ci" / "github-actions.yml"
GITLAB = ROOT / "examples" / "ci" / "gitlab-ci.yml"
SHELL_OPERATORS = {">", ">>", "|", "||", "&&", ";", "2>"}


def cli_args(line: str) -> list[str]:
    """The arguments of one ``compliance ...`` shell command, up to the first redirection or operator."""
    words = shlex.split(re.sub(r"\$\{\{[^}]*\}\}", "REV", line))
    assert words[0] == "compliance", line
    end = next((i for i, w in enumerate(words) if w in SHELL_OPERATORS), len(words))
    return words[1:end]


def parse(args: list[str]) -> click.Context:
    """Resolve subcommands and parse the options exactly as the CLI would (unknown options, bad choices fail)."""
    command: click.Command = main
    while isinstance(command, click.Group):
        sub = command.get_command(click.Context(command), args[0])
        assert sub is not None, f"no command '{args[0]}'"
        command, args = sub, args[1:]
    return command.make_context(command.name or "", list(args))


def needs_format(args: list[str]) -> str | None:
    """A ``--format`` value this build does not have yet (sarif, gitlab arrive with the report formats)."""
    value = args[args.index("--format") + 1] if "--format" in args else None
    return value if value and value not in FORMATS else None


def commands_in(text: str) -> list[list[str]]:
    return [cli_args(m.group(0)) for m in re.finditer(r"(?m)(?<![\w/-])compliance [^\n]*", text)
            if not m.group(0).startswith("compliance:")]


def check_commands(commands: list[list[str]]) -> None:
    assert commands
    missing = {f for args in commands if (f := needs_format(args))}
    for args in commands:
        if not needs_format(args):
            parse(args)
    if missing:
        pytest.skip(f"--format {', '.join(sorted(missing))} comes with the report formats (issue 5); "
                    "every other command was parsed")
    for args in commands:
        parse(args)


def schema_check(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", f"vendor.{schema}",
                           str(path)], capture_output=True, text=True)


def test_pre_commit_hook_is_a_valid_manifest_whose_entry_exists(tmp_path):
    [hook] = load_manifest(str(HOOKS))
    assert (hook["id"], hook["language"], hook["pass_filenames"]) == ("compliance", "python", True)
    assert set(hook["types_or"]) == {"markdown", "plain-text"}
    parse([*cli_args(hook["entry"]), "articles/a.md", "articles/b.txt"])  # as pre-commit appends file names
    broken = tmp_path / "hooks.yaml"
    broken.write_text("- id: compliance\n  entry: compliance check\n")  # no name, no language
    with pytest.raises(InvalidManifestError):
        load_manifest(str(broken))


@pytest.mark.parametrize("schema, path", [("github-workflows", GITHUB), ("gitlab-ci", GITLAB)])
def test_ci_examples_are_valid_for_their_ci(schema, path, tmp_path):
    result = schema_check(schema, path)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / path.name
    broken.write_text(path.read_text().replace("script:", "scripts:").replace("runs-on:", "run-on:"))
    assert schema_check(schema, broken).returncode != 0  # the check can fail


def test_github_workflow_uploads_sarif_from_the_changed_files(tmp_path):
    workflow = yaml.safe_load(GITHUB.read_text())
    steps = workflow["jobs"]["compliance"]["steps"]
    assert workflow["permissions"]["security-events"] == "write"
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)
    runs = [s["run"] for s in steps if "compliance check" in s.get("run", "")]
    assert all("--changed-since" in r for r in runs)
    assert any("--format sarif > compliance.sarif" in r for r in runs)
    check_commands([args for r in runs for args in commands_in(r)])


def test_gitlab_job_calls_existing_commands():
    job = yaml.safe_load(GITLAB.read_text())["compliance"]
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    check_commands([args for line in job["script"] for args in commands_in(line)])


def test_readme_ci_snippets_are_valid(tmp_path):
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Use it in CI", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    docs = [yaml.safe_load(b) for b in blocks]
    pre_commit = next(d for d in docs if isinstance(d, dict) and "repos" in d)
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(yaml.safe_dump(pre_commit))
    load_config(str(config))  # raises InvalidConfigError when it is not a valid pre-commit config
    [hook] = pre_commit["repos"][0]["hooks"]
    assert hook["id"] == load_manifest(str(HOOKS))[0]["id"]
    with pytest.raises(InvalidConfigError):
        config.write_text("repos:\n  - repo: x\n")
        load_config(str(config))
    check_commands([args for block in blocks for args in commands_in(block)])
