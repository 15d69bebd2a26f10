"""One machine: in process, or a pool of forked worker processes sharing the compiled rules."""
from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Iterable, Iterator

from ..checker import Checker
from ..models import DocumentResult

MIN_FILES_PER_WORKER = 8  # below this a pool costs more than it saves
_WORKER: Checker | None = None


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def check_many(checker: Checker, paths: Iterable[Path], jobs: int = 1) -> Iterator[DocumentResult]:
    """Results in the order of ``paths``, identical whatever ``jobs`` is."""
    paths = list(paths)
    jobs = min(jobs, len(paths) // MIN_FILES_PER_WORKER)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(checker.check_path, paths)
        return
    global _WORKER
    _WORKER = checker  # forked workers inherit the compiled rules instead of rebuilding them
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(_check, paths, chunksize=32)


def _check(path: Path) -> DocumentResult:
    assert _WORKER is not None
    return _WORKER.check_path(path)
