"""The README's "Use it from Python" and "Use it over HTTP" snippets, run as written.

Python blocks run in order in one namespace (like one session) from the
repository root; a ``text`` block right after one must equal what it printed.
Over HTTP, the ``sh`` block with ``compliance serve`` starts the real server
(``--port 0`` added; its ``pip install`` line is what this test environment has
already done), every ``curl`` block runs in bash against it with the documented
address replaced by the real one, and a ``json`` block right after must be
contained in the answer. The PHP block needs WordPress and is not run.
"""
from __future__ import annotations

import contextlib
import io
import json
import re
import shlex
import subprocess
from typing import Any

import compliance

from .conftest import ROOT
from .serving import running_server

README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
DOCUMENTED_URL = "http://127.0.0.1:8000"


def _section(title: str) -> list[tuple[str, str]]:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return FENCE.findall(README[start:end if end != -1 else None])


def _with_expected(blocks: list[tuple[str, str]], kind: str, expected: str) -> list[tuple[str, str | None]]:
    """Each ``kind`` block with the ``expected``-language block right after it, if any."""
    pairs = []
    for i, (lang, code) in enumerate(blocks):
        if lang == kind:
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            pairs.append((code, following[1] if following and following[0] == expected else None))
    return pairs


def test_python_section_runs_and_prints_what_it_shows(monkeypatch):
    blocks = _section("Use it from Python")
    pairs = _with_expected(blocks, "python", "text")
    assert len(pairs) >= 3 and {lang for lang, _ in blocks} == {"python", "text"}
    monkeypatch.chdir(ROOT)
    namespace: dict[str, Any] = {}
    for code, shown in pairs:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the README's own code
        if shown is not None:
            assert out.getvalue() == shown


def test_python_section_names_every_public_export():
    start = README.index("\n## Use it from Python\n")
    section = README[start:README.index("\n## ", start + 1)]
    assert [name for name in compliance.__all__ if f"`{name}`" not in section] == []


def test_http_section_runs_against_the_real_server():
    blocks = _section("Use it over HTTP")
    assert {lang for lang, _ in blocks} == {"sh", "json", "php"}
    start, *curls = _with_expected(blocks, "sh", "json")
    lines = start[0].strip().splitlines()
    assert lines[0] == "pip install '.[server]'" and len(lines) == 2
    serve = shlex.split(lines[1])
    assert serve[:2] == ["compliance", "serve"]
    assert len(curls) >= 2 and all(code.startswith("curl ") for code, _ in curls)
    with running_server(*serve[2:], cwd=ROOT) as server:
        for code, shown in curls:
            out = subprocess.run(["bash", "-c", code.replace(DOCUMENTED_URL, server.url)], cwd=ROOT,
                                 capture_output=True, text=True, timeout=60, check=True)
            assert shown is not None, code
            assert _contained(json.loads(shown), json.loads(out.stdout)), out.stdout


def _contained(shown: Any, actual: Any) -> bool:
    """``shown`` is ``actual`` with keys left out (lists keep their length and order)."""
    if isinstance(shown, dict):
        return isinstance(actual, dict) and all(k in actual and _contained(v, actual[k]) for k, v in shown.items())
    if isinstance(shown, list):
        return (isinstance(actual, list) and len(shown) == len(actual)
                and all(_contained(s, a) for s, a in zip(shown, actual)))
    return shown == actual
