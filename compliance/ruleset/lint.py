"""``compliance rules lint``: problems a rule pack can have that loading does not reject."""
from __future__ import annotations

from dataclasses import dataclass

import regex

from .compiled import RuleSet
from ..text import fold

NEEDS_EXAMPLES = {"source", "tag", "notice", "policy", "words"}
# A notice pattern that opens with a run of sentence characters (or a look-ahead over the rest of
# the sentence) costs a scan per character of a long line; {start} makes it one per sentence.
_UNANCHORED = ("{sent}", "(?={sent}*", "(?!{sent}*")
# A look-around over the rest of the sentence right after a lazy repeat is tried at every step of the
# repeat: quadratic in the sentence. Put it before the repeat, where it is tried once.
_LOOK_AFTER_REPEAT = regex.compile(r"\{sent\}(?:\{\d*,\d*\}|[*+])\?\(\?<?[=!]\{sent\}\*")
# A group that repeats without bound and is itself repeated: the classic catastrophic backtracking shape.
_NESTED = regex.compile(r"\((?:[^()\\]|\\.)*[+*](?:[^()\\]|\\.)*\)\s*(?:[+*]|\{\d*,\})")


@dataclass(frozen=True)
class LintProblem:
    level: str  # "error" | "warning"
    where: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.level}: [{self.rule}] {self.message}"


def lint(rs: RuleSet) -> list[LintProblem]:
    problems: list[LintProblem] = []
    for lr in rs.loaded:
        rule = lr.rule
        where = lr.where

        def add(level: str, message: str, *field: str | int) -> None:
            problems.append(LintProblem(level, f"{lr.path}:{lr.line(*field)}" if field else where, rule.id, message))

        if rule.kind in NEEDS_EXAMPLES:
            if not rule.examples.match:
                add("error", "no examples that must match")
            if not rule.examples.no_match:
                add("error", "no examples that must not match")
        if lr.overrides:
            add("warning", f"overrides the rule of the same id at {lr.overrides}")
        if rule.kind == "policy" and not rule.message.strip():
            add("error", "empty message", "message")
        pattern = getattr(rule, "pattern", None)
        if pattern and _NESTED.search(pattern):
            add("warning", "pattern nests unbounded repetition; it may backtrack catastrophically", "pattern")
        if rule.kind == "notice":
            if rule.pattern.startswith(_UNANCHORED):
                add("warning", "pattern may start anywhere in a sentence, so it is tried at every character; "
                               "begin it with {start} to try it once per sentence", "pattern")
            if _LOOK_AFTER_REPEAT.search(rule.pattern):
                add("warning", "a look-around over the sentence follows a lazy repeat, so it is tried at every "
                               "step of the repeat; move it before the repeat", "pattern")
            for i, ex in enumerate(rule.examples.match):
                if not any(fold(k) in fold(ex.text) for k in rule.keywords):
                    add("error", "a must-match example contains none of the keywords, so the prefilter "
                                 "would never run the pattern on it", "examples", "match", i)
    for alias, ids in sorted(rs.aliases.items()):
        if len(ids) > 1:
            problems.append(LintProblem("warning", "registry", ",".join(ids),
                                        f"alias '{alias}' is shared by sources {', '.join(ids)}; "
                                        f"the first wins unless context tells them apart"))
    return problems
