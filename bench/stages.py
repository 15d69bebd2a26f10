"""Where a check's time goes: each pipeline stage's share of checking a corpus in one process.

    python bench/gen_corpus.py --out bench/corpus        # once
    python bench/stages.py bench/corpus

Times every stage of ``Checker.check_path`` (and, inside detection, its steps) by
wrapping the stage functions, then the JSON report, over one in-process run. CPU
seconds, so another busy process on the machine moves the figures less. Shares are
what to compare: the wrappers add a little to every figure.
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

import compliance.checker as checker_module
import compliance.detect as detect_module
from compliance.checker import Checker

# (module, function, label): the stages Checker runs per document, then the steps of detection.
STAGES = [(checker_module, name, name) for name in
          ("load_path", "detect", "with_metadata", "segment", "link", "decide", "with_context", "apply_waivers")]
STEPS = [(detect_module, name, f"  detect: {name.lstrip('_')}") for name in
         ("fold", "_prefilter", "_quote_lines", "_tags", "_notices", "_mentions", "_damage")]


def timed(totals: dict[str, float], fn, label: str):
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[label] += time.process_time() - start
    return wrapper


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    args = ap.parse_args()
    files = sorted(p for p in args.corpus.rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in files)
    totals: dict[str, float] = defaultdict(float)
    for module, name, label in STAGES + STEPS:
        setattr(module, name, timed(totals, getattr(module, name), label))

    start = time.process_time()
    checker = Checker()
    rules = time.process_time() - start
    start = time.process_time()
    results = [checker.check_path(p) for p in files]
    checking = time.process_time() - start
    start = time.process_time()
    checker.report(results).to_json()
    output = time.process_time() - start

    total = rules + checking + output
    print(f"corpus: {len(files)} files, {size / 1e6:.1f} MB; {total:.2f} CPU s in all, "
          f"{size / total / 1e6:.1f} MB/s, {checking / len(files) * 1e3:.2f} ms a document")
    staged = sum(totals[label] for _, _, label in STAGES)
    rows = [("rules (load, compile)", rules)]
    rows += [(label, totals[label]) for _, _, label in STAGES + STEPS]
    rows += [("rest of check_path (results, styling)", checking - staged), ("JSON report", output)]
    for label, seconds in rows:
        print(f"{label:40} {seconds:7.2f} s {seconds / total:6.1%}")


if __name__ == "__main__":
    main()
