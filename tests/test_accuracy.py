"""The labeled evaluation set (bench/eval/) keeps verdict accuracy at or above 0.97."""
from __future__ import annotations

import importlib.util
import sys
import textwrap

from .conftest import ROOT

MIN_ACCURACY = 0.97
MIN_CASES = 300


def _bench():
    spec = importlib.util.spec_from_file_location("bench_accuracy", ROOT / "bench" / "accuracy.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = _bench()


def test_verdict_accuracy_on_the_evaluation_set(checker):
    ev = bench.evaluate(checker.rules)
    assert len(ev.outcomes) + len(ev.pending) >= MIN_CASES
    assert len(ev.outcomes) >= 200, f"only {len(ev.outcomes)} cases could be scored:\n" + bench.report(ev)
    wrong = [o for o in ev.outcomes if o.result.verdict != o.case.verdict]
    listing = "\n".join(f"{o.case.where} [{o.case.id}] " + " | ".join(o.problems) for o in wrong)
    assert ev.verdict_accuracy() >= MIN_ACCURACY, (
        f"verdict accuracy {ev.verdict_accuracy():.3f} < {MIN_ACCURACY}; misses:\n{listing}")


def test_a_wrong_label_is_reported_as_a_miss_and_unknown_sources_as_pending(checker, tmp_path):
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "cases.yaml").write_text(textwrap.dedent("""\
        - id: labelled-wrong
          text: "WASHINGTON (AP) — Lawmakers met on Tuesday."
          sources: [ap]
          verdict: allow
        - id: needs-registry
          text: "SOFIA (ZZZ) - Officials met."
          sources: [no_such_agency]
          verdict: deny
    """), encoding="utf-8")
    ev = bench.evaluate(checker.rules, bench.load_cases(tmp_path / "eval"))
    [miss] = ev.misses
    assert miss.case.id == "labelled-wrong" and "expected allow, got deny" in miss.problems[0]
    assert [(c.id, why) for c, why in ev.pending] == [
        ("needs-registry", "sources not in the registry yet: no_such_agency")]
    printed = bench.report(ev)
    assert "verdict accuracy: 0.000" in printed and "[labelled-wrong]" in printed


def test_the_script_prints_precision_recall_and_misses(capsys, tmp_path):
    (tmp_path / "cases.yaml").write_text('- id: ap\n  text: "WASHINGTON (AP) — Lawmakers met."\n'
                                         '  sources: [ap]\n  verdict: deny\n', encoding="utf-8")
    assert bench.main(["--set", str(tmp_path), "--by-category"]) == 0
    out = capsys.readouterr().out
    for line in ("cases: 1 (1 scored, 0 pending)", "sources:      precision 1.000  recall 1.000",
                 "notice types: precision", "verdict deny   precision 1.000", "verdict accuracy: 1.000", "misses: 0"):
        assert line in out


def test_a_broken_case_file_is_named_not_a_traceback(capsys, tmp_path):
    (tmp_path / "bad.yaml").write_text("- id: x\n  text: hi\n", encoding="utf-8")
    assert bench.main(["--set", str(tmp_path)]) == 2
    assert "bad.yaml:1: a case needs id, text and verdict" in capsys.readouterr().err
