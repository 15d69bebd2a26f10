"""Incremental runs reuse results, and an edit invalidates exactly what it affects."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from compliance import Agreement, Checker
from compliance.cli import main
from compliance.incremental import ResultCache
from compliance.ruleset import RuleSet
from compliance.ruleset.load import builtin_rules_dir

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
    _kept(files)

    def rechecked(checker: Checker) -> list[str]:
        seen = []
        original = checker.check_document
        checker.check_document = lambda doc: (seen.append(doc.path), original(doc))[1]
        results = _kept(files, checker)
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


AGENCY = """\
- kind: source
  id: zenith
  name: Zenith Haber Ajansı
  tags: [{tag}]
  terms: subscription
"""


def test_compiled_rules_are_reused_until_a_rule_file_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "agency.yaml").write_text(AGENCY.format(tag="ZHA"), encoding="utf-8")
    compiled = []
    compile_rules = RuleSet.compile.__func__
    monkeypatch.setattr(RuleSet, "compile", classmethod(lambda cls, loaded: compiled.append(1) or
                                                         compile_rules(cls, loaded)))
    packs = [builtin_rules_dir(), pack]
    article = "ISTANBUL (ZHA) - Officials met on Monday.\nTalks resume next week. (AA)\n"

    fresh = RuleSet.load(packs)
    cached = RuleSet.load(packs)
    assert compiled == [1]  # the second load unpickled the compiled rules
    assert cached.fingerprint == fresh.fingerprint
    result = Checker(rules=cached).check_text(article, path="a.txt")
    assert result == Checker(rules=fresh).check_text(article, path="a.txt")
    assert {s.id for s in result.sources} == {"zenith", "aa"}

    (pack / "agency.yaml").write_text(AGENCY.format(tag="ZNA"), encoding="utf-8")
    edited = RuleSet.load(packs)
    assert compiled == [1, 1]
    assert edited.resolve("ZNA") == ["zenith"] and edited.resolve("ZHA") == []
    assert RuleSet.load(packs, disable=["zenith"]).resolve("ZNA") == []  # what is disabled is part of the key


def test_rules_edited_while_they_load_are_not_kept_under_what_they_said_before(tmp_path, monkeypatch):
    import compliance.ruleset.compiled as compiled

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    pack = tmp_path / "pack"
    pack.mkdir()
    agency = pack / "agency.yaml"
    agency.write_text(AGENCY.format(tag="ZHA"), encoding="utf-8")
    real = compiled.load_rules

    def edited_meanwhile(roots, disable):
        agency.write_text(AGENCY.format(tag="ZNA"), encoding="utf-8")  # after the cache key was taken
        return real(roots, disable)

    packs = [builtin_rules_dir(), pack]
    monkeypatch.setattr(compiled, "load_rules", edited_meanwhile)
    assert RuleSet.load(packs).resolve("ZNA") == ["zenith"]
    monkeypatch.setattr(compiled, "load_rules", real)
    agency.write_text(AGENCY.format(tag="ZHA"), encoding="utf-8")  # back as it was when the key was taken
    assert RuleSet.load(packs).resolve("ZHA") == ["zenith"]


def test_a_rule_file_edited_while_it_is_parsed_is_not_kept_under_what_it_said_before(tmp_path, monkeypatch):
    import compliance.ruleset.load as load

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    agency = tmp_path / "agency.yaml"
    agency.write_text(AGENCY.format(tag="ZHA"), encoding="utf-8")
    real = load._parse_file

    def edited_meanwhile(path):
        agency.write_text(AGENCY.format(tag="ZNA"), encoding="utf-8")  # after the cache key was taken
        return real(path)

    monkeypatch.setattr(load, "_parse_file", edited_meanwhile)
    assert [lr.rule.tags for lr in load.load_file(agency)] == [["ZNA"]]
    monkeypatch.setattr(load, "_parse_file", real)
    agency.write_text(AGENCY.format(tag="ZHA"), encoding="utf-8")
    assert [lr.rule.tags for lr in load.load_file(agency)] == [["ZHA"]]


def _forged(table: Path, verdict: str = "allow") -> None:
    """Rewrite every cached result as if it said ``verdict``, checksums and all."""
    db = sqlite3.connect(table)
    for key, value in db.execute("SELECT key, value FROM entries").fetchall():
        depends, _, fields, text = value.split("\n", 3)
        fields, text = json.loads(fields), json.loads(text)
        fields[1] = text["verdict"] = verdict
        stored = f"{json.dumps(fields)}\n{json.dumps(text)}"
        digest = hashlib.sha256(stored.encode()).hexdigest()
        db.execute("UPDATE entries SET value = ? WHERE key = ?", (f"{depends}\n{digest}\n{stored}", key))
    db.commit()
    db.close()


def test_a_file_edited_between_its_lookup_and_its_check_is_never_kept_under_what_it_said_before(tmp_path,
                                                                                                 monkeypatch):
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    warning = (CONTENT / "ilkha-legal-warning.txt").read_bytes()
    plain = (CONTENT / "public-domain-weather-service.txt").read_bytes()
    for handed in (True, False):  # the bytes as looked up (one process), or not (a worker reads the file)
        path = tmp_path / f"story-{handed}.txt"
        path.write_bytes(warning)
        cached = ResultCache(Checker())
        held, hit = cached.lookup(path)  # what the engine does first: a miss ...
        assert hit is None
        path.write_bytes(plain)  # ... then an editor saves, before the check
        assert cached.check_new(path, held if handed else None).verdict == "allow"  # what the file says now
        cached.flush()
        path.write_bytes(warning)
        assert _kept([path])[0].verdict == "deny"
    path.write_bytes(plain)
    checker = Checker()
    checker.check_document = lambda doc: pytest.fail("checked again")  # the worker kept what it read
    assert _kept([path], checker)[0].verdict == "allow"


def test_a_damaged_cache_entry_is_checked_again(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    path = CONTENT / "ilkha-legal-warning.txt"
    fresh, = _kept([path])
    db = sqlite3.connect(tmp_path / "cache" / "results" / "table.sqlite3")
    db.execute("UPDATE entries SET value = value || 'not json'")
    db.commit()
    db.close()
    assert ResultCache(Checker()).check_found(path) == fresh


def test_a_results_table_that_is_not_a_database_starts_over(tmp_path):
    table = tmp_path / "cache" / "results" / "table.sqlite3"
    table.parent.mkdir(parents=True, mode=0o700)
    table.write_bytes(b"not a database, " * 400)  # a disk error, a file copied in half
    env = {**os.environ, "COMPLIANCE_CACHE_DIR": str(tmp_path / "cache")}
    run = subprocess.run([sys.executable, "-m", "compliance", "check", str(CONTENT / "ilkha-legal-warning.txt")],
                         env=env, capture_output=True, text=True)  # a process of its own: a run as a user starts it
    assert run.returncode == 1, run.stderr
    db = sqlite3.connect(table)
    assert db.execute("SELECT count(*) FROM entries").fetchone() == (1,)  # the result is kept in a new table
    db.close()


def test_a_results_table_others_can_write_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    path = CONTENT / "ilkha-legal-warning.txt"
    assert _kept([path])[0].verdict == "deny"
    _forged(tmp_path / "cache" / "results" / "table.sqlite3")
    assert ResultCache(Checker()).check_found(path).verdict == "allow"  # the forgery is read from a private folder
    (tmp_path / "cache" / "results").chmod(0o777)
    assert ResultCache(Checker()).check_found(path).verdict == "deny"


def _kept(files: list[Path], checker: Checker | None = None) -> list:
    """The results of a run over ``files`` through the cache, written to it as a run ends."""
    cached = ResultCache(checker or Checker())
    results = [cached.check_found(p) for p in files]
    cached.flush()
    return results


def _reports(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_second_audit_of_an_unchanged_folder_checks_and_renders_nothing(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    args = ["audit", "-j", "1", "--config", str(EXAMPLES / "compliance.yaml"), str(CONTENT), "-o"]
    fresh = runner.invoke(main, [*args, str(tmp_path / "fresh"), "--no-cache"])
    first = runner.invoke(main, [*args, str(tmp_path / "first")])
    monkeypatch.setattr("compliance.checker.Checker.check_document", lambda self, doc: 1 / 0)
    monkeypatch.setattr("compliance.report.templates.render_template", lambda *a: 1 / 0)
    second = runner.invoke(main, [*args, str(tmp_path / "second")])
    assert fresh.exit_code == first.exit_code == second.exit_code == 1, second.output
    assert fresh.stdout == first.stdout == second.stdout
    assert _reports(tmp_path / "fresh") == _reports(tmp_path / "first") == _reports(tmp_path / "second")


def _audit(runner, folder: Path, out: Path, *extra: str):
    result = runner.invoke(main, ["audit", "-j", "1", str(folder), "-o", str(out), *extra])
    return result.exit_code, result.stdout, result.stderr, _reports(out)


def _recorded_audits(cache: Path) -> int:
    db = sqlite3.connect(cache / "audits" / "table.sqlite3")
    return db.execute("SELECT count(*) FROM entries").fetchone()[0]


@pytest.fixture
def settled(monkeypatch):
    """Files written by the test count as settled (not just written) when an audit starts."""
    monkeypatch.setattr("compliance.incremental.SETTLED_NS", 0)


def test_an_unchanged_audit_reads_no_file_and_says_all_it_said_before(runner, tmp_path, monkeypatch, settled):
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    (folder / "photo.jpg").write_bytes(b"\xff\xd8")  # seen, not checked: reported the same again
    first = _audit(runner, folder, tmp_path / "first")
    fresh_review = _audit(runner, folder, tmp_path / "fresh", "--fail-on", "review", "--no-cache")
    monkeypatch.setattr("compliance.engines.local.check_many", lambda *a, **k: 1 / 0)  # any check now fails
    monkeypatch.setattr("compliance.load.read.read_file", lambda *a, **k: 1 / 0)
    second = _audit(runner, folder, tmp_path / "second")
    assert second == (first[0], first[1], first[2].replace("first", "second"), first[3])
    assert first[0] == 1 and "1 files not checked" in first[1]
    # the exit code follows --fail-on, which the record leaves out
    assert _audit(runner, folder, tmp_path / "review", "--fail-on", "review")[:2] == fresh_review[:2]
    # a report edited by hand is written again; the others, as they were, are left alone
    edited, untouched = tmp_path / "second" / "permission.md", tmp_path / "second" / "report.json"
    edited.write_bytes(b"mine" + edited.read_bytes()[4:])  # the same size
    before = untouched.stat().st_mtime_ns
    assert _audit(runner, folder, tmp_path / "second")[3] == first[3]
    assert untouched.stat().st_mtime_ns == before


def test_an_audit_sees_an_edit_that_keeps_a_files_size_and_times(runner, tmp_path, monkeypatch, settled):
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    staff = folder / "staff-city-council.txt"
    _audit(runner, folder, tmp_path / "out")
    before = staff.stat()
    agency = ("Ministers met on Monday. (ILKHA)\nLEGAL WARNING: All rights of the published news, photos and "
              "videos are reserved by \u0130lke Haber Ajans\u0131. They cannot be used without a written contract "
              "or subscription.\n".encode())
    staff.write_bytes(agency.ljust(before.st_size, b"\n"))
    os.utime(staff, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert staff.stat().st_size == before.st_size and staff.stat().st_mtime_ns == before.st_mtime_ns
    report = json.loads(_audit(runner, folder, tmp_path / "out")[3]["report.json"])
    verdicts = {d["path"].rsplit("/", 1)[-1]: d["verdict"] for d in report["documents"]}
    assert verdicts["staff-city-council.txt"] == "deny"


def test_an_audit_of_files_just_written_or_unreadable_is_not_recorded(runner, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(cache))
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    monkeypatch.setattr("compliance.incremental.SETTLED_NS", 600 * 10**9)  # however slow the machine
    _audit(runner, folder, tmp_path / "out")  # a file written this close to the run may change again unseen
    assert _recorded_audits(cache) == 0
    monkeypatch.setattr("compliance.incremental.SETTLED_NS", 0)
    (folder / "bad.txt").write_bytes(b"caf\xc3\xa9 cr\xc3\xa8me \xff broken")  # no encoding fits: not checked
    assert _audit(runner, folder, tmp_path / "out")[0] == 3
    assert _recorded_audits(cache) == 0
    (folder / "bad.txt").unlink()
    _audit(runner, folder, tmp_path / "out")
    assert _recorded_audits(cache) == 1


def test_a_changed_template_renders_the_reports_again(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "attribution.txt.j2").write_text("Credits, take one\n", encoding="utf-8")
    args = ["audit", str(CONTENT), "--template", str(templates), "-o", str(tmp_path / "out")]
    runner.invoke(main, args)
    (templates / "attribution.txt.j2").write_text("Credits, take two\n", encoding="utf-8")
    runner.invoke(main, args)
    assert (tmp_path / "out" / "ATTRIBUTION.txt").read_text(encoding="utf-8") == "Credits, take two\n"


def test_report_bundles_keep_the_newest_few_and_only_whole_ones(tmp_path, monkeypatch):
    import os

    from compliance import cache

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    report = tmp_path / "report.json"
    report.write_text("{}\n", encoding="utf-8")
    bundles = cache.Bundles("reports", keep=2)
    for n, key in enumerate(["a", "b", "c"]):
        bundles.put(key, [report])
        os.utime(tmp_path / "cache" / "reports" / key, (n, n))  # put in this order, a second apart
    assert bundles.get("a") is None
    assert [p.name for p in bundles.get("c")] == ["report.json"]
    (tmp_path / "cache" / "reports" / "b" / "report.json").write_text("")  # on disk only in part after a crash
    assert bundles.get("b") is None
    (tmp_path / "cache" / "reports" / "c" / ".complete").unlink()  # as if the copy had been cut short
    assert bundles.get("c") is None


def test_a_pickle_the_disk_has_no_room_for_leaves_no_part_behind(tmp_path, monkeypatch):
    from compliance import cache

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))

    def full(value, fh, protocol):
        fh.write(b"the first part")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.pickle, "dump", full)
    cache.put("rules", "entry", ["rules"])
    assert list((tmp_path / "cache" / "rules").iterdir()) == []
    assert cache.get("rules", "entry") is None


def test_pickles_nobody_read_for_a_month_are_removed_when_a_new_process_writes(tmp_path, monkeypatch):
    from compliance import cache

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "_SWEPT", set())
    folder = tmp_path / "cache" / "rules"
    for name in ("stale", "used"):
        cache.put("rules", name, [name])
        month_ago = time.time() - 31 * 86400
        os.utime(folder / f"{name}.pickle", (month_ago, month_ago))
    assert cache.get("rules", "used") == ["used"]  # read now: kept
    cache.put("rules", "same-process", ["x"])  # a process sweeps a folder once
    assert (folder / "stale.pickle").exists()
    monkeypatch.setattr(cache, "_SWEPT", set())  # the next process
    cache.put("rules", "new", ["new"])
    assert sorted(p.stem for p in folder.glob("*.pickle")) == ["new", "same-process", "used"]


def test_results_nobody_used_for_a_month_are_removed_when_a_new_process_writes(tmp_path, monkeypatch):
    from compliance import cache

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "_SWEPT", set())
    table = cache.Table("results")
    for name in ("stale", "used"):
        table.put(name, name)
    table.flush()
    db = sqlite3.connect(tmp_path / "cache" / "results" / "table.sqlite3", isolation_level=None)
    db.execute("UPDATE entries SET used = used - 31")  # as if written a month ago
    assert table.get("used") == "used"  # read now: kept
    table.put("same-process", "x")  # a process sweeps a table once
    table.flush()
    assert _keys(db) == ["same-process", "stale", "used"]
    monkeypatch.setattr(cache, "_SWEPT", set())  # the next process
    table = cache.Table("results")
    table.put("new", "new")
    table.flush()
    assert _keys(db) == ["new", "same-process", "used"]


def test_a_results_table_of_an_earlier_version_is_taken_over_and_its_leftovers_removed(tmp_path, monkeypatch):
    from compliance import cache

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "_SWEPT", set())
    folder = tmp_path / "cache" / "results"
    folder.mkdir(parents=True, mode=0o700)
    db = sqlite3.connect(folder / "table.sqlite3", isolation_level=None)
    db.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, value TEXT NOT NULL)")  # no day of use
    db.execute("INSERT INTO entries VALUES ('old', 'old')")
    pickle = folder / "0123abcd.pickle"  # a result as versions before the table kept it
    pickle.write_bytes(b"old")
    os.utime(pickle, (time.time() - 31 * 86400,) * 2)
    table = cache.Table("results")
    table.put("new", "new")
    assert table.get("new") == "new"  # before it is written, too
    table.flush()
    assert table.get("new") == "new"
    assert _keys(db) == ["new"]
    assert not pickle.exists()


def _keys(db: sqlite3.Connection) -> list[str]:
    return sorted(key for key, in db.execute("SELECT key FROM entries"))
