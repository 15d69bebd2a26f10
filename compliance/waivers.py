"""Waivers: decisions an editor has accepted, applied after ``decide`` so every front end honours them.

Two kinds, one effect. A waivers file lists waivers by document path or glob::

    waivers:
      - path: articles/2026/dam-talks.md
        rule: policy.contract-required
        reason: one-off permission by email, ticket LEG-118
        approved_by: Legal desk
        expires: 2026-12-31        # optional; after it the waiver no longer applies

and a document may carry an inline marker, with a required reason::

    <!-- compliance: ignore policy.no-evidence -- our own reporting -->

A waived reason moves from ``reasons`` to ``waived`` (still reported, with the
waiver) and no longer counts towards the verdict. A waiver never applies to a
document that could not be read or checked.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Iterable

from pydantic import Field, ValidationError

from .document import Document
from .errors import ConfigError
from .models import VERDICT_RANK, DocumentResult, Model, Reason, Verdict, WaivedReason, Waiver
from .paths import GLOB_CHARS, match, relative_to, walk
from .ruleset import RuleSet
from .yamlfile import load_list, validation_error

# Reasons the pipeline gives without a policy rule that may still be waived (always ``review``).
BUILTIN_REASONS = {"no-decision": "review"}
MARKER = re.compile(r"<!--\s*compliance:\s*ignore\b(?P<body>.*?)-->", re.DOTALL)
MARKER_BODY = re.compile(r"\s*(?P<rule>[^\s-][^\s]*)?(?:\s+--\s*(?P<reason>.*?))?\s*", re.DOTALL)


class WaiverEntry(Model):
    """One entry of a waivers file, as written."""

    path: str = Field(min_length=1)
    rule: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    approved_by: str = Field(min_length=1)
    expires: date | None = None


@dataclass(frozen=True)
class Waivers:
    """The file waivers of a run, with the folder their paths are relative to."""

    entries: tuple[Waiver, ...] = ()
    base: Path = Path(".")

    def covering(self, path: str) -> list[Waiver]:
        if not self.entries:
            return []
        rel = relative_to(Path(path), self.base)
        folders = rel.split("/")[:-1]
        roots = ["/".join(folders[:n]) for n in range(len(folders) + 1)]
        return [w for root in roots for w in self._by_root.get(root, ()) if match(w.path, rel)]

    @cached_property
    def _by_root(self) -> dict[str, list[Waiver]]:
        """Waivers by the folder their pattern names before any glob, so a lookup costs the path's depth."""
        out: dict[str, list[Waiver]] = {}
        for w in self.entries:
            out.setdefault(_literal_root(w.path), []).append(w)
        return out


def load_waivers(path: Path, rules: RuleSet) -> Waivers:
    """Read a waivers file; bad entries and unknown rule ids are errors naming file and line."""
    items, lines = load_list(path, "waivers", ConfigError)
    entries = []
    for i, item in enumerate(items):
        line = lines.line_of(("waivers", i))
        try:
            entry = WaiverEntry.model_validate(item)
        except ValidationError as exc:
            raise validation_error(exc, path, lines, ("waivers", i), ConfigError) from None
        if verdict_of(rules, entry.rule) is None:
            raise ConfigError(f"waiver names unknown rule '{entry.rule}' (see 'compliance rules list')",
                              str(path), lines.line_of(("waivers", i, "rule")))
        entries.append(Waiver(**entry.model_dump(), file=str(path), line=line))
    return Waivers(tuple(entries), path.parent)


def verdict_of(rules: RuleSet, rule_id: str) -> Verdict | None:
    """The verdict a reason with this rule id carries; None for ids no reason can have."""
    policy = next((p for p in rules.policies if p.id == rule_id), None)
    return policy.verdict if policy else BUILTIN_REASONS.get(rule_id)  # type: ignore[return-value]


@dataclass
class _Outcome:
    reasons: list[Reason] = field(default_factory=list)
    waived: list[WaivedReason] = field(default_factory=list)
    warnings: list[Reason] = field(default_factory=list)
    problems: list[Reason] = field(default_factory=list)


def apply_waivers(result: DocumentResult, doc: Document, waivers: Waivers, rules: RuleSet,
                  as_of: date) -> DocumentResult:
    """``result`` with the waived reasons set aside and the verdict recomputed from the rest."""
    if result.error:
        return result
    markers, problems = inline_markers(doc, rules)
    candidates = [*waivers.covering(doc.path), *markers]
    if not candidates and not problems:
        return result
    out = _Outcome(problems=problems)
    used: set[tuple[str, int | None]] = set()
    for reason in result.reasons:
        applying = [w for w in candidates if w.rule == reason.rule]
        active = next((w for w in applying if not _expired(w, as_of)), None)
        if active is None:
            out.reasons.append(reason)
            out.warnings += [x for x in map(_expired_warning, applying) if x not in out.warnings]
            continue
        used.add((active.file, active.line))
        verdict = verdict_of(rules, reason.rule) or "review"
        out.waived.append(WaivedReason(**reason.model_dump(), verdict=verdict, waiver=active))
    out.warnings += [Reason(rule="waiver-unused", line=m.line, message=f"inline waiver for {m.rule} waived nothing; "
                            "remove it") for m in markers if (m.file, m.line) not in used]
    return _rebuild(result, out, rules)


def _rebuild(result: DocumentResult, out: _Outcome, rules: RuleSet) -> DocumentResult:
    verdict = result.verdict
    if out.waived:
        left = [verdict_of(rules, r.rule) for r in out.reasons]
        # A reason of unknown weight keeps the verdict as decided: waiving never guesses towards allow.
        if None not in left:
            verdict = max(left, key=VERDICT_RANK.__getitem__, default="allow")  # type: ignore[arg-type]
    error = result.error
    if out.problems:
        verdict = max(verdict, "review", key=VERDICT_RANK.__getitem__)
        error = "; ".join(f"line {p.line}: {p.message}" for p in out.problems)
    return result.model_copy(update={
        "verdict": verdict, "reasons": [*out.problems, *out.reasons], "waived": [*result.waived, *out.waived],
        "warnings": [*result.warnings, *out.warnings], "error": error})


def _expired(waiver: Waiver, as_of: date) -> bool:
    return waiver.expires is not None and as_of > waiver.expires


def _expired_warning(waiver: Waiver) -> Reason:
    where = f"{waiver.file}:{waiver.line}"
    return Reason(rule="waiver-expired", message=f"the waiver for {waiver.rule} ({where}) expired on "
                                                 f"{waiver.expires}; the decision stands until it is renewed")


def inline_markers(doc: Document, rules: RuleSet) -> tuple[list[Waiver], list[Reason]]:
    """The document's ``<!-- compliance: ignore RULE -- REASON -->`` markers, and the malformed ones."""
    markers, problems = [], []
    for m in MARKER.finditer(doc.text):
        line, column = doc.position(m.start())
        body = MARKER_BODY.fullmatch(m.group("body"))
        rule = body.group("rule") if body else None
        reason = (body.group("reason") or "").strip() if body else ""
        problem = None
        if not rule:
            problem = "inline waiver names no rule: write <!-- compliance: ignore RULE-ID -- why -->"
        elif verdict_of(rules, rule) is None:
            problem = f"inline waiver names unknown rule '{rule}' (see 'compliance rules list')"
        elif not reason:
            problem = f"inline waiver for {rule} gives no reason: write <!-- compliance: ignore {rule} -- why -->"
        if problem:
            problems.append(Reason(rule="invalid-waiver", message=problem, line=line, column=column,
                                   quote=m.group(0)))
        else:
            markers.append(Waiver(path=doc.path, rule=rule, reason=reason, file=doc.path, line=line))
    return markers, problems


def unused_waivers(waivers: Waivers, documents: Iterable[DocumentResult]) -> list[Waiver]:
    """File waivers that waived nothing, counted only when every file they cover was checked in this run.

    A run over a few changed files says nothing about a waiver for other files,
    so such a waiver is not reported; one that covers no file at all always is.
    """
    docs = list(documents)
    return unused_in_run(waivers, {(w.waiver.file, w.waiver.line) for d in docs for w in d.waived},
                         [d.path for d in docs])


def unused_in_run(waivers: Waivers, used: set[tuple[str, int | None]], paths: Iterable[str]) -> list[Waiver]:
    """``unused_waivers`` from what a run keeps of its documents: the waivers (file, line) that set a reason
    aside, and the paths checked."""
    idle = [w for w in waivers.entries if (w.file, w.line) not in used]
    if not idle:
        return []
    checked = {os.path.abspath(p) for p in paths}
    covered = _files_covered(waivers, idle)
    return [w for w in idle if covered[(w.file, w.line)] <= checked]


def _files_covered(waivers: Waivers, idle: list[Waiver]) -> dict[tuple[str, int | None], set[str]]:
    """The checkable files on disk each waiver covers (walking only the folders its pattern can reach)."""
    out: dict[tuple[str, int | None], set[str]] = {(w.file, w.line): set() for w in idle}
    roots = {_literal_root(w.path) for w in idle}
    for root in [""] if "" in roots else sorted(roots):
        if any(root.startswith(other + "/") for other in roots):
            continue
        for path in walk(waivers.base / root):
            rel = relative_to(path, waivers.base)
            for w in idle:
                if match(w.path, rel):
                    out[(w.file, w.line)].add(os.path.abspath(path))
    return out


def _literal_root(pattern: str) -> str:
    """The folders a pattern names before its first glob character ("" for the base folder)."""
    parts = pattern.strip().removeprefix("./").strip("/").split("/")
    if len(parts) == 1:
        return ""
    lead = []
    for part in parts[:-1]:
        if not GLOB_CHARS.isdisjoint(part):
            break
        lead.append(part)
    return "/".join(lead)
