"""``--format sarif``: SARIF 2.1.0 as GitHub code scanning reads it.

One ``rule`` per policy rule (plus the checker's own outcomes, such as an
unreadable file), one ``result`` per review/deny reason and per warning, with a
1-based region in code points and a content-based ``primaryLocationLineHash``
so an alert follows its text when lines move.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from ..models import Report
from ..ruleset.kinds.policy import Rule as Policy
from .issues import LEVEL, Issue, issues
from .options import FormatOptions

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
# Outcomes the checker reports itself, not through a policy rule: (short, full description, level).
CHECKER_RULES = {
    "no-decision": ("No policy rule decided this copy",
                    "A source or document was found that no policy rule decides. The checker fails closed, "
                    "so the document goes to review.", "warning"),
    "unreadable": ("The file could not be read or decoded",
                   "The file could not be read or its encoding could not be decoded, so it was not checked "
                   "and is never allowed.", "warning"),
    "empty": ("The document is empty",
              "The file holds no text to check; it goes to review so that an empty or truncated article is "
              "never passed unchecked.", "warning"),
    "rule-timeout": ("A rule ran out of time on this document",
                     "A rule pattern took too long on this document; it was not checked and must be reviewed "
                     "by hand.", "warning"),
    "internal-error": ("The checker failed on this document",
                       "An internal error stopped the check of this document; it was not checked and must be "
                       "reviewed by hand.", "warning"),
    "agreement-expiring": ("An agreement that covers this copy expires soon",
                           "The copy is allowed under an agreement that ends within the warning period; renew it "
                           "before publishing after that date.", "note"),
}
_FIELD = re.compile(r"\{(\w+)\}")


def render(report: Report, options: FormatOptions) -> str:
    found = list(issues(report, options))
    policies = {p.id: p for p in options.rules.policies}
    ids = sorted(set(policies) | {i.rule for i in found})
    index = {rule_id: n for n, rule_id in enumerate(ids)}
    rules = [_policy_rule(policies[i]) if i in policies else _checker_rule(i) for i in ids]
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "news-compliance", "version": __version__,
                                "semanticVersion": __version__, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": [_result(i, index[i.rule]) for i in found],
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _policy_rule(p: Policy) -> dict:
    template = _FIELD.sub(lambda m: f"<{m.group(1)}>", p.message)
    short = p.description or _sentence(template)
    intro = f"{p.description} " if p.description else ""
    see = f"See the rule with `compliance rules show {p.id}`."
    return {
        "id": p.id,
        "shortDescription": {"text": short},
        "fullDescription": {"text": f"{short} Verdict: {p.verdict}. Message: {template}"},
        "help": {
            "text": f"{intro}When this rule matches, the verdict is {p.verdict}. The report says: “{template}”. {see}",
            "markdown": f"{intro}When this rule matches, the verdict is **{p.verdict}**.\n\n"
                        f"The report says: `{p.message.replace('`', chr(39))}`\n\n{see}",
        },
        "defaultConfiguration": {"level": LEVEL.get(p.verdict, "note")},
        "properties": {"tags": ["compliance", "licensing", p.verdict]},
    }


def _checker_rule(rule_id: str) -> dict:
    short, full, level = CHECKER_RULES.get(
        rule_id, (f"Checker outcome {rule_id}", f"The checker reported {rule_id} for this document.", "warning"))
    return {
        "id": rule_id,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": full, "markdown": full},
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["compliance", "licensing"]},
    }


def _result(issue: Issue, rule_index: int) -> dict:
    region: dict = {"startLine": issue.line or 1}
    if issue.line and issue.column:
        region["startColumn"] = issue.column
        if issue.end_line is not None:
            region.update(endLine=issue.end_line, endColumn=issue.end_column)
    if issue.quote:
        region["snippet"] = {"text": issue.quote}
    return {
        "ruleId": issue.rule,
        "ruleIndex": rule_index,
        "level": issue.level,
        "message": {"text": _sentence(issue.message)},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": _uri(issue.path)},
            "region": region,
        }}],
        "partialFingerprints": {"primaryLocationLineHash": issue.fingerprint},
    }


def _uri(path: str) -> str:
    """A relative path stays a relative URI reference; a path outside the root becomes a file URI."""
    p = Path(path)
    return p.as_uri() if p.is_absolute() else quote(path, safe="/")


def _sentence(text: str) -> str:
    """Capitalised and closed with a full stop: GitHub takes the first sentence as the alert title."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
