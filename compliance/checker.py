"""The library entry point: a ``Checker`` runs load -> detect -> segment -> link -> decide per document."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator

from .decide import Context, decide
from .detect import RuleTimeout, detect
from .document import Document
from .config import Config
from .errors import ConfigError, UserError
from .link import link, origin_findings
from .load import load_path
from .models import Agreement, DocumentResult, Reason, Report
from .paths import FileFilter, collect
from .ruleset import RuleSet, builtin_rules_dir
from .segment import segment
from .waivers import Waivers, apply_waivers, load_waivers, unused_waivers


class Checker:
    """Compiles the rules once; then checks any number of documents, from any thread.

    A ``Checker`` holds no per-document state, so one instance can be shared.
    """

    def __init__(self, rules: RuleSet | None = None, agreements: Iterable[Agreement] = (), *,
                 as_of: date | None = None, warn_days: int = 30, waivers: Waivers = Waivers(),
                 select: FileFilter | None = None, credit_style: str = "{credit}"):
        self.rules = rules if rules is not None else RuleSet.load()
        self.context = Context(self.rules, tuple(agreements), as_of or date.today(), warn_days)
        self.waivers = waivers
        self.select = select  # the config's include/exclude globs, for folders and file lists
        self.credit_style = credit_style  # the house style of credit lines

    @classmethod
    def from_config(cls, config: Config | None = None, *, as_of: date | None = None) -> Checker:
        """A checker with the config's rule packs and agreements (built-in rules alone by default)."""
        config = config or Config()
        rules = RuleSet.load(config.rule_packs(builtin_rules_dir()), config.disable)
        for i, agreement in enumerate(config.agreements):
            if agreement.source not in rules.sources:
                where = config.origin(f"agreements.{i}")
                raise ConfigError(f"agreement names unknown source '{agreement.source}' (see 'compliance rules "
                                  "list --kind source')", *(where or ()))
        waivers_path = config.waivers_path()
        return cls(rules, config.agreements, as_of=as_of or config.as_of, warn_days=config.warn_days,
                   waivers=load_waivers(waivers_path, rules) if waivers_path else Waivers(),
                   select=config.file_filter(), credit_style=config.credit_style)

    def check_text(self, text: str, *, path: str = "<text>", metadata: dict[str, Any] | None = None) -> DocumentResult:
        return self.check_document(Document(path=path, text=text, metadata=metadata or {}))

    def check_path(self, path: str | Path, display: str | None = None) -> DocumentResult:
        name = display or str(path)
        try:
            doc = load_path(Path(path), name)
        except UserError as exc:
            return failed(name, "unreadable", f"{exc.message}")
        return self.check_document(doc)

    def iter_check(self, paths: Iterable[str | Path]) -> Iterator[DocumentResult]:
        for path in collect(paths, self.select):
            yield self.check_path(path)

    def check_paths(self, paths: Iterable[str | Path]) -> Report:
        return self.report(self.iter_check(paths))

    def report(self, results: Iterable[DocumentResult]) -> Report:
        """The run's report, with the file waivers that waived nothing in it."""
        documents = list(results)
        return Report.of(documents, unused_waivers(self.waivers, documents))

    def check_document(self, doc: Document) -> DocumentResult:
        """The decision in the house credit style, with the editors' waivers applied after it."""
        result = self._decide(doc)
        try:
            styled = [d.model_copy(update={"text": self.credit_style.format(credit=d.text)})
                      if d.type == "attribute" else d for d in result.duties]
            return apply_waivers(result.model_copy(update={"duties": styled}), doc, self.waivers, self.rules,
                                 self.context.as_of)
        except Exception as exc:  # noqa: BLE001 - the document boundary: fail closed, keep going
            return failed(doc.path, "internal-error", f"internal error in stage 'waivers': {type(exc).__name__}: {exc}")

    def _decide(self, doc: Document) -> DocumentResult:
        """Never raises for a bad document: any failure becomes a ``review`` that says what broke."""
        stage = "detect"
        try:
            det = detect(doc, self.rules)
            stage = "segment"
            segments = segment(doc, det)
            stage = "link"
            sources, notices = link(det, segments, self.rules)
            stage = "decide"
            decision = decide(self.context, sources, notices, det.findings, origin_findings(det, segments))
        except RuleTimeout as exc:
            return failed(doc.path, "rule-timeout",
                          f"rule '{exc.rule_id}' ran out of time on this document; not checked, review by hand")
        except Exception as exc:  # noqa: BLE001 - the document boundary: fail closed, keep going
            return failed(doc.path, "internal-error", f"internal error in stage '{stage}': {type(exc).__name__}: {exc}")
        return DocumentResult(
            path=doc.path, verdict=decision.verdict, sources=sources, notices=notices,
            findings=det.findings, duties=decision.duties, reasons=decision.reasons,
            warnings=decision.warnings, segments=segments, format=doc.format, encoding=doc.encoding)


def failed(path: str, rule: str, message: str) -> DocumentResult:
    """The result for a document that could not be checked: never ``allow``."""
    return DocumentResult(path=path, verdict="review", error=message,
                          reasons=[Reason(rule=rule, message=message)])
