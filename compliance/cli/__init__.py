"""The ``compliance`` command: a thin shell over the library, one module per subcommand.

Subcommands are imported when they run, so ``compliance --version`` and
``--help`` start without loading the checker.
"""
from __future__ import annotations

import importlib

import click

from .. import __version__

SUBCOMMANDS = {"check": "check", "audit": "audit", "rules": "rules", "serve": "serve"}  # name -> module (same-named object)


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = SUBCOMMANDS.get(name)
        if module is None:
            return None
        return getattr(importlib.import_module(f"{__name__}.{module}"), name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="compliance")
def main() -> None:
    """Check news content for licensing and attribution compliance."""
