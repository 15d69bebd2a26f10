"""An audit's reports: report.json and the human reports rendered from ``reports/templates/`` (or a
user's override folder), written whole or not at all, and kept in the cache folder for reuse.

Every template receives the same documented, versioned data (``template_data``,
schema ``compliance-templates/1``, described in ``reports/templates/README.md``);
``templates`` renders them in jinja2's sandbox.
"""
from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import secrets
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .. import __version__, cache
from ..decide import agreement_status
from ..engines.local import CAN_FORK, forked_pool
from ..models import VERDICT_RANK
from .attribution import build_attribution
from .spool import Entry, SpooledReport

if TYPE_CHECKING:
    from ..checker import Checker

TEMPLATE_SCHEMA = "compliance-templates/1"
# Output file -> the template that renders it.
REPORTS = {
    "permission.html": "permission.html.j2",
    "permission.md": "permission.md.j2",
    "attribution.html": "attribution.html.j2",
    "attribution.md": "attribution.md.j2",
    "ATTRIBUTION.txt": "attribution.txt.j2",
}
NO_SOURCE = ("none", "No agency source")
_BUNDLES = cache.Bundles("reports")  # reports rendered before, by what they were made of
COPY_CHUNK = 1 << 20
MIN_DOCUMENTS_TO_RENDER_IN_PARALLEL = 200  # below this, starting processes costs more than it saves


def builtin_templates_dir() -> Path:
    installed = Path(__file__).resolve().parent.parent / "_builtin" / "templates"
    return installed if installed.is_dir() else Path(__file__).resolve().parents[2] / "reports" / "templates"


def template_data(report: SpooledReport, checker: Checker) -> dict:
    """The documented, versioned data every template receives (``compliance-templates/1``)."""
    ctx = checker.context
    seen = sorted({sid for entry in report.index for sid, _ in entry.sources})
    return {
        "schema": TEMPLATE_SCHEMA,
        "tool": {"name": "news-compliance", "version": __version__},
        "as_of": ctx.as_of.isoformat(),
        "report": report.data(),
        "attribution": build_attribution(report),
        "sources": {sid: _source(checker, sid) for sid in seen},
        "by_source": by_source(report.index),
        "rules": {p.id: {"verdict": p.verdict, "description": p.description} for p in ctx.rules.policies},
    }


def _source(checker: Checker, sid: str) -> dict:
    src = checker.rules.source(sid)
    status, agreement = agreement_status(checker.context.agreements, sid, checker.context.as_of)
    held = None if agreement is None else {
        "status": status, "kind": agreement.kind, "credit": agreement.credit,
        "starts": agreement.starts and agreement.starts.isoformat(),
        "expires": agreement.expires and agreement.expires.isoformat()}
    return {"id": src.id, "name": src.name, "name_en": src.name_en, "type": src.type, "terms": src.terms,
            "credit": src.credit, "license": src.license, "url": src.url,
            "contact": src.contact or src.url, "agreement": held}


def by_source(index: list[Entry]) -> list[dict]:
    """Documents and verdicts per source, most documents first; documents without one count under "none"."""
    rows: dict[str, dict] = {}
    for entry in index:
        for sid, name in entry.sources or [NO_SOURCE]:
            row = rows.setdefault(sid, {"id": sid, "name": name, "documents": 0, **dict.fromkeys(VERDICT_RANK, 0)})
            row["documents"] += 1
            row[entry.verdict] += 1
    return sorted(rows.values(), key=lambda r: (r["id"] == NO_SOURCE[0], -r["documents"], r["name"].lower()))


def write_reports(report: SpooledReport, checker: Checker, out_dir: Path,
                  template_dirs: Iterable[Path] = (), reuse: bool = False, jobs: int = 1) -> list[Path]:
    """report.json and the templated reports, each streamed to disk as it is rendered (see ``write_all``),
    by up to ``jobs`` processes at once when there are enough documents to be worth it.

    With ``reuse``, reports rendered before from the same report, rules, agreements, day and
    templates are copied from the cache folder instead: an unchanged folder is not rendered twice.
    """
    template_dirs = list(template_dirs)
    key = reports_key(report.digest, checker, template_dirs) if reuse else None
    kept = write_kept(key, out_dir) if key else None
    if kept is not None:
        return kept
    from .templates import environment, render_template  # jinja2: imported only when reports are rendered

    env = environment([*template_dirs, builtin_templates_dir()])
    data = template_data(report, checker)
    written = write_all(out_dir, {"report.json": report.json_chunks(),
                                  **{name: render_template(env, template, data) for name, template in REPORTS.items()}},
                        jobs if len(report.index) >= MIN_DOCUMENTS_TO_RENDER_IN_PARALLEL else 1)
    if key:
        _BUNDLES.put(key, written)
    return written


def write_kept(key: str, out_dir: Path) -> list[Path] | None:
    """The reports kept under ``key`` (see ``reports_key``), copied into ``out_dir`` where it does not hold
    them already (reading both costs a third of writing and syncing a copy); None when they are not all kept."""
    names = ["report.json", *REPORTS]
    kept = {p.name: p for p in _BUNDLES.get(key) or ()}
    if kept.keys() != set(names):
        return None
    write_all(out_dir, {name: kept[name] for name in names if not _same_bytes(kept[name], out_dir / name)})
    return [out_dir / name for name in names]


def _same_bytes(a: Path, b: Path) -> bool:
    """Whether two files hold the same bytes (not when either cannot be read)."""
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
        with open(a, "rb") as fa, open(b, "rb") as fb:
            return all(chunk == fb.read(COPY_CHUNK) for chunk in iter(lambda: fa.read(COPY_CHUNK), b""))
    except OSError:
        return False


def reports_key(digest: str, checker: Checker, template_dirs: list[Path]) -> str:
    """What the reports are made of: the report (its ``digest``), the rules, agreements and day, and every
    template."""
    ctx = checker.context
    content = hashlib.sha256(digest.encode())
    for folder in [*template_dirs, builtin_templates_dir()]:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            content.update(f"\0{path.relative_to(folder)}\0".encode() + path.read_bytes())
    agreements = [a.model_dump_json() for a in ctx.agreements]
    return cache.key("reports", content.hexdigest(), ctx.rules.fingerprint, ctx.as_of.isoformat(), *agreements)


def write_all(out_dir: Path, files: dict[str, Iterable[str] | Path], jobs: int = 1) -> list[Path]:
    """Write each file's text (in pieces, or a copy of a file) to a temporary file in ``out_dir``, then
    rename them all into place. With ``jobs`` > 1, forked processes write the files at once.

    A failure while writing (a broken template, a full disk, Ctrl-C) changes no file and removes the
    folders it made; interrupted while renaming, each file is whole, from this run or the one before.
    """
    made = list(itertools.takewhile(lambda d: not d.exists(), [out_dir, *out_dir.parents]))
    out_dir.mkdir(parents=True, exist_ok=True)
    staged = {name: out_dir / f".{name}.{secrets.token_hex(6)}.tmp" for name in files}
    try:
        _stage(staged, files, jobs)
        for name, tmp in staged.items():
            os.replace(tmp, out_dir / name)
    except BaseException:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        for folder in made:  # deepest first; one that holds a renamed file stays
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    return [out_dir / name for name in files]


def write_atomic(path: Path, chunks: Iterable[str]) -> Path:
    """``chunks`` written to ``path`` as they come; interrupted at any point, ``path`` is either as it was or
    wholly new."""
    return write_all(path.parent, {path.name: chunks})[0]


_STAGING: tuple[dict[str, Path], dict[str, Iterable[str] | Path]] | None = None  # what forked writers inherit


def _stage(staged: dict[str, Path], files: dict[str, Iterable[str] | Path], jobs: int) -> None:
    jobs = min(jobs, len(files))
    pool = forked_pool(jobs) if jobs > 1 and CAN_FORK else None
    if pool is None:  # one writer, or no pool can be made here
        for name, tmp in staged.items():
            _write_synced(tmp, files[name])
        return
    from concurrent.futures.process import BrokenProcessPool

    global _STAGING
    _STAGING = staged, files
    failures = []
    try:
        with pool:
            pending = [pool.submit(_stage_one, name) for name in files]
            for result in pending:  # wait for every writer, so none is still writing when the caller cleans up
                try:
                    result.result()
                except BrokenProcessPool:
                    failures.append(OSError("a process writing the reports ended abruptly"))
                except Exception as exc:  # noqa: BLE001 - the first failure is raised once all have ended
                    failures.append(exc)
    finally:
        _STAGING = None
    if failures:
        raise failures[0]


def _stage_one(name: str) -> None:
    assert _STAGING is not None
    staged, files = _STAGING
    _write_synced(staged[name], files[name])


def _write_synced(tmp: Path, content: Iterable[str] | Path) -> None:
    """``content`` written to the new file ``tmp`` and synced to disk.

    The file gets the usual permissions (the umask applies), unlike ``tempfile``'s private ones.
    """
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "wb") as fh:
        if isinstance(content, Path):
            with open(content, "rb") as source:  # bytes as they are: no decoding and encoding again
                shutil.copyfileobj(source, fh, COPY_CHUNK)
        else:
            for chunk in content:
                fh.write(chunk.encode("utf-8"))
        fh.flush()
        os.fsync(fh.fileno())
