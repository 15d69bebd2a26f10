"""Incremental runs reuse results, and an edit invalidates exactly what it affects."""
from __future__ import annotations

import json
import shutil

from compliance import Agreement, Checker
from compliance.incremental import ResultCache
from compliance.cli import main

from .conftest import CONTENT, EXAMPLES


def test_cached_results_equal_fresh_ones_and_skip_the_work(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    args = ["check", "--format", "json", "-j", "1", "--config", str(EXAMPLES / "compliance.yaml"), str(CONTENT)]
    fresh = runner.invoke(main, [*args, "--no-cache"]).output
    first = runner.invoke(main, args).output
    calls = []
    monkeypatch.setattr("compliance.checker.Checker.check_document",
                        lambda self, doc: calls.append(doc.path))  # any real check would now fail
    second = runner.invoke(main, args)
    assert first == fresh == second.output
    assert calls == []


def test_editing_a_file_or_an_agreement_rechecks_only_what_it_affects(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    files = sorted(folder.iterdir())
    warm = ResultCache(Checker())
    for path in files:
        warm.check_found(path)

    def rechecked(checker: Checker) -> list[str]:
        seen = []
        original = checker.check_document
        checker.check_document = lambda doc: (seen.append(doc.path), original(doc))[1]
        results = [ResultCache(checker).check_found(p) for p in files]
        return sorted(p.rsplit("/", 1)[-1] for p in seen), results

    assert rechecked(Checker())[0] == []
    staff = folder / "staff-city-council.txt"
    staff.write_text(staff.read_text() + "One more line.\n")
    assert rechecked(Checker())[0] == ["staff-city-council.txt"]
    seen, results = rechecked(Checker(agreements=[Agreement(source="aa")]))
    assert seen == ["aa-subscribed.txt"]  # the only document whose sources the agreement names
    aa = next(r for r in results if r.path.endswith("aa-subscribed.txt"))
    assert aa.verdict == "allow"
    assert json.loads(aa.model_dump_json())["reasons"][0]["rule"] == "policy.agreement-covers"
