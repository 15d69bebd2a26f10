"""``compliance check``: decide each file, print the result, exit non-zero at the fail level."""
from __future__ import annotations

from pathlib import Path

import click

from ..engines.local import check_many
from ..models import Report
from ..paths import collect
from ..report import FORMATS, FormatOptions
from .common import build, checker_options, exit_code, jobs_option, user_errors


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="text", help="Output format.")
@jobs_option
@checker_options
@user_errors
def check(paths: tuple[Path, ...], fmt: str, jobs: int, config_path, extra_rules, as_of, fail_on) -> None:
    """Check files or folders and print each document's decision and why."""
    checker, config = build(config_path, extra_rules, as_of)
    report = Report.of(list(check_many(checker, collect(paths), jobs)))
    level = fail_on or config.fail_on
    click.echo(FORMATS[fmt](report, FormatOptions(checker.rules, level)), nl=False)
    raise SystemExit(exit_code(report, level))
