"""``compliance audit``: check a folder and write report.json plus the human reports."""
from __future__ import annotations

from pathlib import Path

import click

from ..engines.local import check_many
from ..paths import collect
from ..report.render import write_reports
from ..report.text import summary_line
from .common import build, checker_options, exit_code, jobs_option, user_errors


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("compliance-report"), show_default=True, help="Folder for the reports.")
@jobs_option
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: this machine; dask: a Dask cluster (sharded, resumable; accepts .jsonl exports).")
@click.option("--scheduler", metavar="ADDRESS", help="With --engine dask: an existing scheduler (default: a local cluster).")
@click.option("--template", "template_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of your own templates; each overrides the built-in one of the same name.")
@checker_options
@user_errors
def audit(paths: tuple[Path, ...], out_dir: Path, jobs: int, engine: str, scheduler: str | None,
          template_dir: Path | None, config_path, extra_rules, as_of, fail_on) -> None:
    """Audit a content folder: write report.json, permission and attribution reports (HTML, Markdown, text)."""
    checker, config = build(config_path, extra_rules, as_of)
    if engine == "dask":
        from ..engines import dask as dask_engine

        results = dask_engine.run(paths, out_dir, config, checker.context.as_of, scheduler, workers=jobs)
    else:
        results = list(check_many(checker, collect(paths, checker.select), jobs))
    report = checker.report(results)
    written = write_reports(report, checker, out_dir, [template_dir] if template_dir else [])
    for path in written:
        click.echo(f"wrote {path}", err=True)
    click.echo(summary_line(report))
    raise SystemExit(exit_code(report, fail_on or config.fail_on))
