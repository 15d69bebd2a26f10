"""One machine: in process, or a pool of forked worker processes sharing the compiled rules."""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections import deque
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Protocol

from ..incremental import ResultCache
from ..models import DocumentResult, NotChecked
from ..paths import Found
from ..report.spool import Spooled

if TYPE_CHECKING:  # the pool module loads with the first pool: a run of one file starts without it
    import multiprocessing.pool

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
    with contextlib.ExitStack() as stack:
        pool: multiprocessing.pool.Pool | None = None

        def send(chunk: list[Found]) -> multiprocessing.pool.AsyncResult:
            nonlocal pool
            if pool is None:  # forked once a file needs checking: a run the cache answers needs no workers
                pool = stack.enter_context(forked_pool(jobs))
            return pool.apply_async(_check_chunk, (chunk,))

        yield from _pooled(send, checker, paths, window=4 * jobs * CHUNK)


def _pooled(send: Callable[[list[Found]], multiprocessing.pool.AsyncResult], checker: Checks,
            paths: list[Found], window: int) -> Iterator[DocumentResult | NotChecked | Spooled]:
    """Kept results straight from the cache, here (a worker would only send them back: in a second run that
    costs more than it saves); the other files ``send`` to the workers, a chunk at a time. In order, with at
    most ``window`` results held here while an earlier one is still being checked."""
    lookup = checker.lookup if isinstance(checker, ResultCache) else lambda item: (None, None)
    ahead: deque[list | multiprocessing.pool.AsyncResult] = deque()  # found results, and chunks sent
    held = 0
    unsent: list[Found] = []
    for item in paths:
        _, hit = lookup(item)
        if hit is None:
            unsent.append(item)
        if unsent and (hit is not None or len(unsent) == CHUNK):
            ahead.append(send(unsent))
            held, unsent = held + len(unsent), []
        if hit is not None:
            ahead.append([hit])
            held += 1
        while ahead and (held > window or isinstance(ahead[0], list) or ahead[0].ready()):
            done = _received(ahead.popleft())
            held -= len(done)
            yield from done
    if unsent:
        ahead.append(send(unsent))
    for sent in ahead:
        yield from _received(sent)


def _received(sent: list | multiprocessing.pool.AsyncResult) -> list[DocumentResult | NotChecked | Spooled]:
    if isinstance(sent, list):
        return sent
    return [doc if isinstance(doc, Spooled) else (NotChecked if doc[0] else DocumentResult).model_validate_json(doc[1])
            for doc in sent.get()]


def forked_pool(jobs: int) -> multiprocessing.pool.Pool:
    """Workers forked from this process: they inherit what it has built (rules, a report's spool)."""
    return multiprocessing.get_context("fork").Pool(jobs, initializer=_leave_ctrl_c_to_parent)


def _leave_ctrl_c_to_parent() -> None:
    """Ctrl-C reaches every process in the group; the parent stops the pool, workers print no tracebacks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _check_chunk(chunk: list[Found]) -> list[Spooled | tuple[bool, str]]:
    """A worker's results cross to the parent as JSON: a third of what pickling the models costs."""
    assert _WORKER is not None
    found = [_check(item) for item in chunk]
    if isinstance(_WORKER, ResultCache):
        _WORKER.flush()  # each chunk's results written before the parent has them: the pool ends workers abruptly
    return found


def _check(item: Found) -> Spooled | tuple[bool, str]:
    # A worker reads the file again rather than being sent its bytes: what is in flight stays small.
    result = _WORKER.check_new(item) if isinstance(_WORKER, ResultCache) else _WORKER.check_found(item)
    if _SPOOLED and isinstance(result, DocumentResult):
        return Spooled.of(result)
    return result if isinstance(result, Spooled) else (isinstance(result, NotChecked), result.model_dump_json())
