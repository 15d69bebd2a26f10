"""Engines change where documents run, never what they decide."""
from __future__ import annotations

import concurrent.futures
import errno
import faulthandler
import json
import os
import shutil
import signal
from pathlib import Path

import pytest

from compliance import Checker
from compliance.cli import main
from compliance.engines import local
from compliance.incremental import ResultCache
from compliance.paths import collect
from compliance.report import render

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


def test_a_pool_takes_kept_results_from_the_cache_and_checks_only_the_rest_in_order(runner, folder, tmp_path,
                                                                                    monkeypatch):
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(local, "CHUNK", 4)  # several chunks, with kept results between them
    files = list(collect([folder]))
    list(local.check_many(ResultCache(Checker()), files, jobs=2))  # every result kept
    edited = [folder / "batch1" / "staff-city-council.txt", folder / "batch3" / "aa-subscribed.txt",
              folder / "batch3" / "staff-mentions-reuters.txt"]
    for path in edited:
        path.write_text(path.read_text(encoding="utf-8") + "One more line.\n", encoding="utf-8")
    checked = tmp_path / "checked.txt"  # written by the workers, which are forked from this process
    real = Checker.check_document

    def recorded(self, doc):
        with open(checked, "a", encoding="utf-8") as fh:
            fh.write(doc.path + "\n")
        return real(self, doc)

    monkeypatch.setattr(Checker, "check_document", recorded)
    warm = list(local.check_many(ResultCache(Checker()), files, jobs=2))
    assert sorted(checked.read_text(encoding="utf-8").split()) == sorted(map(str, edited))
    assert [r.path for r in warm] == list(map(str, files))
    assert warm == [Checker().check_path(f) for f in files]


def test_a_worker_that_dies_costs_only_its_file_and_never_hangs_the_run(folder, monkeypatch):
    faulthandler.dump_traceback_later(120, exit=True)  # a run waiting forever on a dead worker fails, not hangs
    monkeypatch.setattr(local, "CHUNK", 4)
    files = list(collect([folder]))
    fatal = folder / "batch2" / "cc-by-river-festival.md"
    real = Checker.check_document

    def dies_on_one(self, doc):
        if doc.path == str(fatal):  # as a worker killed for its memory, or a crash in a C extension
            os.kill(os.getpid(), signal.SIGKILL)
        return real(self, doc)

    monkeypatch.setattr(Checker, "check_document", dies_on_one)
    try:
        results = list(local.check_many(Checker(), files, jobs=2))
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert [r.path for r in results] == list(map(str, files))
    lost = results[files.index(fatal)]
    assert lost.verdict == "review" and "ended abruptly" in lost.error
    monkeypatch.setattr(Checker, "check_document", real)
    assert [r for r in results if r is not lost] == [Checker().check_path(f) for f in files if f != fatal]


def test_where_no_process_pool_can_be_made_this_process_does_the_work(runner, folder, tmp_path, monkeypatch):
    def no_pool(*args, **kwargs):  # as where /dev/shm is missing (some serverless hosts): its locks cannot be made
        raise OSError(errno.ENOSYS, "Function not implemented")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    monkeypatch.setattr(render, "MIN_DOCUMENTS_TO_RENDER_IN_PARALLEL", 1)
    one, two = tmp_path / "one", tmp_path / "two"
    assert runner.invoke(main, ["audit", "-j", "1", "--no-cache", str(folder), "-o", str(one)]).exit_code == 1
    result = runner.invoke(main, ["audit", "-j", "2", "--no-cache", str(folder), "-o", str(two)])
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in two.iterdir()) == sorted(p.name for p in one.iterdir())
    for path in one.iterdir():
        assert (two / path.name).read_bytes() == path.read_bytes(), path.name


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

    # What a shard's results rest on changed: an article, an agreement. Those are never taken from a shard
    # an earlier run left behind.
    story = folder / "batch0" / "public-domain-weather-service.txt"
    story.write_text((CONTENT / "ilkha-legal-warning.txt").read_text(encoding="utf-8"), encoding="utf-8")
    config = tmp_path / "compliance.yaml"
    config.write_text("agreements:\n  - source: aa\n    kind: subscription\n", encoding="utf-8")
    assert runner.invoke(main, [*args, "--config", str(config)]).exit_code == 3
    verdicts = {d["path"]: d["verdict"] for d in json.loads((out / "report.json").read_text())["documents"]}
    assert verdicts[str(story)] == "deny"
    assert verdicts[str(folder / "batch1" / "aa-subscribed.txt")] == "allow"
    assert len(list((out / "shards").iterdir())) == len(shards)  # this run's shards, not those they replaced

    # A shard's results damaged since they were written: one error line, and the next run redoes the shard.
    damaged = sorted((out / "shards").iterdir())[0]
    damaged.write_text(damaged.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    again = runner.invoke(main, [*args, "--config", str(config)])
    assert again.exit_code == 2
    assert f"{damaged}: shard results cannot be read (ValidationError) and were removed" in again.output
    assert runner.invoke(main, [*args, "--config", str(config)]).exit_code == 3
    redone = {d["path"]: d["verdict"] for d in json.loads((out / "report.json").read_text())["documents"]}
    assert redone == verdicts


def test_dask_engine_reports_a_failed_shard_or_line_and_checks_the_rest(runner, tmp_path, monkeypatch):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    from compliance.engines import dask as dask_engine

    export = tmp_path / "export.jsonl"
    export.write_bytes(json.dumps({"id": "a1", "body": (CONTENT / "ilkha-legal-warning.txt").read_text()}).encode()
                       + b"\n" + '{"id": "a2", "body": "Caf\u00e9"}'.encode("latin-1") + b"\n")
    moved = tmp_path / "moved.jsonl"
    moved.write_text(json.dumps({"id": "b1", "body": "A short note."}) + "\n", encoding="utf-8")
    real_plan = dask_engine.plan

    def moved_once_planned(*args, **kwargs):  # the export is moved away after the run planned its shards
        planned = real_plan(*args, **kwargs)
        moved.unlink()
        return planned

    monkeypatch.setattr(dask_engine, "plan", moved_once_planned)
    out = tmp_path / "out"
    result = runner.invoke(main, ["audit", "--engine", "dask", "-j", "2", str(export), str(moved), "-o", str(out)])
    assert result.exit_code == 3, result.output
    documents = {d["path"]: d for d in json.loads((out / "report.json").read_text())["documents"]}
    assert documents[f"{export}:a1"]["verdict"] == "deny"
    assert documents[f"{export}:2"]["error"] == "line is not UTF-8: byte 26 cannot be read"
    assert documents[str(moved)]["verdict"] == "review"
    assert "the task checking it failed (FileNotFoundError" in documents[str(moved)]["error"]


def test_dask_engine_names_a_scheduler_it_cannot_use(runner, tmp_path):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    out = tmp_path / "out"
    result = runner.invoke(main, ["audit", "--engine", "dask", "--scheduler", "no-port-here", str(CONTENT),
                                  "-o", str(out)])
    assert result.exit_code == 2
    assert "cannot use the Dask scheduler at 'no-port-here'" in result.output
    assert not out.exists()


def test_a_dask_shard_is_redone_when_its_files_are_named_otherwise(tmp_path, monkeypatch):
    from compliance.engines import dask as dask_engine

    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "dump.jsonl").write_text('{"id": "a1", "body": "A note."}\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    here, = dask_engine.plan([Path("exports/dump.jsonl")], "run")[0]
    monkeypatch.chdir(tmp_path / "exports")
    there, = dask_engine.plan([Path("dump.jsonl")], "run")[0]
    assert here.id != there.id  # their results name the export as it was given: the earlier names are not reused
