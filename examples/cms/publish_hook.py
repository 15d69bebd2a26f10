"""Check articles at the moment an editor presses Publish, in process, with the Python API.

    python examples/cms/publish_hook.py [ARTICLE ...]   # default: examples/content/*

Prints one line per article and exits 1 if any may not be published. A CMS
calls ``before_publish(article)`` from its publish action instead.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from compliance import Checker, load_config

EXAMPLES = Path(__file__).resolve().parents[1]

# Build the checker once, at start-up: compiling the rules is the expensive part.
# One instance is safe to share between all the CMS's request threads.
CHECKER = Checker.from_config(load_config(EXAMPLES / "compliance.yaml"))


@dataclass
class PublishDecision:
    allowed: bool
    message: str  # what the editor sees
    credits: list[str]  # what the published article must carry


def before_publish(article: dict) -> PublishDecision:
    """``deny`` blocks publishing; ``review`` publishes only after an editor confirms; ``allow`` adds credits."""
    metadata = {key: article[key] for key in ("source", "license", "byline", "url", "content_type") if key in article}
    result = CHECKER.check_text(article["body"], path=article["id"], metadata=metadata)
    credits = [duty.text for duty in result.duties if duty.type == "attribute"]
    why = result.reasons[0].message if result.reasons else ""
    if result.verdict == "deny":
        return PublishDecision(False, f"Cannot publish: {why}", credits)
    if result.verdict == "review" and not article.get("confirmed_by_editor"):
        return PublishDecision(False, f"Needs an editor's confirmation: {why}", credits)
    return PublishDecision(True, "OK to publish", credits)


def main(paths: list[str]) -> int:
    files = [Path(p) for p in paths] or sorted((EXAMPLES / "content").iterdir())
    blocked = 0
    for path in files:
        decision = before_publish({"id": path.name, "body": path.read_text(encoding="utf-8")})
        blocked += not decision.allowed
        credit = f" (credit: {', '.join(decision.credits)})" if decision.credits else ""
        print(f"{path.name}: {decision.message}{credit}")
    return 1 if blocked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
