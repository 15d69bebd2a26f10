"""``compliance init``: a commented starter config and agreements file, never over existing ones."""
from __future__ import annotations

from pathlib import Path

import click

from ..config import CONFIG_NAMES

STARTER_CONFIG = """\
# Settings for `compliance check` and `compliance audit` in this folder and below.
# Paths are relative to this file. `compliance config show` prints what is in
# effect and where each value came from.

# Rule packs: the built-in ones, plus folders of your own (see rules/README.md).
builtin_rules: true
rules: []                # e.g. [rules/house]
disable: []              # rule ids to switch off, e.g. [policy.unknown-tag]

# Which files folders, globs and --changed-since pick. Globs use / and are
# relative to this file: * and ? stay in one folder, ** spans folders, a name
# without / matches at any depth, a folder matches every file under it.
include: []              # e.g. ["articles/**"]; empty: every supported file
exclude: []              # e.g. [drafts, "**/*.draft.md"]

fail_on: deny            # deny | review: the lowest verdict that fails a run (exit 1)
format: text             # the default output format of `compliance check`

# Contracts and subscriptions you hold, and decisions your editors accepted.
agreements_file: agreements.yaml
# waivers_file: waivers.yaml
warn_days: 30            # warn when an agreement ends within this many days

# The house style of credit lines; {credit} is the credit the source or contract asks for.
credit_style: "{credit}"
"""

STARTER_AGREEMENTS = """\
# Agreements this publisher holds. An agreement that covers the use turns a
# `deny` into `allow` with its duties; an expired one no longer counts.
# Keys: source (a source id: `compliance rules list --kind source`),
# kind (subscription | written_contract | syndication | open_licence),
# permits (reproduce, distribute, modify, excerpt, translate, photos, video,
# archive, ...), territory or channels, starts and expires (YYYY-MM-DD), and
# credit (the credit line the contract requires). For example:
#
#   - source: ap
#     kind: subscription
#     permits: [reproduce, distribute, modify, photos]
#     expires: 2027-06-30
#     credit: "The Associated Press"
agreements: []
"""

STARTERS = {CONFIG_NAMES[0]: STARTER_CONFIG, "agreements.yaml": STARTER_AGREEMENTS}


@click.command()
def init() -> None:
    """Write a commented compliance.yaml and agreements.yaml here (existing files are left as they are)."""
    here = Path.cwd()
    for name, text in STARTERS.items():
        taken = [n for n in (CONFIG_NAMES if name == CONFIG_NAMES[0] else (name,)) if (here / n).exists()]
        if taken:
            click.echo(f"{taken[0]} exists; left as it is", err=True)
            continue
        (here / name).write_text(text, encoding="utf-8")
        click.echo(f"wrote {name}", err=True)
