"""What the subcommands share: option sets, finding the config, building a Checker, output, exit codes."""
from __future__ import annotations

import functools
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

import click

from ..checker import Checker
from ..config import Config, Origin, discover, load_config
from ..engines.local import default_jobs
from ..errors import UserError
from ..models import VERDICT_RANK, DocumentResult, Summary
from ..report.spool import Entry

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # the shell's code for Ctrl-C; never 1, which would read as a decision
PROGRESS_MIN_FILES = 50  # fewer files finish before a bar would help
T = TypeVar("T")


class UsageFailure(click.ClickException):
    exit_code = EXIT_USAGE

    def show(self, file: Any = None) -> None:
        click.echo(f"compliance: error: {self.format_message()}", err=True)


def user_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Render a ``UserError`` as one line on stderr and exit 2, never a traceback; Ctrl-C exits 130."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            raise UsageFailure(str(exc)) from None
        except KeyboardInterrupt:
            click.echo("compliance: interrupted", err=True)
            raise SystemExit(EXIT_INTERRUPTED) from None
    return wrapper


def config_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options ``build()`` takes: config file, extra rule packs, decision date."""
    for option in reversed([
        click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                     help="Config file (default: compliance.yaml or .compliance.yaml here or in a parent "
                          "folder, else [tool.compliance] in pyproject.toml)."),
        click.option("--rules", "extra_rules", multiple=True, type=click.Path(path_type=Path),
                     help="An extra rule pack (folder or file); may repeat."),
        click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]),
                     help="Decide as of this date (YYYY-MM-DD), e.g. for scheduled publication."),
    ]):
        fn = option(fn)
    return fn


def checker_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--fail-on", type=click.Choice(["deny", "review"]), default=None,
                      help="Lowest verdict that fails the run (default: the config's, else deny).")(fn)
    return config_options(fn)


cache_option = click.option(
    "--cache/--no-cache", default=True, show_default=True,
    help="Reuse results of unchanged files from the cache folder (~/.cache/compliance, or $COMPLIANCE_CACHE_DIR).")

jobs_option = click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=default_jobs, show_default="all cores",
    help="Worker processes; results are identical to a single process.")


def output_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed([
        click.option("-q", "--quiet", is_flag=True,
                     help="Print only documents at or above the fail level and the summary; no notes."),
        click.option("-v", "--verbose", is_flag=True, help="Also say which config and files were used."),
        click.option("--color/--no-color", default=None,
                     help="Colour the verdicts (default: on a terminal, unless NO_COLOR is set)."),
    ]):
        fn = option(fn)
    return fn


def effective_config(config_path: Path | None, extra_rules: tuple[Path, ...] = (), as_of: Any = None,
                     fail_on: str | None = None) -> Config:
    """``--config`` FILE, else the discovered config, else defaults; then the command-line options over it."""
    if config_path is not None and not config_path.is_file():
        raise UserError("config file not found", str(config_path))
    found = config_path or discover()
    config = load_config(found) if found else Config()
    if extra_rules:
        packs = [*config.rules, *(str(p.resolve()) for p in extra_rules)]
        config = config.override("rules", packs, Origin("--rules"))
    if as_of:
        config = config.override("as_of", as_of.date(), Origin("--as-of"))
    if fail_on:
        config = config.override("fail_on", fail_on, Origin("--fail-on"))
    return config


def build(config_path: Path | None, extra_rules: tuple[Path, ...], as_of: Any,
          fail_on: str | None = None) -> tuple[Checker, Config]:
    config = effective_config(config_path, extra_rules, as_of, fail_on)
    return Checker.from_config(config), config


def fails(doc: DocumentResult | Entry, fail_on: str) -> bool:
    return VERDICT_RANK[doc.verdict] >= VERDICT_RANK[fail_on]


def exit_code(documents: Sequence[DocumentResult | Entry], fail_on: str) -> int:
    """The run's exit code from its documents (or an audit's index of them)."""
    if any(d.error for d in documents):
        return EXIT_UNREADABLE
    return EXIT_FAIL if any(fails(d, fail_on) for d in documents) else EXIT_OK


def exit_code_of(summary: Summary, fail_on: str) -> int:
    """``exit_code`` from a summary, for a run whose documents all could be read (a kept audit)."""
    failing = [v for v, rank in VERDICT_RANK.items() if rank >= VERDICT_RANK[fail_on]]
    return EXIT_FAIL if any(getattr(summary, v) for v in failing) else EXIT_OK


# -- output ----------------------------------------------------------------
VERDICT_WORD = re.compile(r"^(.*?: )(allow|review|deny|waived|warning)\b", re.MULTILINE)
COLOURS = {"allow": "green", "review": "yellow", "deny": "red", "waived": "cyan", "warning": "magenta"}


def use_color(flag: bool | None) -> bool | None:
    """``--color/--no-color`` wins, then NO_COLOR, then FORCE_COLOR; None lets click decide (a terminal)."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return None


@dataclass(frozen=True)
class Output:
    quiet: bool = False
    verbose: bool = False
    color: bool | None = None

    def result(self, text: str, styled: bool) -> None:
        """The report on stdout; verdict words coloured when it is the text format."""
        if styled:
            text = VERDICT_WORD.sub(lambda m: m.group(1) + click.style(m.group(2), fg=COLOURS[m.group(2)]), text)
        click.echo(text, nl=False, color=self.color)

    def detail(self, message: str) -> None:
        if self.verbose and not self.quiet:
            click.echo(f"compliance: {message}", err=True, color=self.color)

    @staticmethod
    def from_options(quiet: bool, verbose: bool, color: bool | None) -> Output:
        return Output(quiet, verbose, use_color(color))

    def progress(self, items: Iterable[T], count: int, label: str) -> Iterator[T]:
        """``items`` (``count`` of them), with a progress bar on stderr for long runs on a terminal
        (never in CI logs or pipes)."""
        if self.quiet or count < PROGRESS_MIN_FILES or os.environ.get("CI") or not stderr_is_terminal():
            yield from items
            return
        with click.progressbar(items, length=count, label=label, file=sys.stderr, color=self.color) as bar:
            yield from bar


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()

