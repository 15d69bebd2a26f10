"""Helpers for the bad-input tests: run the CLI as a user would and prove the input tree is untouched."""
from __future__ import annotations

import hashlib
import json
import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from click.testing import CliRunner, Result

from compliance.cli import main

# An agency article that the built-in rules deny for a publisher without agreements.
AGENCY = ("Water ministers agreed on Tuesday to build thirty measuring stations along shared rivers. (ILKHA)\n"
          "All rights reserved by İlke Haber Ajansı. Under no circumstances can all or part of the news be used "
          "without a written contract or subscription.\n")


def snapshot(root: Path, skip: Path | None = None) -> dict[str, tuple[Any, ...]]:
    """Every entry under ``root`` (but ``skip``) with its kind, mode, content hash or link target and mtime."""
    out: dict[str, tuple[Any, ...]] = {}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = [d for d in dirs if skip is None or here / d != skip]
        for name in dirs + files:
            path = here / name
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                what: Any = os.readlink(path)
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as fh:
                    what = hashlib.file_digest(fh, "sha256").hexdigest()
            else:
                what = None
            out[os.fsencode(path.relative_to(root)).hex()] = (st.st_mode, st.st_size, st.st_mtime_ns, what)
    return out


@contextmanager
def unchanged(root: Path, skip: Path | None = None) -> Iterator[None]:
    """Assert that nothing under ``root`` (outside ``skip``) was created, changed or removed."""
    before = snapshot(root, skip)
    yield
    assert snapshot(root, skip) == before, "the checker changed its input tree"


def invoke(*args: Any) -> Result:
    """Run ``compliance`` in-process; it must end with an exit code, never an escaped exception."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def check_json(*args: Any) -> tuple[Result, dict[str, Any]]:
    result = invoke("check", "--format", "json", *args)
    return result, json.loads(result.stdout)


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {Path(d["path"]).name: d for d in report["documents"]}
