"""The ``compliance`` command: a thin shell over the library, one module per subcommand."""
from __future__ import annotations

import click

from .. import __version__
from . import audit, check, rules
from . import config as config_command
from . import init as init_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="compliance")
def main() -> None:
    """Check news content for licensing and attribution compliance."""


main.add_command(check.check)
main.add_command(audit.audit)
main.add_command(rules.rules)
main.add_command(config_command.config_group)
main.add_command(init_command.init)
