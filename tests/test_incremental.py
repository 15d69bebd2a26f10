"""Incremental runs reuse results, and an edit invalidates exactly what it affects."""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

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


def _forged(table: Path, verdict: str = "allow") -> None:
    """Rewrite every cached result as if it said ``verdict``."""
    db = sqlite3.connect(table)
    rows = db.execute("SELECT key, value FROM entries").fetchall()
    for key, value in rows:
        depends, _, text = value.partition("\n")
        doc = json.loads(text)
        doc["verdict"] = verdict
        db.execute("UPDATE entries SET value = ? WHERE key = ?", (f"{depends}\n{json.dumps(doc)}", key))
    db.commit()
    db.close()


def test_a_damaged_cache_entry_is_checked_again(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    path = CONTENT / "ilkha-legal-warning.txt"
    fresh = ResultCache(Checker()).check_found(path)
    db = sqlite3.connect(tmp_path / "cache" / "results" / "table.sqlite3")
    db.execute("UPDATE entries SET value = value || 'not json'")
    db.commit()
    db.close()
    assert ResultCache(Checker()).check_found(path) == fresh


def test_a_results_table_others_can_write_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    path = CONTENT / "ilkha-legal-warning.txt"
    assert ResultCache(Checker()).check_found(path).verdict == "deny"
    _forged(tmp_path / "cache" / "results" / "table.sqlite3")
    assert ResultCache(Checker()).check_found(path).verdict == "allow"  # the forgery is read from a private folder
    (tmp_path / "cache" / "results").chmod(0o777)
    assert ResultCache(Checker()).check_found(path).verdict == "deny"
