"""``compliance audit``: check a folder and write report.json plus the human reports."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click
from click.core import ParameterSource

from ..checker import Checker
from ..config import Config
from ..engines.local import check_many
from ..incremental import Audits, ResultCache
from ..errors import UserError
from ..models import DocumentResult, NotChecked, Summary
from ..paths import Found, collect
from ..report.render import reports_key, write_kept, write_reports
from ..report.spool import Spool, Spooled
from ..report.text import summary_line
from .common import (EXIT_INTERRUPTED, build, cache_option, checker_options, exit_code, exit_code_of, jobs_option,
                     user_errors)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("compliance-report"), show_default=True, help="Folder for the reports.")
@jobs_option
@cache_option
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: this machine; dask: a Dask cluster (sharded, resumable; accepts .jsonl exports).")
@click.option("--scheduler", metavar="ADDRESS", help="With --engine dask: an existing scheduler (default: a local cluster).")
@click.option("--template", "template_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of your own templates; each overrides the built-in one of the same name.")
@checker_options
@user_errors
def audit(paths: tuple[Path, ...], out_dir: Path, jobs: int, cache: bool, engine: str, scheduler: str | None,
          template_dir: Path | None, config_path, extra_rules, as_of, fail_on) -> None:
    """Audit a content folder: write report.json, permission and attribution reports (HTML, Markdown, text)."""
    if click.get_current_context().get_parameter_source("out_dir") is ParameterSource.DEFAULT:
        _refuse_inside(out_dir, paths)
    checker, config = build(config_path, extra_rules, as_of)
    templates = [template_dir] if template_dir else []
    found = list(collect(paths, checker.select, exclude=[out_dir])) if engine == "local" else []
    audits = Audits(checker, found) if cache and engine == "local" else None
    kept = audits.kept() if audits else None
    if kept:
        with _writing(out_dir):
            written = write_kept(reports_key(kept.digest, checker, templates), out_dir)
        if written:  # the same audit as before, its reports still kept: no file is read
            _finish(written, kept.summary, exit_code_of(kept.summary, fail_on or config.fail_on))
    with Spool() as spool:
        try:
            for result in _results(checker, config, paths, found, out_dir, jobs, cache, engine, scheduler):
                spool.add(result)
        except KeyboardInterrupt:
            click.echo(f"compliance: interrupted after checking {summary_line(spool.summary())}; "
                       f"no report written, {out_dir} is as it was", err=True)
            raise SystemExit(EXIT_INTERRUPTED) from None
        report = spool.report(checker.waivers)
        with _writing(out_dir):
            written = write_reports(report, checker, out_dir, templates, reuse=cache, jobs=jobs)
    if audits:
        audits.record(report)
    _finish(written, report.summary, exit_code(report.index, fail_on or config.fail_on))


def _finish(written: list[Path], summary: Summary, code: int) -> None:
    for path in written:
        click.echo(f"wrote {path}", err=True)
    click.echo(summary_line(summary))
    raise SystemExit(code)


def _results(checker: Checker, config: Config, paths: tuple[Path, ...], found: list[Found], out_dir: Path, jobs: int,
             cache: bool, engine: str, scheduler: str | None) -> Iterator[DocumentResult | NotChecked | Spooled]:
    if engine == "dask":
        from ..engines import dask as dask_engine

        return dask_engine.run(paths, out_dir, config, checker.context.as_of, scheduler, workers=jobs)
    runner = ResultCache(checker, spooled=True) if cache else checker
    return check_many(runner, found, jobs, spooled=True)


@contextmanager
def _writing(out_dir: Path) -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt:
        click.echo(f"compliance: interrupted while writing reports; each report in {out_dir} is whole, "
                   f"from this run or the one before", err=True)
        raise SystemExit(EXIT_INTERRUPTED) from None
    except OSError as exc:
        raise UserError(f"cannot write report: {exc.strerror or exc}", exc.filename or str(out_dir)) from None


def _refuse_inside(out_dir: Path, paths: tuple[Path, ...]) -> None:
    """The checker writes into a folder it checks only when told to with ``-o``."""
    out = out_dir.resolve()
    for p in paths:
        if p.is_dir() and out.is_relative_to(p.resolve()):
            raise UserError(f"the default report folder '{out_dir}' is inside the folder being checked; "
                            f"choose where reports go with -o", str(p))
