"""Run every rule's own examples through the whole pipeline: ``compliance rules test``.

A ``words`` rule's examples are read with what its role reads (a byline, a sign-off, the joiner
between tags), since a word list decides nothing on its own."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .checker import Checker
from .models import DocumentResult
from .ruleset import LoadedRule, RuleSet
from .ruleset.kinds.base import Example

AS_OF = date(2026, 1, 1)  # examples must not start failing as calendars move
# The reader a ``words`` example is read with, by role, and whether it must match from the text's start.
WORD_EXAMPLES = {"byline": ("byline_person", True), "signoff": ("signoff_person", False),
                 "tag-joiner": ("tag_joiner", False)}


@dataclass(frozen=True)
class ExampleResult:
    rule: str
    where: str
    expected: str  # "match" | "no_match"
    text: str
    problem: str | None  # None when the example passed


def run_examples(rs: RuleSet, only: set[str] | None = None) -> list[ExampleResult]:
    checkers: dict[tuple[str, ...], Checker] = {}
    results = []
    for lr in rs.loaded:
        if only and lr.rule.id not in only:
            continue
        for expected in ("match", "no_match"):
            for i, ex in enumerate(getattr(lr.rule.examples, expected)):
                if lr.rule.kind == "words":
                    problem = _read_words(rs, lr, ex, expected == "match")
                else:
                    key = tuple(a.model_dump_json() for a in ex.agreements)
                    if key not in checkers:
                        checkers[key] = Checker(rs, ex.agreements, as_of=AS_OF)
                    result = checkers[key].check_text(ex.text, path="<example>", metadata=ex.metadata)
                    problem = _check(lr, ex, result, expected == "match")
                where = f"{lr.path}:{lr.line('examples', expected, i)}"
                results.append(ExampleResult(lr.rule.id, where, expected, ex.text, problem))
    return results


def _check(lr: LoadedRule, ex: Example, result: DocumentResult, want: bool) -> str | None:
    if result.error:
        return f"the example could not be checked: {result.error}"
    rule = lr.rule
    hits = _hits(rule.kind, rule.id, result)
    if not want:
        return f"matched but must not: {hits[0]}" if hits else None
    if not hits:
        return "did not match"
    expected = {k: getattr(ex, k) for k in ("tag", "source", "holder", "license", "quote", "verdict")
                if getattr(ex, k) is not None}
    for hit in hits:
        got = _extracted(hit, result)
        if all(got.get(k) == v for k, v in expected.items()):
            return None
    got = _extracted(hits[0], result)
    diffs = ", ".join(f"{k}: expected {v!r}, got {got.get(k)!r}" for k, v in expected.items() if got.get(k) != v)
    return f"matched, but {diffs}"


def _read_words(rs: RuleSet, lr: LoadedRule, ex: Example, want: bool) -> str | None:
    reader, from_start = WORD_EXAMPLES[lr.rule.role]
    pattern = getattr(rs.words, reader).compiled()
    found = pattern.match(ex.text) if from_start else pattern.search(ex.text)
    if not want:
        return f"matched but must not: {found.group(0)!r}" if found else None
    return None if found else "did not match"


def _hits(kind: str, rule_id: str, result: DocumentResult) -> list:
    if kind == "source":
        return [s for s in result.sources if s.id == rule_id]
    if kind == "tag":
        return [f for f in result.findings if f.rule == rule_id and f.kind != "holder"]
    if kind == "notice":
        return [n for n in result.notices if n.rule == rule_id]
    if kind == "policy":
        return [r for r in result.reasons if r.rule == rule_id]
    return []


def _extracted(hit, result: DocumentResult) -> dict[str, str | None]:
    """What a hit extracted, under the names examples use."""
    fields = {"verdict": result.verdict}
    if hasattr(hit, "kind"):  # a Finding
        fields |= {"tag": hit.text, "source": hit.source, "quote": hit.text}
    elif hasattr(hit, "holder"):  # a Notice
        fields |= {"holder": hit.holder, "license": hit.license, "quote": hit.text, "source": hit.source}
    elif hasattr(hit, "tags"):  # a SourceRef
        fields |= {"source": hit.id, "tag": hit.tags[0] if hit.tags else None}
    else:  # a Reason
        fields |= {"source": hit.source, "quote": hit.quote}
    return fields
