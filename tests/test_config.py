"""Finding the config, showing it, starting one, and its errors (file and line, exit 2)."""
from __future__ import annotations

import pytest
import yaml

from compliance.cli import main

AA_ARTICLE = "ANKARA (AA) - The port authority said on Thursday that a new crane would arrive in June.\n"


@pytest.fixture()
def project(tmp_path, monkeypatch):
    """A repository root (discovery stops at .git) with a nested folder, as the current folder."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "desk" / "today").mkdir(parents=True)
    (tmp_path / "desk" / "today" / "port.txt").write_text(AA_ARTICLE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def show(runner, *args):
    result = runner.invoke(main, ["config", "show", *args])
    return result, {line.split("  #")[0].split(":")[0]: line for line in result.output.splitlines()}


def test_yaml_config_is_found_in_a_parent_folder(runner, project, monkeypatch):
    (project / "compliance.yaml").write_text("fail_on: review\nwarn_days: 10\n")
    monkeypatch.chdir(project / "desk" / "today")
    result, rows = show(runner)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# config file: ../../compliance.yaml\n")
    assert rows["fail_on"].endswith("# ../../compliance.yaml:1")
    assert rows["warn_days"].endswith("# ../../compliance.yaml:2")
    assert rows["format"].endswith("# default")


def test_show_prints_valid_yaml_with_command_line_overrides(runner, project):
    (project / ".compliance.yaml").write_text("agreements:\n  - source: aa\n    permits: [reproduce, distribute]\n")
    result, rows = show(runner, "--fail-on", "review", "--as-of", "2026-05-01")
    assert rows["fail_on"].endswith("# --fail-on") and rows["as_of"].endswith("# --as-of")
    assert rows["  - {source"].endswith("# .compliance.yaml:2")
    data = yaml.safe_load(result.output)
    assert data["fail_on"] == "review" and str(data["as_of"]) == "2026-05-01"
    assert data["agreements"] == [{"source": "aa", "kind": "subscription", "permits": ["distribute", "reproduce"]}]


def test_two_yaml_configs_in_one_folder_are_an_error(runner, project):
    (project / "compliance.yaml").write_text("{}\n")
    (project / ".compliance.yaml").write_text("{}\n")
    result = runner.invoke(main, ["config", "show"])
    assert result.exit_code == 2
    assert "keep one" in result.output


def test_pyproject_table_is_used_when_there_is_no_yaml_config(runner, project, monkeypatch):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "newsroom"\n\n[tool.compliance]\nfail_on = "review"\n\n'
        '[[tool.compliance.agreements]]\nsource = "aa"\nexpires = 2027-01-31\n')
    result, rows = show(runner)
    assert result.exit_code == 0, result.output
    assert rows["fail_on"].endswith("# pyproject.toml:5")
    assert rows["  - {source"].endswith("# pyproject.toml:7")
    assert "expires: '2027-01-31'" in rows["  - {source"]
    # From a subfolder: a nearer pyproject.toml without [tool.compliance] is skipped ...
    (project / "desk" / "pyproject.toml").write_text('[project]\nname = "desk"\n')
    monkeypatch.chdir(project / "desk" / "today")
    assert show(runner)[0].output.startswith("# config file: ../../pyproject.toml\n")
    # ... and a yaml config in any parent comes before any pyproject.toml.
    (project / "desk" / "compliance.yaml").write_text("warn_days: 3\n")
    assert show(runner)[0].output.startswith("# config file: ../compliance.yaml\n")
    # --config wins over both.
    result = runner.invoke(main, ["check", "port.txt", "--config", str(project / "pyproject.toml"),
                                  "--as-of", "2026-06-01"])
    assert result.exit_code == 0, result.output  # the AA agreement in pyproject.toml applies


def test_pyproject_errors_name_the_line_of_the_key(runner, project):
    (project / "pyproject.toml").write_text(
        '[tool.compliance]\nfail_on = "deny"\nfail_levl = "review"\n\n'
        '[[tool.compliance.agreements]]\nsource = "aa"\n\n[[tool.compliance.agreements]]\nsource = "ap"\n'
        'kind = "handshake"\n')
    result = runner.invoke(main, ["check", "desk"])
    assert (result.exit_code, result.output) == (2, "compliance: error: pyproject.toml:3: unknown key 'fail_levl'\n")
    (project / "pyproject.toml").write_text(
        '[tool.compliance]\nfail_on = "deny"\n\n[[tool.compliance.agreements]]\nsource = "aa"\n\n'
        '[[tool.compliance.agreements]]\nsource = "ap"\nkind = "handshake"\n')
    result = runner.invoke(main, ["check", "desk"])
    assert result.exit_code == 2
    assert result.output.startswith("compliance: error: pyproject.toml:9: agreements.1.kind: Input should be")


@pytest.mark.parametrize("text, line, message", [
    ("fail_on: deny\nformat: pdf\n", 2, "format: unknown format 'pdf'"),
    ("fail_on: sometimes\n", 1, "fail_on: Input should be 'deny' or 'review'"),
    ("warn_days: -3\n", 1, "warn_days: Input should be greater than or equal to 0"),
    ("credit_style: 'Photo: {agency}'\n", 1, "credit_style: the only placeholder allowed is {credit}"),
    ("base: /etc\n", 1, "unknown key 'base'"),
    ("agreements:\n  - source: aa\n    kind: subscription\n    permits: [reprint]\n", 4, "agreements.0.permits.0"),
    ("agreements:\n  - source: aa\n    starts: 2027-01-01\n    expires: 2026-01-01\n", 2,
     "agreements.0: starts (2027-01-01) is after expires (2026-01-01)"),
    ("agreements:\n  - source: aa\n    expires: 2026-02-30\n", 3, "invalid value: day is out of range"),
    ("agreements:\n  - source: aa\n  - source: daily-planet\n", 3, "agreement names unknown source 'daily-planet'"),
    ("agreements_file: contracts.yaml\n", 1, "agreements_file: file not found"),
])
def test_config_errors_name_file_and_line(runner, project, text, line, message):
    (project / "compliance.yaml").write_text(text)
    result = runner.invoke(main, ["check", "desk"])
    assert result.exit_code == 2
    assert result.output.startswith(f"compliance: error: compliance.yaml:{line}: {message}"), result.output
    assert "Traceback" not in result.output


def test_agreements_file_is_read_and_its_errors_name_its_lines(runner, project):
    (project / "compliance.yaml").write_text("agreements_file: contracts/agreements.yaml\n")
    (project / "contracts").mkdir()
    agreements = project / "contracts" / "agreements.yaml"
    agreements.write_text("agreements:\n  - source: aa\n    kind: subscription\n    credit: 'AA'\n")
    assert runner.invoke(main, ["check", "desk"]).exit_code == 0
    agreements.write_text("agreements:\n  - source: aa\n  - source: nosuch\n")
    result = runner.invoke(main, ["check", "desk"])
    assert result.exit_code == 2
    assert "contracts/agreements.yaml:3: agreement names unknown source 'nosuch'" in result.output
    agreements.write_text("agreements:\n  - source: aa\nrenewals: []\n")
    assert "contracts/agreements.yaml:3: unknown key 'renewals'" in runner.invoke(main, ["check", "desk"]).output


def test_house_credit_style(runner, project):
    (project / "compliance.yaml").write_text(
        "credit_style: 'Source: {credit}'\nagreements:\n  - source: aa\n    credit: Anadolu Agency\n")
    result = runner.invoke(main, ["check", "desk"])
    assert "duty attribute: Source: Anadolu Agency" in result.output


def test_init_writes_a_working_starter_and_never_overwrites(runner, project):
    result = runner.invoke(main, ["init"])
    assert result.exit_code == 0
    assert result.stderr == "wrote compliance.yaml\nwrote agreements.yaml\n"
    config = (project / "compliance.yaml").read_text()
    assert config.count("#") > 10  # commented
    shown, rows = show(runner)
    assert shown.exit_code == 0 and rows["agreements_file"].endswith("# compliance.yaml:20")
    assert runner.invoke(main, ["check", "desk"]).exit_code == 1  # no agreements yet: the AA copy is denied

    (project / "agreements.yaml").write_text("agreements:\n  - source: aa\n")
    again = runner.invoke(main, ["init"])
    assert again.exit_code == 0
    assert again.stderr == "compliance.yaml exists; left as it is\nagreements.yaml exists; left as it is\n"
    assert (project / "agreements.yaml").read_text() == "agreements:\n  - source: aa\n"
    assert (project / "compliance.yaml").read_text() == config


def test_init_respects_a_hidden_config(runner, project):
    (project / ".compliance.yaml").write_text("fail_on: review\n")
    result = runner.invoke(main, ["init"])
    assert ".compliance.yaml exists; left as it is" in result.stderr
    assert not (project / "compliance.yaml").exists()
