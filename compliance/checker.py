"""The library entry point: a ``Checker`` runs load -> detect -> segment -> link -> decide per document."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator

from .decide import Context, decide
from .detect import RuleTimeout, detect
from .document import Document
from .config import Config
from .errors import ConfigError, UserError, internal_error
from .link import link, origin_findings
from .load import load_path
from .load.read import DEFAULT_MAX_BYTES, MB
from .models import Agreement, DocumentResult, NotChecked, Reason, Report
from .paths import Unreadable, collect, display_name
from .ruleset import RuleSet, builtin_rules_dir
from .segment import segment


class Checker:
    """Compiles the rules once; then checks any number of documents, from any thread.

    A ``Checker`` holds no per-document state, so one instance can be shared.
    """

    def __init__(self, rules: RuleSet | None = None, agreements: Iterable[Agreement] = (), *,
                 as_of: date | None = None, warn_days: int = 30, max_bytes: int = DEFAULT_MAX_BYTES):
        self.rules = rules if rules is not None else RuleSet.load()
        self.context = Context(self.rules, tuple(agreements), as_of or date.today(), warn_days)
        self.max_bytes = max_bytes  # a bigger file is reported as not checked (review), never read whole

    @classmethod
    def from_config(cls, config: Config | None = None, *, as_of: date | None = None) -> Checker:
        """A checker with the config's rule packs and agreements (built-in rules alone by default)."""
        config = config or Config()
        rules = RuleSet.load(config.rule_packs(builtin_rules_dir()), config.disable)
        for agreement in config.agreements:
            if agreement.source not in rules.sources:
                raise ConfigError(f"agreement names unknown source '{agreement.source}'")
        return cls(rules, config.agreements, as_of=as_of or config.as_of, warn_days=config.warn_days,
                   max_bytes=int(config.max_file_mb * MB))

    def check_text(self, text: str, *, path: str = "<text>", metadata: dict[str, Any] | None = None) -> DocumentResult:
        return self.check_document(Document(path=path, text=text, metadata=metadata or {}))

    def check_path(self, path: str | Path, display: str | None = None) -> DocumentResult:
        name = display or display_name(path)
        try:
            doc = load_path(Path(path), name, max_bytes=self.max_bytes)
        except UserError as exc:
            return failed(name, "unreadable", exc.message)
        except Exception as exc:  # noqa: BLE001 - the document boundary: fail closed, keep going
            return failed(name, "internal-error", internal_error("load", exc))
        return self.check_document(doc)

    def iter_check(self, paths: Iterable[str | Path], *, exclude: Iterable[str | Path] = (),
                   not_checked: list[NotChecked] | None = None) -> Iterator[DocumentResult]:
        """Check files and folders in a stable order, leaving out the folders in ``exclude``.

        Files a folder holds that are not articles the checker reads (images, PDFs,
        links to folders) are not results; they are appended to ``not_checked`` if given.
        """
        for item in collect(paths, exclude):
            if isinstance(item, NotChecked):
                if not_checked is not None:
                    not_checked.append(item)
            elif isinstance(item, Unreadable):
                yield failed(item.path, item.rule, item.message)
            else:
                yield self.check_path(item)

    def check_paths(self, paths: Iterable[str | Path], *, exclude: Iterable[str | Path] = ()) -> Report:
        not_checked: list[NotChecked] = []
        documents = list(self.iter_check(paths, exclude=exclude, not_checked=not_checked))
        return Report.of(documents, not_checked)

    def check_document(self, doc: Document) -> DocumentResult:
        """Never raises for a bad document: any failure becomes a ``review`` that says what broke."""
        if not doc.text.strip():
            reason = Reason(rule="empty", message="empty document: nothing to check, review by hand")
            return DocumentResult(path=doc.path, verdict="review", reasons=[reason], format=doc.format,
                                  encoding=doc.encoding)
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
            return failed(doc.path, "internal-error", internal_error(stage, exc))
        return DocumentResult(
            path=doc.path, verdict=decision.verdict, sources=sources, notices=notices,
            findings=det.findings, duties=decision.duties, reasons=decision.reasons,
            warnings=decision.warnings, segments=segments, format=doc.format, encoding=doc.encoding)


def failed(path: str, rule: str, message: str) -> DocumentResult:
    """The result for a document that could not be checked: never ``allow``."""
    return DocumentResult(path=path, verdict="review", error=message,
                          reasons=[Reason(rule=rule, message=message)])
