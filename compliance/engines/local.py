"""One machine: in process, or a pool of forked worker processes sharing the compiled rules."""
from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, NamedTuple, Protocol

from ..checker import failed
from ..incremental import ResultCache
from ..models import DocumentResult, NotChecked
from ..paths import Found, display_name
from ..report.spool import Spooled

if TYPE_CHECKING:  # the pool's modules load with the first pool: a run of one file starts without them
    from concurrent.futures import Future, ProcessPoolExecutor

MIN_FILES_PER_WORKER = 8  # below this a pool costs more than it saves
CHUNK = 32  # files a worker takes at a time
CAN_FORK = "fork" in multiprocessing.get_all_start_methods()


class Checks(Protocol):
    """A ``Checker``, or a ``ResultCache`` around one."""

    def check_found(self, item: Found) -> DocumentResult | NotChecked | Spooled: ...


_WORKER: Checks | None = None
_SPOOLED = False  # workers send documents as ``Spooled``


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def check_many(checker: Checks, paths: Iterable[Found], jobs: int = 1,
               spooled: bool = False) -> Iterator[DocumentResult | NotChecked | Spooled]:
    """Results in the order of ``paths`` (as ``paths.collect`` finds them), identical whatever ``jobs`` is.

    ``spooled``: the caller takes ``Spooled`` documents too (an audit's spool), so a worker sends them
    in that form and the parent only stores them.
    """
    paths = list(paths)
    jobs = min(jobs, len(paths) // MIN_FILES_PER_WORKER)
    if jobs <= 1 or not CAN_FORK:
        try:
            yield from map(checker.check_found, paths)
        finally:
            if isinstance(checker, ResultCache):
                checker.flush()
        return
    global _WORKER, _SPOOLED
    _WORKER, _SPOOLED = checker, spooled  # forked workers inherit the compiled rules instead of rebuilding them
    with _Workers(jobs) as workers:
        yield from _pooled(workers, checker, paths, window=4 * jobs * CHUNK)


def _pooled(workers: _Workers, checker: Checks, paths: list[Found],
            window: int) -> Iterator[DocumentResult | NotChecked | Spooled]:
    """Kept results straight from the cache, here (a worker would only send them back: in a second run that
    costs more than it saves); the other files go to the workers, a chunk at a time. In order, with at
    most ``window`` results held here while an earlier one is still being checked."""
    lookup = checker.lookup if isinstance(checker, ResultCache) else lambda item: (None, None)
    ahead: deque[list | _Sent] = deque()  # found results, and chunks sent
    held = 0
    unsent: list[Found] = []
    for item in paths:
        _, hit = lookup(item)
        if hit is None:
            unsent.append(item)
        if unsent and (hit is not None or len(unsent) == CHUNK):
            ahead.append(workers.send(unsent))
            held, unsent = held + len(unsent), []
        if hit is not None:
            ahead.append([hit])
            held += 1
        while ahead and (held > window or isinstance(ahead[0], list) or ahead[0].future.done()):
            done = workers.received(ahead.popleft())
            held -= len(done)
            yield from done
    if unsent:
        ahead.append(workers.send(unsent))
    for sent in ahead:
        yield from workers.received(sent)


class _Sent(NamedTuple):
    files: list[Found]
    pool: ProcessPoolExecutor
    future: Future


class _Workers:
    """The worker processes: forked when the first file needs checking (a run the cache answers forks none),
    and again after one ended abruptly (killed, out of memory, a crash in a C extension). The files its pool
    held are then checked again one at a time, each in a process of its own: the file that ends its process
    too comes back as not checked, the others as they are, and the run goes on. Where no pool can be made
    (no ``/dev/shm`` for its locks, as on some serverless hosts), this process checks the files."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None
        self.in_process = False  # set once no pool could be made: this process checks the files

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self._close(self.pool)

    def send(self, files: list[Found]) -> _Sent | list[DocumentResult | NotChecked | Spooled]:
        from concurrent.futures.process import BrokenProcessPool

        if self.pool is None and not self.in_process:
            self.pool = forked_pool(self.jobs)
            self.in_process = self.pool is None
        if self.in_process:
            return [_decoded(doc) for doc in _check_chunk(files)]
        try:
            return _Sent(files, self.pool, self.pool.submit(_check_chunk, files))
        except BrokenProcessPool:  # a worker ended after the last chunk was sent
            self._close(self.pool)
            return self.send(files)

    def received(self, sent: list | _Sent) -> list[DocumentResult | NotChecked | Spooled]:
        if isinstance(sent, list):
            return sent
        from concurrent.futures.process import BrokenProcessPool

        try:
            return [_decoded(doc) for doc in sent.future.result()]
        except BrokenProcessPool:
            self._close(sent.pool)
            return [_alone(item) for item in sent.files]

    def _close(self, pool: ProcessPoolExecutor | None) -> None:
        if pool is not None:
            pool.shutdown(cancel_futures=True)  # chunks not begun are dropped, the ones begun are waited for
        if pool is self.pool:
            self.pool = None


def _decoded(doc: Spooled | tuple[bool, str]) -> DocumentResult | NotChecked | Spooled:
    return doc if isinstance(doc, Spooled) else (NotChecked if doc[0] else DocumentResult).model_validate_json(doc[1])


def _alone(item: Found) -> DocumentResult | NotChecked | Spooled:
    """One file checked in a process of its own; if that process ends abruptly too, the file is not checked."""
    from concurrent.futures.process import BrokenProcessPool

    pool = forked_pool(1)
    try:
        if pool is not None:
            with pool:
                return _decoded(pool.submit(_check_chunk, [item]).result()[0])
    except BrokenProcessPool:
        pass
    name = display_name(item) if isinstance(item, Path) else item.path
    return failed(name, "internal-error", "not checked: the process checking this file ended abruptly "
                                          "(killed, out of memory, or a crash while reading it)")


def forked_pool(jobs: int) -> ProcessPoolExecutor | None:
    """Workers forked from this process: they inherit what it has built (rules, a report's spool). A worker
    that ends abruptly breaks the pool (``BrokenProcessPool``) rather than leaving its work waited on forever.
    None where no pool can be made (no ``/dev/shm`` for its locks, as on some serverless hosts)."""
    from concurrent.futures import ProcessPoolExecutor

    try:
        return ProcessPoolExecutor(jobs, multiprocessing.get_context("fork"), initializer=_leave_ctrl_c_to_parent)
    except OSError:
        return None


def _leave_ctrl_c_to_parent() -> None:
    """Ctrl-C reaches every process in the group; the parent stops the pool, workers print no tracebacks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _check_chunk(chunk: list[Found]) -> list[Spooled | tuple[bool, str]]:
    """A worker's results cross to the parent as JSON: a third of what pickling the models costs."""
    assert _WORKER is not None
    found = [_check(item) for item in chunk]
    if isinstance(_WORKER, ResultCache):
        _WORKER.flush()  # each chunk's results written before the parent has them: a worker process exits unflushed
    return found


def _check(item: Found) -> Spooled | tuple[bool, str]:
    # A worker reads the file again rather than being sent its bytes: what is in flight stays small.
    result = _WORKER.check_new(item) if isinstance(_WORKER, ResultCache) else _WORKER.check_found(item)
    if _SPOOLED and isinstance(result, DocumentResult):
        return Spooled.of(result)
    return result if isinstance(result, Spooled) else (isinstance(result, NotChecked), result.model_dump_json())
