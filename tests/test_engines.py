"""Engines change where documents run, never what they decide."""
from __future__ import annotations

import json
import shutil

import pytest

from compliance.cli import main

from .conftest import CONTENT


@pytest.fixture()
def folder(tmp_path):
    """The examples, copied enough times that a pool gets several chunks of work."""
    root = tmp_path / "content"
    for i in range(4):
        shutil.copytree(CONTENT, root / f"batch{i}")
    return root


def test_jobs_give_identical_output(runner, folder):
    one = runner.invoke(main, ["check", "--format", "json", "-j", "1", str(folder)])
    two = runner.invoke(main, ["check", "--format", "json", "-j", "2", str(folder)])
    assert one.exit_code == two.exit_code == 1
    assert one.output == two.output
    assert json.loads(one.output)["summary"]["documents"] == 24


def test_dask_engine_matches_local_run_and_resumes(runner, folder, tmp_path):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    local = tmp_path / "local"
    runner.invoke(main, ["audit", "-j", "1", "--as-of", "2026-01-01", str(folder), "-o", str(local)])
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_text(json.dumps({"id": "a1", "body": (CONTENT / "ilkha-legal-warning.txt").read_text()}) + "\n"
                     + "not json\n", encoding="utf-8")
    out = tmp_path / "dask"
    args = ["audit", "--engine", "dask", "-j", "2", "--as-of", "2026-01-01", str(folder), str(jsonl), "-o", str(out)]
    result = runner.invoke(main, args)
    assert result.exit_code == 3, result.output  # the broken JSONL line is reported, never passed
    merged = json.loads((out / "report.json").read_text())
    expected = json.loads((local / "report.json").read_text())
    from_files = [d for d in merged["documents"] if not d["path"].startswith(str(jsonl))]
    assert from_files == expected["documents"]
    from_jsonl = {d["path"]: d["verdict"] for d in merged["documents"] if d["path"].startswith(str(jsonl))}
    assert from_jsonl == {f"{jsonl}:a1": "deny", f"{jsonl}:2": "review"}

    shards = sorted((out / "shards").iterdir())
    stamps = [p.stat().st_mtime_ns for p in shards]
    again = runner.invoke(main, args)
    assert again.exit_code == 3
    assert [p.stat().st_mtime_ns for p in sorted((out / "shards").iterdir())] == stamps  # nothing redone
