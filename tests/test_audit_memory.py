"""A run over a folder (an audit, or a check printing JSON) holds memory bounded by its largest document,
not by how many documents the folder holds."""
from __future__ import annotations

import gc
import json
import tracemalloc
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any, Callable, Iterator
from unittest.mock import patch

import pytest
from click.testing import Result

import compliance.cli.check as check_command
from compliance.cli import main
from compliance.config import Config
from compliance.engines.dask import Shard, run_shard

from .inputtree import AGENCY, invoke
from .test_bad_input import traced

ALLOWED = ("Officials opened the new bridge on Monday.\n"
           "This article is licensed under a Creative Commons Attribution 4.0 International License.\n")
# What memory may keep per document: its index entry (path, verdict, sources, place in the spool), the walk's
# path and, for an allowed one, its credit lines. Holding every document and its rendered reports, as audits
# did before the spool, costs some 17-20 KB per document here.
BYTES_PER_DOCUMENT = 2048


def folder(root: Path, files: int) -> Path:
    """``files`` articles, a deny, a review and an allow by turns, each with its own words."""
    for i in range(files):
        text = [AGENCY, f"Market report {i}: prices held.\n", ALLOWED][i % 3]
        (root / f"{i // 100:02d}").mkdir(parents=True, exist_ok=True)
        (root / f"{i // 100:02d}" / f"article-{i:05d}.txt").write_text(f"Headline {i}\n\n{text}", encoding="utf-8")
    return root


def audit(tmp_path: Path, files: int) -> Result:
    content = folder(tmp_path / f"content-{files}", files)
    result = invoke("audit", "-j", "1", "--no-cache", content, "-o", tmp_path / f"out-{files}")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{files} documents: ")
    return result


def check_json(tmp_path: Path, files: int) -> Path:
    """``check --format json`` with its output sent to a file, as a CI job redirects it (click's test runner
    would keep the output in memory, which grows with the folder by design); the file. Its peak is taken
    from the first document on: before that, compiling the rules peaks higher than dozens of documents
    held in memory would."""
    content = folder(tmp_path / f"content-{files}", files)
    report = tmp_path / f"report-{files}.json"
    checked = check_command.check_many

    def peak_from_first_document(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for i, result in enumerate(checked(*args, **kwargs)):
            if i == 0 and tracemalloc.is_tracing():
                tracemalloc.reset_peak()
            yield result

    with report.open("w", encoding="utf-8") as out, redirect_stdout(out), pytest.raises(SystemExit) as done, \
            patch.object(check_command, "check_many", peak_from_first_document):
        main.main(["check", "--format", "json", "-j", "1", "--no-cache", str(content)], standalone_mode=False)
    assert done.value.code == 1
    return report


def dask_shard(tmp_path: Path, files: int) -> Path:
    """The Dask engine's work on one shard, here in this process: a JSON Lines export (a CMS dump) of
    ``files`` articles, which is one shard however long it is."""
    export = tmp_path / f"export-{files}.jsonl"
    export.parent.mkdir(parents=True, exist_ok=True)
    with export.open("w", encoding="utf-8") as fh:
        for i in range(files):
            text = [AGENCY, f"Market report {i}: prices held.\n", ALLOWED][i % 3]
            fh.write(json.dumps({"id": f"a{i}", "body": f"Headline {i}\n\n{text}"}) + "\n")
    written = Path(run_shard(Shard(f"shard-{files}", jsonl=str(export)), str(tmp_path / "shards"), Config(), None))
    assert sum(1 for _ in written.open(encoding="utf-8")) == files
    return written


def peak(run: Callable[[Path, int], object], tmp_path: Path, files: int) -> int:
    """The peak memory of a run, with the cycle collector off: whenever it would run, garbage from the
    rules and templates each run compiles would move the peak by more than the documents do."""
    gc.collect()
    gc.disable()
    try:
        return traced(run, tmp_path, files)[1]
    finally:
        gc.enable()


@pytest.mark.parametrize("run", [audit, check_json, dask_shard], ids=["audit", "check-json", "dask-shard"])
def test_peak_memory_grows_only_by_a_small_index_entry_per_document(tmp_path, run):
    small, large = 8, 32
    run(tmp_path, 3)  # imports and caches what any run needs, outside the measure
    # The smaller of two rounds: a one-off allocation (a pattern compiled on first use, a cache growing
    # its table) may land in either run once, never in both rounds.
    growth = min(peak(run, tmp_path / str(n), large) - peak(run, tmp_path / str(n), small) for n in range(2))
    assert growth / (large - small) < BYTES_PER_DOCUMENT, f"{growth / (large - small):.0f} bytes per document"


def test_check_json_to_a_file_holds_every_document(tmp_path):
    report = json.loads(check_json(tmp_path, 12).read_text(encoding="utf-8"))
    assert [d["verdict"] for d in report["documents"]].count("deny") == 4
    assert len(report["documents"]) == 12
