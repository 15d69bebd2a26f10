"""Archive scale: the same per-document work, sharded over a Dask cluster.

Input is a folder (files are grouped into shards) or JSON Lines exports (one
article per line, each file a shard). Each shard's results are written as
JSON Lines under ``OUT/shards/``; a shard whose output exists is not redone,
so an interrupted run resumes where it stopped. The merged report is then
built from the shard files, in a stable order.
"""
from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

from ..checker import Checker, failed
from ..config import Config
from ..errors import UserError
from ..load import cms_json
from ..models import DocumentResult, NotChecked
from ..paths import FileFilter, Unreadable, collect
from ..report.render import write_atomic

SHARD_FILES = 500


@dataclass(frozen=True)
class Shard:
    """A unit of work: some files of a folder, or one JSON Lines file."""

    id: str
    files: tuple[str, ...] = ()
    jsonl: str | None = None


def plan(inputs: Iterable[Path], select: FileFilter | None = None, shard_files: int = SHARD_FILES,
         exclude: Iterable[Path] = ()) -> tuple[list[Shard], list[NotChecked | Unreadable]]:
    """Shards named by a hash of their members, so adding files redoes only the shards they join;
    and what the walk found that is not a file to check (reported without a shard)."""
    jsonl = [p for p in map(Path, inputs) if p.is_file() and p.suffix == ".jsonl"]
    rest = [p for p in map(Path, inputs) if p not in jsonl]
    found = list(collect(rest, select, exclude))
    files = [str(p) for p in found if isinstance(p, Path)]
    others = [p for p in found if not isinstance(p, Path)]
    shards = [Shard(_hash(str(p.resolve()), str(p.stat().st_size), str(p.stat().st_mtime_ns)), jsonl=str(p))
              for p in jsonl]
    for i in range(0, len(files), shard_files):
        members = tuple(files[i:i + shard_files])
        shards.append(Shard(_hash(*members), files=members))
    return shards, others


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
    write_atomic(target, "".join(r.model_dump_json() + "\n" for r in results))
    return str(target)


def _jsonl_results(checker: Checker, path: str) -> Iterator[DocumentResult]:
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            name = f"{path}:{n}"
            try:
                record = json.loads(line)
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
    shards, others = plan(inputs, checker.select, exclude=[out_dir])
    shard_dir = out_dir / "shards"
    shard_dir.mkdir(parents=True, exist_ok=True)
    if scheduler:
        client = Client(scheduler)
    else:
        client = Client(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                     dashboard_address=":0"))
    with client:
        futures = client.map(run_shard, shards, out=str(shard_dir), config=config, as_of=as_of, pure=False)
        outputs = client.gather(futures)
    return itertools.chain(merge(outputs), map(checker.check_found, others))


def merge(outputs: Iterable[str]) -> Iterator[DocumentResult]:
    for path in outputs:
        with open(path, encoding="utf-8") as fh:
            yield from (DocumentResult.model_validate_json(line) for line in fh if line.strip())
