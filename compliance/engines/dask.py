"""Archive scale: the same per-document work, sharded over a Dask cluster.

Input is a folder (files are grouped into shards) or JSON Lines exports (one
article per line, each file a shard). Each shard's results are written as
JSON Lines under ``OUT/shards/``, named by everything they rest on; a shard
whose output exists is not redone, so an interrupted run resumes where it
stopped, while an edited article, rule or agreement redoes the shards it
touches. The merged report is then built from the shard files, in a stable order.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..checker import Checker, failed
from ..config import Config
from ..errors import UserError
from ..incremental import run_key
from ..load import cms_json
from ..load.read import version_now
from ..models import DocumentResult, NotChecked
from ..paths import FileFilter, Unreadable, collect, display_name
from ..report.render import write_atomic

SHARD_FILES = 500
_SHARD_NAME = re.compile(r"[0-9a-f]{16}\.jsonl")  # a shard's output (see ``_hash``): no other file is removed


@dataclass(frozen=True)
class Shard:
    """A unit of work: some files of a folder, or one JSON Lines file."""

    id: str
    files: tuple[str, ...] = ()
    jsonl: str | None = None


def plan(inputs: Iterable[Path], run: str, select: FileFilter | None = None, shard_files: int = SHARD_FILES,
         exclude: Iterable[Path] = ()) -> tuple[list[Shard], list[NotChecked | Unreadable]]:
    """Shards named by a hash of what their results rest on: the ``run`` (see ``run_key``) and each member's
    name and version (size, modification and change times). So a shard is redone when one of its files is
    edited, added or removed, or the rules, settings or agreements change; and what the walk found that is
    not a file to check (reported without a shard)."""
    jsonl = [p for p in map(Path, inputs) if p.is_file() and p.suffix == ".jsonl"]
    rest = [p for p in map(Path, inputs) if p not in jsonl]
    found = list(collect(rest, select, exclude))
    files = [str(p) for p in found if isinstance(p, Path)]
    others = [p for p in found if not isinstance(p, Path)]
    shards = [Shard(_hash(run, _stamp(str(p))), jsonl=str(p)) for p in jsonl]  # named as the results name it
    for i in range(0, len(files), shard_files):
        members = tuple(files[i:i + shard_files])
        shards.append(Shard(_hash(run, *map(_stamp, members)), files=members))
    return shards, others


def _stamp(path: str) -> str:
    return f"{path}\0{version_now(path)}"  # None for a file gone since the walk: redone once it is back


def _hash(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


_CHECKERS: dict[str, Checker] = {}


def _checker(config: Config, as_of: date | None) -> Checker:
    """One checker per worker process and config: rules compile once per process."""
    key = config.model_dump_json() + str(config.base) + str(as_of)
    if key not in _CHECKERS:
        _CHECKERS[key] = Checker.from_config(config, as_of=as_of)
    return _CHECKERS[key]


def run_shard(shard: Shard, out: str, config: Config, as_of: date | None) -> str:
    target = Path(out) / f"{shard.id}.jsonl"
    if target.exists():
        return str(target)
    checker = _checker(config, as_of)
    results = map(checker.check_path, shard.files) if shard.jsonl is None else _jsonl_results(checker, shard.jsonl)
    write_atomic(target, (r.model_dump_json() + "\n" for r in results))  # as they come: a large export is one shard
    return str(target)


def _jsonl_results(checker: Checker, path: str) -> Iterator[DocumentResult]:
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, 1):
            name = f"{path}:{n}"
            try:
                line = raw.decode("utf-8")
                record = json.loads(line)
            except UnicodeDecodeError as exc:  # JSON Lines are UTF-8: the line is reported, the rest are read
                yield failed(name, "unreadable", f"line is not UTF-8: byte {exc.start + 1} cannot be read")
                continue
            except json.JSONDecodeError as exc:
                yield failed(name, "unreadable", f"line is not JSON: {exc.msg}")
                continue
            if isinstance(record, dict):
                name = f"{path}:{record.get('id', n)}"
            try:  # each line is read like a CMS export file: configured fields, HTML bodies, metadata
                doc = cms_json.article(line, record, name, checker.inputs.cms_json)
            except UserError as exc:
                yield failed(name, "unreadable", exc.message)
                continue
            yield checker.check_document(doc)


def run(inputs: Iterable[Path], out_dir: Path, config: Config, as_of: date | None,
        scheduler: str | None = None, workers: int = 2) -> Iterator[DocumentResult | NotChecked]:
    """Run every shard not already done; the results are then read from the shard files as they are taken."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UserError("the Dask engine needs the 'dask' extra: pip install 'news-compliance[dask]'") from None
    checker = Checker.from_config(config, as_of=as_of)  # fail here, once, on a bad config or rule pack
    shards, others = plan(inputs, run_key("shards", checker), checker.select, exclude=[out_dir])
    if scheduler:
        try:
            client = Client(scheduler)
        except (OSError, ValueError) as exc:  # unreachable, or not an address
            raise UserError(f"cannot use the Dask scheduler at '{scheduler}': {exc}") from None
    else:
        client = Client(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                     dashboard_address=":0"))
    shard_dir = out_dir / "shards"
    shard_dir.mkdir(parents=True, exist_ok=True)
    with client:
        futures = client.map(run_shard, shards, out=str(shard_dir), config=config, as_of=as_of, pure=False)
        outputs = [_output(shard, future) for shard, future in zip(shards, futures)]
    _remove_others(shard_dir, outputs)
    return itertools.chain(merge(outputs), map(checker.check_found, others))


def _output(shard: Shard, future: Any) -> str | list[DocumentResult]:
    """A shard's results file; or, where its task failed, each of its files reported as not checked (a rerun
    tries the shard again)."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - a worker that died, an export moved away: fail closed, go on
        message = f"not checked: the task checking it failed ({type(exc).__name__}: {exc}); run again to retry"
        return [failed(display_name(name), "internal-error", message) for name in shard.files or (shard.jsonl,)]


def _remove_others(shard_dir: Path, outputs: list[str | list[DocumentResult]]) -> None:
    """Shards of earlier runs whose files, rules or agreements have since changed: ``OUT/shards`` holds this run's."""
    kept = {Path(p).name for p in outputs if isinstance(p, str)}
    for path in shard_dir.glob("*.jsonl"):
        if path.name not in kept and _SHARD_NAME.fullmatch(path.name):
            path.unlink(missing_ok=True)


def merge(outputs: Iterable[str | list[DocumentResult]]) -> Iterator[DocumentResult]:
    for path in outputs:
        if isinstance(path, list):  # a shard that failed
            yield from path
            continue
        try:
            with open(path, encoding="utf-8") as fh:
                yield from (DocumentResult.model_validate_json(line) for line in fh if line.strip())
        except (OSError, ValueError) as exc:  # damaged since a run wrote it whole: removed, so a rerun redoes it
            Path(path).unlink(missing_ok=True)
            raise UserError(f"shard results cannot be read ({type(exc).__name__}) and were removed: run again "
                            "to check that shard anew", path) from None
