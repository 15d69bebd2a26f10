"""Peak memory of an audit of many small files, against the 300 MB target (issue 9).

    python bench/memory.py                 # 100,000 files of ~1 KB, seeded
    python bench/memory.py --files 5000    # a smaller run

Generates the articles in a temporary folder, runs ``compliance audit -j 1`` and
``-j 2`` (no result cache) on it, and prints each run's wall time and the peak
resident memory of its largest single process (with ``-j 2`` the pool workers
count as processes of their own). Figures from one run on one machine.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_corpus import NOTICES, PLACES, TAGS, sentence  # noqa: E402

TARGET_MB = 300
FILES_PER_FOLDER = 1000
EXE = [sys.executable, "-m", "compliance"]
# Run as an installed package runs: pip writes bytecode at install, so the benchmark must not forbid it.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def small_article(rng: random.Random) -> str:
    """About 1 KB: a headline, a lead that may carry an agency dateline, a closing tag, sometimes a notice."""
    lang = rng.choice(list(TAGS))
    tag = rng.choice(TAGS[lang]) if rng.random() < 0.7 else None
    lead = " ".join(sentence(rng, lang) for _ in range(3))
    if tag and rng.random() < 0.5:
        lead = f"{PLACES[lang]} ({tag}) - {lead}"
        tag = None
    body = " ".join(sentence(rng, lang) for _ in range(4))
    parts = [sentence(rng, lang).rstrip("."), "", lead, body + (f" ({tag})" if tag else "")]
    if lang in NOTICES and rng.random() < 0.3:
        parts.append(rng.choice(NOTICES[lang]))
    return "\n".join(parts) + "\n"


def generate(folder: Path, files: int, seed: int) -> int:
    rng = random.Random(seed)
    size = 0
    for i in range(files):
        path = folder / f"{i // FILES_PER_FOLDER:03d}" / f"{i:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = small_article(rng)
        path.write_text(text, encoding="utf-8")
        size += len(text.encode())
    return size


def audit(folder: Path, out: Path, jobs: int) -> tuple[float, int, str]:
    """Wall seconds, the largest process's peak RSS in bytes and the summary line of one audit.

    ``wait4`` gives the usage of this one child, which includes its waited-for children (the pool
    workers): ``ru_maxrss`` is the peak of the largest single process among them.
    """
    args = [*EXE, "audit", "-j", str(jobs), "--no-cache", "-o", str(out), str(folder)]
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=stdout, stderr=stderr, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        if proc.returncode not in (0, 1):
            sys.exit(f"{' '.join(args)} failed ({proc.returncode}): {stderr.read().decode()[-500:]}")
        return wall, usage.ru_maxrss * 1024, stdout.read().decode().strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "content"
        size = generate(folder, args.files, args.seed)
        print(f"corpus: {args.files} files, {size / 1e6:.1f} MB; {os.cpu_count()} cores; "
              f"python {sys.version.split()[0]}; target: peak under {TARGET_MB} MB")
        for jobs in (1, 2):
            wall, peak, summary = audit(folder, Path(tmp) / f"out-j{jobs}", jobs)
            verdict = "within" if peak < TARGET_MB * 1e6 else "OVER"
            print(f"audit -j {jobs} --no-cache: {wall:7.1f} s, peak RSS {peak / 1e6:7.1f} MB "
                  f"({verdict} the {TARGET_MB} MB target); {summary}")


if __name__ == "__main__":
    main()
