"""``compliance rules``: test, lint and browse rule packs."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
import yaml

from ..ruleset import RuleSet, builtin_rules_dir
from ..ruleset.lint import lint as lint_rules
from ..ruleset.load import load_rules
from ..selftest import run_examples
from .common import EXIT_FAIL, UsageFailure, user_errors

packs_argument = click.argument("packs", nargs=-1, type=click.Path(exists=True, path_type=Path))


def _load(packs: tuple[Path, ...]) -> tuple[RuleSet, set[str] | None]:
    """The built-in rules plus the named packs; the ids of the named packs' own rules."""
    rs = RuleSet.load([builtin_rules_dir(), *packs])
    own = {lr.rule.id for lr in load_rules(packs)} if packs else None
    return rs, own


@click.group()
def rules() -> None:
    """Test, lint and browse rule packs."""


@rules.command()
@packs_argument
@click.option("-v", "--verbose", is_flag=True, help="List passing examples too.")
@user_errors
def test(packs: tuple[Path, ...], verbose: bool) -> None:
    """Run every rule's examples (built-in packs, or only the rules in PACKS)."""
    rs, own = _load(packs)
    results = run_examples(rs, own)
    for r in results:
        if r.problem or verbose:
            status = "FAIL" if r.problem else "ok"
            click.echo(f"{r.where}: {status} [{r.rule}] must {'match' if r.expected == 'match' else 'not match'}: "
                       f"{r.problem or 'as expected'}  <- {r.text[:80]!r}")
    failed = sum(1 for r in results if r.problem)
    click.echo(f"{len(results) - failed} passed, {failed} failed")
    if failed:
        raise SystemExit(EXIT_FAIL)


@rules.command(name="lint")
@packs_argument
@user_errors
def lint_command(packs: tuple[Path, ...]) -> None:
    """Report missing examples, risky patterns and aliases shared between sources."""
    rs, own = _load(packs)
    problems = [p for p in lint_rules(rs) if own is None or p.rule in own
                or (p.where == "registry" and own & set(p.rule.split(",")))]  # an alias a pack source shares
    for p in problems:
        click.echo(str(p))
    errors = sum(p.level == "error" for p in problems)
    click.echo(f"{errors} errors, {len(problems) - errors} warnings")
    if errors:
        raise SystemExit(EXIT_FAIL)


@rules.command(name="list")
@packs_argument
@click.option("--kind", help="Only rules of this kind.")
@click.option("--summary", is_flag=True, help="Print pack counts only.")
@user_errors
def list_command(packs: tuple[Path, ...], kind: str | None, summary: bool) -> None:
    """List rules: id, kind and a short description."""
    rs, _ = _load(packs)
    if summary:
        kinds = Counter(lr.rule.kind for lr in rs.loaded)
        languages = sorted({cn.rule.language for cn in rs.notices})
        examples = sum(len(lr.rule.examples.match) + len(lr.rule.examples.no_match) for lr in rs.loaded)
        click.echo(f"sources: {kinds['source']}")
        click.echo(f"notice rules: {kinds['notice']} in {len(languages)} languages ({', '.join(languages)})")
        click.echo(f"tag rules: {kinds['tag']}")
        click.echo(f"policy rules: {kinds['policy']}")
        click.echo(f"terms: {kinds['terms']}")
        click.echo(f"examples: {examples}")
        return
    for lr in sorted(rs.loaded, key=lambda r: (r.rule.kind, r.rule.id)):
        if kind and lr.rule.kind != kind:
            continue
        click.echo(f"{lr.rule.kind:8} {lr.rule.id:40} {lr.summary}")


@rules.command()
@click.argument("rule_id")
@packs_argument
@user_errors
def show(rule_id: str, packs: tuple[Path, ...]) -> None:
    """Show one rule as written, with where it comes from."""
    rs, _ = _load(packs)
    lr = rs.find(rule_id)
    if lr is None:
        raise UsageFailure(f"no rule with id '{rule_id}' (see 'compliance rules list')")
    data = lr.rule.model_dump(mode="json", exclude_defaults=True)
    data = {"kind": data.pop("kind"), "id": data.pop("id"), **data}  # as rule files are written
    click.echo(f"# {lr.path}:{lr.line()}")
    click.echo(yaml.safe_dump([data], allow_unicode=True, sort_keys=False), nl=False)
