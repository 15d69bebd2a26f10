"""What the waiver step adds to checking a document: prints its time as a ratio of the decision's.

    python bench/waiver_overhead.py

Three cases over the same agency page: no waivers, a waivers file of 200
entries none of which covers the page, and one that waives its reason.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from compliance import Checker
from compliance.document import Document
from compliance.waivers import Waivers, apply_waivers, load_waivers

PAGE = ("Ministers agree on a shared river plan\n\n"
        "Water ministers agreed on Tuesday to build thirty measuring stations along shared rivers. (ILKHA)\n"
        "The first stations should be running before the spring floods, the host minister said.\n") * 4
ROUNDS = 300


def per_doc(fn) -> float:
    fn()
    start = time.perf_counter()
    for _ in range(ROUNDS):
        fn()
    return (time.perf_counter() - start) / ROUNDS


def main() -> None:
    checker = Checker()
    doc = Document(path="desk/page.txt", text=PAGE)
    decided = checker._decide(doc)
    decide = per_doc(lambda: checker._decide(doc))
    with tempfile.TemporaryDirectory() as tmp:
        entries = "".join(f"  - path: archive/{i}/*.md\n    rule: policy.no-evidence\n    reason: r\n"
                          f"    approved_by: desk\n" for i in range(200))
        many = Path(tmp, "many.yaml")
        many.write_text("waivers:\n" + entries)
        hit = Path(tmp, "hit.yaml")
        hit.write_text("waivers:\n  - path: desk/*.txt\n    rule: policy.subscription-default\n"
                       "    reason: r\n    approved_by: desk\n")
        cases = {"no waivers": Waivers(), "200 waivers, none covers it": load_waivers(many, checker.rules)}
        hit_waivers = load_waivers(hit, checker.rules)
        cases["one waiver applies"] = Waivers(hit_waivers.entries, Path("."))
        for name, waivers in cases.items():
            step = per_doc(lambda: apply_waivers(decided, doc, waivers, checker.rules, checker.context.as_of))
            print(f"{name:28} waiver step / decision = {step / decide:.4f}")


if __name__ == "__main__":
    main()
