"""``compliance audit``: check a folder and write report.json plus the human reports."""
from __future__ import annotations

from pathlib import Path

import click

from ..engines.local import check_many
from ..models import Report
from ..paths import collect
from ..report.render import write_reports
from ..report.text import summary_line
from .common import build, checker_options, exit_code, jobs_option, user_errors


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("compliance-report"), show_default=True, help="Folder for the reports.")
@jobs_option
@checker_options
@user_errors
def audit(paths: tuple[Path, ...], out_dir: Path, jobs: int, config_path, extra_rules, as_of, fail_on) -> None:
    """Audit a content folder: write report.json, a permission report and an attribution report."""
    checker, config = build(config_path, extra_rules, as_of)
    report = Report.of(list(check_many(checker, collect(paths), jobs)))
    written = write_reports(report, checker.rules, out_dir)
    for path in written:
        click.echo(f"wrote {path}", err=True)
    click.echo(summary_line(report))
    raise SystemExit(exit_code(report, fail_on or config.fail_on))
