"""The ``compliance`` command: a thin shell over the library, one module per subcommand.

Subcommands are imported when they run, so ``compliance --version`` and
``--help`` start without loading the checker.
"""
from __future__ import annotations

import importlib

import click

from .. import __version__

# name -> (module, object) of each subcommand
SUBCOMMANDS = {"check": ("check", "check"), "audit": ("audit", "audit"), "rules": ("rules", "rules"),
               "serve": ("serve", "serve"), "config": ("config", "config_group"), "init": ("init", "init")}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in SUBCOMMANDS:
            return None
        module, attr = SUBCOMMANDS[name]
        return getattr(importlib.import_module(f"{__name__}.{module}"), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="compliance")
def main() -> None:
    """Check news content for licensing and attribution compliance."""
