"""What the subcommands share: option sets, building a Checker, errors and exit codes."""
from __future__ import annotations

import functools
from datetime import date
from pathlib import Path
from typing import Any, Callable

import click

from ..checker import Checker
from ..config import Config, load_config
from ..engines.local import default_jobs
from ..errors import UserError
from ..models import VERDICT_RANK, Report

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # the shell's code for Ctrl-C; never 1, which would read as a decision


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
                     help="Config file with rule packs and agreements."),
        click.option("--rules", "extra_rules", multiple=True, type=click.Path(path_type=Path),
                     help="An extra rule pack (folder or file); may repeat."),
        click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]),
                     help="Decide as of this date (YYYY-MM-DD), e.g. for scheduled publication."),
    ]):
        fn = option(fn)
    return fn


def checker_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--fail-on", type=click.Choice(["deny", "review"]), default=None,
                      help="Lowest verdict that fails the run (default: deny).")(fn)
    return config_options(fn)


jobs_option = click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=default_jobs, show_default="all cores",
    help="Worker processes; results are identical to a single process.")


def build(config_path: Path | None, extra_rules: tuple[Path, ...], as_of: Any) -> tuple[Checker, Config]:
    if config_path is not None and not config_path.is_file():
        raise UserError("config file not found", str(config_path))
    config = load_config(config_path) if config_path else Config()
    if extra_rules:
        config = config.model_copy(update={"rules": [*config.rules, *map(str, (p.resolve() for p in extra_rules))]})
    day: date | None = as_of.date() if as_of else None
    return Checker.from_config(config, as_of=day), config


def exit_code(report: Report, fail_on: str) -> int:
    if any(d.error for d in report.documents):
        return EXIT_UNREADABLE
    threshold = VERDICT_RANK[fail_on]
    return EXIT_FAIL if any(VERDICT_RANK[d.verdict] >= threshold for d in report.documents) else EXIT_OK
