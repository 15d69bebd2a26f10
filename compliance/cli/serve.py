"""``compliance serve``: the checker as an HTTP JSON service (needs the ``server`` extra)."""
from __future__ import annotations

import os
from pathlib import Path

import click

from ..errors import UserError
from .common import UsageFailure, build, config_options, user_errors

SERVER_PACKAGES = {"starlette", "uvicorn", "anyio"}


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback needs a token.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0 picks a free one).")
@click.option("--token-file", type=click.Path(dir_okay=False, path_type=Path),
              help="File holding the bearer token clients must send (or set COMPLIANCE_TOKEN).")
@click.option("--max-body-size", type=click.IntRange(min=1), default=1_048_576, show_default=True,
              help="Largest request body in bytes; a larger one is refused with 413.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              help="Seconds a request may take, reading the body and checking.")
@config_options
@user_errors
def serve(host: str, port: int, token_file: Path | None, max_body_size: int, timeout: float,
          config_path, extra_rules, as_of) -> None:
    """Serve the checker over HTTP for a CMS: POST /v1/check, /v1/check/batch; GET /v1/sources, /v1/rules."""
    try:
        from .. import serve as service
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in SERVER_PACKAGES:
            raise
        raise UsageFailure("the HTTP service needs the server extra: pip install 'news-compliance[server]'") from None
    token = _token(token_file, os.environ.get(service.TOKEN_ENV), service.TOKEN_ENV)
    checker, _ = build(config_path, extra_rules, as_of)
    service.run(checker, host=host, port=port, token=token,
                limits=service.Limits(max_body_size=max_body_size, timeout=timeout))


def _token(token_file: Path | None, from_env: str | None, env_name: str) -> str | None:
    """The bearer token from a file or the environment (never the command line, which others can read)."""
    if token_file is not None and from_env:
        raise UserError(f"give the token either in {env_name} or with --token-file, not both")
    if token_file is None:
        return from_env or None
    try:
        return token_file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the token: {getattr(exc, 'strerror', None) or exc}", str(token_file)) from None
