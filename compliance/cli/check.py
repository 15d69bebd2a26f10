"""``compliance check``: decide each file, print the result, exit non-zero at the fail level.

Takes what CI and pre-commit hand it: file names, folders, globs, ``-`` for
stdin, or ``--changed-since REV`` for the files a branch added, modified or renamed.
"""
from __future__ import annotations

import os
import subprocess
import sys
from itertools import chain
from pathlib import Path

import click

from ..checker import Checker, failed
from ..errors import UserError
from ..load import FORMATS as INPUT_FORMATS
from ..load import format_of, load_bytes
from ..load.read import read_stream
from ..models import DocumentResult
from ..paths import Found, collect
from ..engines.local import check_many
from ..incremental import ResultCache
from ..report import FORMATS, FormatOptions, formatter
from ..report.spool import Spool
from .common import (Output, UsageFailure, build, cache_option, checker_options, exit_code, fails, jobs_option,
                     output_options, user_errors)

STDIN = "-"


@click.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default=None,
              help="Output format (default: the config's, else text).")
@click.option("--changed-since", "rev", metavar="REV",
              help="Check only files added, modified or renamed since git revision REV "
                   "(from its merge base with HEAD), within PATHS if given.")
@click.option("--stdin-filename", metavar="NAME", help="The name to report for '-' (and match waivers against).")
@jobs_option
@cache_option
@checker_options
@output_options
@user_errors
def check(paths: tuple[str, ...], fmt: str | None, rev: str | None, stdin_filename: str | None, jobs: int,
          cache: bool, config_path, extra_rules, as_of, fail_on, quiet: bool, verbose: bool,
          color: bool | None) -> None:
    """Check files, folders, globs or '-' (stdin) and print each document's decision and why."""
    if not paths and rev is None:
        raise click.UsageError("give files, folders, globs or '-' (stdin), or --changed-since REV")
    checker, config = build(config_path, extra_rules, as_of, fail_on)
    out = Output.from_options(quiet, verbose, color)
    out.detail(f"config: {config.file or 'none found, built-in defaults'}")
    named = [p for p in paths if p != STDIN]
    files = changed_files(rev, named, checker) if rev is not None else list(collect(named, checker.select))
    out.detail(f"checking {len(files)} files" + (f" changed since {rev}" if rev is not None else ""))
    results = [check_stdin(checker, stdin_filename)] if STDIN in paths else []
    fmt = fmt or config.format
    if fmt == "json":
        raise SystemExit(json_report(checker, results, files, jobs, cache, out, config.fail_on))
    runner = ResultCache(checker) if cache else checker
    results += out.progress(check_many(runner, files, jobs), len(files), "checking")
    report = checker.report(results)
    shown = report
    if out.quiet and fmt == "text":
        failing = [d for d in report.documents if d.error or fails(d, config.fail_on)]
        shown = report.model_copy(update={"documents": failing, "unused_waivers": []})
    out.result(formatter(fmt)(shown, FormatOptions(checker.rules, config.fail_on)), styled=fmt == "text")
    raise SystemExit(exit_code(report.documents, config.fail_on))


def json_report(checker: Checker, results: list[DocumentResult], files: list[Found], jobs: int, cache: bool,
                out: Output, fail_on: str) -> int:
    """Print the JSON report, streamed as an audit writes report.json (memory holds an index, not the
    documents, and a cached document is copied out as it was formatted); the run's exit code."""
    runner = ResultCache(checker, spooled=True) if cache else checker
    with Spool() as spool:
        for result in chain(results, out.progress(check_many(runner, files, jobs, spooled=True), len(files),
                                                  "checking")):
            spool.add(result)
        report = spool.report(checker.waivers)
        for chunk in report.json_chunks():
            click.echo(chunk, nl=False)
    return exit_code(report.index, fail_on)


def check_stdin(checker: Checker, name: str | None) -> DocumentResult:
    display = name or "<stdin>"
    try:
        data = read_stream(sys.stdin.buffer, display, checker.inputs.max_bytes)
        doc = load_bytes(data, display, format_of(Path(display)))
    except UserError as exc:
        return failed(display, "unreadable", exc.message)
    return checker.check_document(doc)


def changed_files(rev: str, within: list[str], checker: Checker) -> list[Path]:
    """Files git sees as added, modified or renamed since ``rev`` (committed or not), in a checkable format."""
    if rev.startswith("-"):
        raise UsageFailure(f"--changed-since takes a git revision, not '{rev}'")
    top = Path(git("rev-parse", "--show-toplevel").strip())
    names = git("diff", "--name-only", "-z", "--diff-filter=AMR", "--merge-base", rev, "--").split("\0")
    roots = [os.path.realpath(p) for p in within]
    files = []
    for name in filter(None, names):
        full = top / name
        if full.suffix.lower() not in INPUT_FORMATS:
            continue
        if roots and not any(str(full) == r or str(full).startswith(r + os.sep) for r in roots):
            continue
        files.append(Path(os.path.relpath(full)))
    return list(collect(sorted(files), checker.select))


def git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise UsageFailure("--changed-since needs git, which is not installed") from None
    if done.returncode != 0:
        raise UsageFailure(f"git {args[0]} failed: {done.stderr.strip().splitlines()[0] if done.stderr else ''}")
    return done.stdout
