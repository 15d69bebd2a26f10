"""``compliance config show``: the effective config, and where each value came from."""
from __future__ import annotations

from typing import Any

import click
import yaml

from ..config import Config
from .common import build, checker_options, user_errors


@click.group(name="config")
def config_group() -> None:
    """Inspect the project config."""


@config_group.command()
@checker_options
@user_errors
def show(config_path, extra_rules, as_of, fail_on) -> None:
    """Print the effective config (valid YAML), each value with where it came from."""
    _, config = build(config_path, extra_rules, as_of, fail_on)  # builds the checker too: validates everything
    click.echo(f"# config file: {config.file or 'none found; built-in defaults'}")
    click.echo(f"# paths are relative to: {config.base.resolve()}")
    rows = [(f"{key}: {_flow(getattr(config, key))}", _origin(config, key))
            for key in Config.settings() if key != "agreements"]
    rows.append(("agreements:" if config.agreements else "agreements: []", _origin(config, "agreements")))
    rows += [(f"  - {_flow(_agreement(a))}", _origin(config, f"agreements.{i}"))
             for i, a in enumerate(config.agreements)]
    width = max(len(text) for text, _ in rows)
    for text, origin in rows:
        click.echo(f"{text.ljust(width)}  # {origin}")


def _origin(config: Config, key: str) -> str:
    origin = config.origin(key)
    return str(origin) if origin else "default"


def _agreement(agreement: Any) -> dict[str, Any]:
    data = agreement.model_dump(mode="json", exclude_none=True)
    if "permits" in data:
        data["permits"] = sorted(data["permits"])
    return data


def _flow(value: Any) -> str:
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    elif hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, sort_keys=False,
                          width=10**6).removesuffix("\n...\n").strip()
