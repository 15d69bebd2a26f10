"""Properties over random text and random Unicode around the real tags and notices the rule packs carry.

The default run keeps example counts modest; ``pytest -m fuzz`` runs the same
properties for as long as ``FUZZ_EXAMPLES`` says (default 20,000 examples).
"""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance import Checker
from compliance.errors import UserError
from compliance.load import load_bytes
from compliance.models import VERDICT_RANK
from compliance.ruleset import RuleSet

RULES = RuleSet.load()
CHECKER = Checker(RULES)
# Every must-match example of every rule: real tags, datelines, credits and notices.
REAL = sorted({e.text for lr in RULES.loaded for e in lr.rule.examples.match})
RESERVED = "All rights reserved."

noise = st.text(max_size=60)
pieces = st.lists(st.tuples(st.one_of(noise, st.sampled_from(REAL)),
                            st.sampled_from(["", " ", "\n", "\n\n", "\t", "\r\n", "\u2028", " — "])), max_size=10)
documents = pieces.map(lambda parts: "".join(a + b for a, b in parts))
# The suite's run is the same every time (derandomize); the fuzz run explores.
FAST = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20000")), deadline=None,
                suppress_health_check=list(HealthCheck))


def position(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def offset(text: str, line: int, column: int) -> int:
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    return start + column - 1


def checked(text: str):
    result = CHECKER.check_text(text)
    assert result.error is None, result.error  # no stage raised, no rule ran out of time
    assert result.verdict in VERDICT_RANK
    for f in result.findings:
        assert text[f.start:f.end] == f.text
        assert position(text, f.start) == (f.line, f.column)
    for n in result.notices:
        at = offset(text, n.line, n.column)
        assert text[at:at + len(n.text)] == n.text
    for r in result.reasons:
        if r.line is not None and r.quote:
            at = offset(text, r.line, r.column)
            assert text[at:at + len(r.quote)] == r.quote
    return result


def never_more_permissive_with_a_reservation(text: str) -> None:
    """A reservation added as a footer (where notices stand) can only make the decision stricter."""
    before = checked(text)
    after = checked(f"{text}\n{RESERVED}\n")
    assert VERDICT_RANK[after.verdict] >= VERDICT_RANK[before.verdict], (before.reasons, after.reasons)


def bytes_load_or_fail_cleanly(data: bytes) -> None:
    try:
        doc = load_bytes(data, "fuzz.txt")
    except UserError as exc:
        assert exc.path == "fuzz.txt" and "not checked" in exc.message
        return
    assert "\r" not in doc.text and "\x00" not in doc.text


@FAST
@given(documents)
def test_offsets_point_at_the_quoted_text_and_the_verdict_is_one_of_three(text):
    checked(text)


@FAST
@given(documents)
def test_adding_all_rights_reserved_never_makes_a_document_more_permissive(text):
    never_more_permissive_with_a_reservation(text)


@FAST
@given(st.binary(max_size=200) | documents.map(str.encode))
def test_any_bytes_load_or_fail_with_a_message(data):
    bytes_load_or_fail_cleanly(data)


@pytest.mark.fuzz
@FUZZ
@given(documents)
def test_fuzz_detect_and_decide(text):
    never_more_permissive_with_a_reservation(text)


@pytest.mark.fuzz
@FUZZ
@given(st.binary(max_size=4000))
def test_fuzz_load(data):
    bytes_load_or_fail_cleanly(data)
