"""The public Python API: what it exports, and that one Checker can be shared by threads and by days."""
from __future__ import annotations

import importlib.resources
import json
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import compliance
from compliance import Agreement, Checker, DocumentResult
from compliance.ruleset import RuleSet

from .conftest import AGENCY_PAGE, CONTENT

DATELINES = ["WASHINGTON (AP) -", "PARIS (AFP) -", "LONDON (Reuters) -", "ANKARA (AA) -", "DİYARBAKIR (İLKHA) -", ""]
BODY = "Officials met on {day} to discuss item {n} of the harbour budget.\nTalks resume next week."


def _articles() -> list[str]:
    days = ["Monday", "Tuesday", "Wednesday"]
    made = [f"{dl} {BODY.format(day=d, n=n)}" for n, (dl, d) in enumerate((x, y) for x in DATELINES for y in days)]
    return made + [p.read_text(encoding="utf-8") for p in sorted(CONTENT.iterdir())] + [AGENCY_PAGE]


def test_eight_threads_sharing_a_checker_agree_with_sequential_calls(monkeypatch):
    loaded = []
    load_rules = RuleSet.load.__func__
    monkeypatch.setattr(RuleSet, "load", classmethod(lambda cls, *args: loaded.append(1) or load_rules(cls, *args)))
    checker = Checker(agreements=[Agreement(source="aa")], as_of=date(2026, 1, 1))
    articles = _articles()
    sequential = [checker.check_text(text, path=f"a{i}") for i, text in enumerate(articles)]
    assert {r.verdict for r in sequential} == {"allow", "review", "deny"}

    start = threading.Barrier(8)

    def worker(offset: int) -> list[tuple[int, DocumentResult]]:
        start.wait()  # all eight begin together, each on a different article
        order = [(offset + k) % len(articles) for k in range(len(articles) * 5)]
        return [(i, checker.check_text(articles[i], path=f"a{i}")) for i in order]

    with ThreadPoolExecutor(8) as pool:
        results = [pair for batch in pool.map(worker, range(8)) for pair in batch]
    assert len(results) == 8 * 5 * len(articles)
    assert all(result == sequential[i] for i, result in results)
    assert loaded == [1]  # the rules were loaded (compiled, or taken from the cache) once, when the Checker was built


# The first checks of a fresh process, made from many threads at once: each model builds its validator on
# first use (``defer_build``), which needs pydantic's thread-safe rebuild (2.14) to give every thread the right one.
FIRST_USE_AT_ONCE = """
import json, sys, threading
from compliance import Checker
articles = json.load(sys.stdin)
checker = Checker()
sys.setswitchinterval(1e-6)  # switch threads as often as possible: a race in first use shows
start = threading.Barrier(len(articles))
first = [None] * len(articles)
def check(i):
    start.wait()
    first[i] = checker.check_text(articles[i], path=f"a{i}")
threads = [threading.Thread(target=check, args=(i,)) for i in range(len(articles))]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps([r.model_dump(mode="json") for r in first]))
print(json.dumps([checker.check_text(text, path=f"a{i}").model_dump(mode="json") for i, text in enumerate(articles)]))
"""


def test_the_first_checks_of_a_process_made_from_many_threads_at_once_are_right():
    articles = _articles()[:16]
    for _ in range(3):  # a race shows in about half the runs where it exists
        done = subprocess.run([sys.executable, "-c", FIRST_USE_AT_ONCE], input=json.dumps(articles),
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        first, again = (json.loads(line) for line in done.stdout.splitlines())
        assert [r["error"] for r in first] == [None] * len(articles)
        assert first == again


def test_a_long_lived_checker_judges_agreements_on_the_day_of_each_check(monkeypatch):
    class Today(date):
        value = date(2025, 1, 15)

        @classmethod
        def today(cls) -> date:
            return cls.value

    monkeypatch.setattr("compliance.checker.date", Today)
    checker = Checker(agreements=[Agreement(source="ilkha", expires=date(2025, 1, 31))])
    assert checker.check_text(AGENCY_PAGE).verdict == "allow"
    Today.value = date(2025, 2, 3)
    result = checker.check_text(AGENCY_PAGE)
    assert (result.verdict, result.reasons[0].rule) == ("deny", "policy.agreement-expired")


def test_check_text_names_the_article_and_takes_cms_metadata(checker):
    metadata = {"source": "staff", "license": "all-rights-reserved", "byline": "A. Reporter",
                "url": "https://example.org/news/42", "content_type": "article"}
    result = checker.check_text(AGENCY_PAGE, path="cms:42", metadata=metadata)
    assert result.path == "cms:42"
    assert checker.check_text(AGENCY_PAGE).path == "<text>"
    assert metadata == {"source": "staff", "license": "all-rights-reserved", "byline": "A. Reporter",
                        "url": "https://example.org/news/42", "content_type": "article"}  # not changed


def test_iter_check_yields_what_check_paths_reports(checker):
    results = list(checker.iter_check([CONTENT]))
    assert [r.path for r in results] == sorted(str(p) for p in CONTENT.iterdir())
    assert checker.check_paths([CONTENT]).documents == results


def test_every_exported_name_exists_and_the_package_is_typed():
    assert all(hasattr(compliance, name) for name in compliance.__all__)
    assert importlib.resources.files("compliance").joinpath("py.typed").is_file()
