"""``compliance audit``: check a folder and write report.json plus the human reports."""
from __future__ import annotations

from pathlib import Path

import click
from click.core import ParameterSource

from ..errors import UserError
from ..models import DocumentResult, NotChecked, Report
from ..report.render import write_reports
from ..report.text import summary_line
from .common import EXIT_INTERRUPTED, build, checker_options, exit_code, user_errors


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("compliance-report"), show_default=True, help="Folder for the reports.")
@checker_options
@user_errors
def audit(paths: tuple[Path, ...], out_dir: Path, config_path, extra_rules, as_of, fail_on) -> None:
    """Audit a content folder: write report.json, a permission report and an attribution report."""
    if click.get_current_context().get_parameter_source("out_dir") is ParameterSource.DEFAULT:
        _refuse_inside(out_dir, paths)
    checker, config = build(config_path, extra_rules, as_of)
    documents: list[DocumentResult] = []
    not_checked: list[NotChecked] = []
    try:
        for result in checker.iter_check(paths, exclude=[out_dir], not_checked=not_checked):
            documents.append(result)
    except KeyboardInterrupt:
        done = summary_line(Report.of(documents, not_checked))
        click.echo(f"compliance: interrupted after checking {done}; no report written, "
                   f"{out_dir} is as it was", err=True)
        raise SystemExit(EXIT_INTERRUPTED) from None
    report = Report.of(documents, not_checked)
    try:
        written = write_reports(report, checker.rules, out_dir)
    except KeyboardInterrupt:
        click.echo(f"compliance: interrupted while writing reports; each report in {out_dir} is whole, "
                   f"from this run or the one before", err=True)
        raise SystemExit(EXIT_INTERRUPTED) from None
    except OSError as exc:
        raise UserError(f"cannot write report: {exc.strerror or exc}", exc.filename or str(out_dir)) from None
    for path in written:
        click.echo(f"wrote {path}", err=True)
    click.echo(summary_line(report))
    raise SystemExit(exit_code(report, fail_on or config.fail_on))


def _refuse_inside(out_dir: Path, paths: tuple[Path, ...]) -> None:
    """The checker writes into a folder it checks only when told to with ``-o``."""
    out = out_dir.resolve()
    for p in paths:
        if p.is_dir() and out.is_relative_to(p.resolve()):
            raise UserError(f"the default report folder '{out_dir}' is inside the folder being checked; "
                            f"choose where reports go with -o", str(p))
