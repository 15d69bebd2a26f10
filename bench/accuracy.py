"""Measure detection and decision accuracy on the labeled evaluation set in ``bench/eval/``.

    python bench/accuracy.py [--rules PACK]... [--set DIR] [--by-category]

Each case is a short article or excerpt with labels: the sources its copy comes from, the
notice types it carries, the notice holder and licence where there is one, and the verdict
expected for a publisher with no agreements. Prints precision and recall for sources,
notice types and verdicts, and lists every miss.

A case is *pending* (listed, not scored) when the active rules cannot judge it yet: a source
it names is not in the registry, its notices are in a language no notice rule covers, or the
loader cannot decode its ``encoding:``. As the packs and the loader grow, pending cases are
scored with no change here.
"""
from __future__ import annotations

import argparse
import codecs
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from compliance import Checker
from compliance.errors import UserError
from compliance.load import load_bytes
from compliance.models import DocumentResult
from compliance.ruleset import RuleSet, builtin_rules_dir
from compliance.text import norm_name

EVAL_DIR = Path(__file__).resolve().parent / "eval"
AS_OF = date(2026, 1, 1)
VERDICTS = ("allow", "review", "deny")
CASE_KEYS = {"id", "text", "sources", "notices", "holder", "license", "verdict", "lang",
             "encoding", "format", "categories", "note"}


@dataclass(frozen=True)
class Case:
    id: str
    where: str  # file:line
    text: str
    sources: frozenset[str]
    notices: frozenset[str]
    holder: str | None
    license: str | None
    verdict: str
    lang: str
    encoding: str | None
    format: str
    categories: tuple[str, ...]


@dataclass
class Outcome:
    case: Case
    result: DocumentResult
    problems: list[str]


@dataclass
class Evaluation:
    outcomes: list[Outcome] = field(default_factory=list)
    pending: list[tuple[Case, str]] = field(default_factory=list)

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.problems]

    def verdict_accuracy(self) -> float:
        return sum(o.result.verdict == o.case.verdict for o in self.outcomes) / max(len(self.outcomes), 1)

    def pairs(self, what: str) -> tuple[int, int, int]:
        """True positives, false positives and false negatives over (case, label) pairs."""
        tp = fp = fn = 0
        for o in self.outcomes:
            want = getattr(o.case, what)
            got = found(o.result, what)
            tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
        return tp, fp, fn

    def verdict_counts(self, verdict: str) -> tuple[int, int, int]:
        tp = sum(o.case.verdict == verdict == o.result.verdict for o in self.outcomes)
        fp = sum(o.case.verdict != verdict == o.result.verdict for o in self.outcomes)
        fn = sum(o.case.verdict == verdict != o.result.verdict for o in self.outcomes)
        return tp, fp, fn


def found(result: DocumentResult, what: str) -> frozenset[str]:
    if what == "sources":
        return frozenset(s.id for s in result.sources)
    return frozenset(n.type for n in result.notices)


def load_cases(root: Path = EVAL_DIR) -> list[Case]:
    cases, seen = [], {}
    for path in sorted(root.glob("*.yaml")):
        try:
            data = yaml.compose(path.read_text(encoding="utf-8"))
            items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: not valid YAML: {exc}") from None
        for node, item in zip(data.value if data else [], items):
            where = f"{_shown(path)}:{node.start_mark.line + 1}"
            unknown = set(item) - CASE_KEYS
            if unknown or item.get("verdict") not in VERDICTS or not item.get("id") or not item.get("text"):
                raise ValueError(f"{where}: a case needs id, text and verdict (allow/review/deny); "
                                 f"unknown keys: {sorted(unknown)}")
            if item["id"] in seen:
                raise ValueError(f"{where}: duplicate case id {item['id']!r} (first at {seen[item['id']]})")
            seen[item["id"]] = where
            try:
                item["text"].encode(item.get("encoding") or "utf-8")
            except (LookupError, UnicodeEncodeError) as exc:
                raise ValueError(f"{where}: the text cannot be saved as {item.get('encoding')}: {exc}") from None
            cases.append(Case(
                id=item["id"], where=where, text=item["text"], sources=frozenset(item.get("sources") or ()),
                notices=frozenset(item.get("notices") or ()), holder=item.get("holder"),
                license=item.get("license"), verdict=item["verdict"], lang=item.get("lang", "en"),
                encoding=item.get("encoding"), format=item.get("format", "text"),
                categories=tuple(item.get("categories") or ())))
    return cases


def _shown(path: Path) -> Path:
    """A case file's path as typed from here, when it lies below the current folder."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def evaluate(rules: RuleSet | None = None, cases: list[Case] | None = None) -> Evaluation:
    rules = rules if rules is not None else RuleSet.load()
    checker = Checker(rules, as_of=AS_OF)
    languages = {cn.rule.language for cn in rules.notices}
    out = Evaluation()
    for case in cases if cases is not None else load_cases():
        missing = sorted(case.sources - set(rules.sources))
        if missing:
            out.pending.append((case, f"sources not in the registry yet: {', '.join(missing)}"))
            continue
        if case.notices and case.lang not in languages:
            out.pending.append((case, f"no notice rules for language '{case.lang}' yet"))
            continue
        try:
            doc = load_bytes(_encode(case), f"{case.id}.{'md' if case.format == 'markdown' else 'txt'}",
                             case.format)
        except UserError as exc:
            out.pending.append((case, f"the loader cannot read {case.encoding}: {exc.message}"))
            continue
        result = checker.check_document(doc)
        out.outcomes.append(Outcome(case, result, _problems(case, result)))
    return out


def _encode(case: Case) -> bytes:
    encoding = case.encoding or "utf-8"
    data = case.text.encode(encoding)
    if encoding.lower().replace("_", "-") in ("utf-16", "utf-16le", "utf-16-le") and not data.startswith(
            (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = codecs.BOM_UTF16_LE + data
    return data


def _problems(case: Case, result: DocumentResult) -> list[str]:
    problems = []
    if result.verdict != case.verdict:
        reasons = "; ".join(f"[{r.rule}] {r.message}" for r in result.reasons[:3])
        problems.append(f"verdict: expected {case.verdict}, got {result.verdict} ({reasons})")
    for what in ("sources", "notices"):
        want, got = getattr(case, what), found(result, what)
        if want != got:
            problems.append(f"{what}: expected {sorted(want)}, got {sorted(got)}")
    holders = [n.holder for n in result.notices if n.holder]
    if case.holder and not any(norm_name(case.holder) in norm_name(h) for h in holders):
        problems.append(f"holder: expected {case.holder!r}, got {holders}")
    licenses = {n.license for n in result.notices if n.license} | {d.text.split()[0] for d in result.duties
                                                                    if d.type == "link_license"}
    if case.license and case.license not in licenses:
        problems.append(f"license: expected {case.license}, got {sorted(licenses)}")
    return problems


def _pr(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return f"precision {p:.3f}  recall {r:.3f}  (tp {tp}, fp {fp}, fn {fn})"


def report(ev: Evaluation, by_category: bool = False) -> str:
    lines = [f"cases: {len(ev.outcomes) + len(ev.pending)} ({len(ev.outcomes)} scored, {len(ev.pending)} pending)",
             f"sources:      {_pr(*ev.pairs('sources'))}",
             f"notice types: {_pr(*ev.pairs('notices'))}"]
    for v in VERDICTS:
        lines.append(f"verdict {v:<6} {_pr(*ev.verdict_counts(v))}")
    lines.append(f"verdict accuracy: {ev.verdict_accuracy():.3f}")
    if by_category:
        cats: Counter[str] = Counter()
        right: Counter[str] = Counter()
        for o in ev.outcomes:
            for c in o.case.categories or ("(none)",):
                cats[c] += 1
                right[c] += o.result.verdict == o.case.verdict
        lines.append("verdict accuracy by category:")
        lines += [f"  {c:<22} {right[c]}/{n}" for c, n in sorted(cats.items())]
    lines.append(f"misses: {len(ev.misses)}")
    lines += [f"  {o.case.where} [{o.case.id}] " + " | ".join(o.problems) for o in ev.misses]
    if ev.pending:
        lines.append(f"pending: {len(ev.pending)}")
        lines += [f"  {c.where} [{c.id}] {why}" for c, why in ev.pending]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rules", action="append", type=Path, default=[], help="an extra rule pack (repeatable)")
    ap.add_argument("--set", type=Path, default=EVAL_DIR, help="a folder of labeled cases (default: bench/eval)")
    ap.add_argument("--by-category", action="store_true", help="verdict accuracy per case category")
    args = ap.parse_args(argv)
    rules = RuleSet.load([builtin_rules_dir(), *args.rules])
    try:
        print(report(evaluate(rules, load_cases(args.set)), args.by_category))
    except ValueError as exc:  # a broken case file: say which, no traceback
        print(f"accuracy: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
