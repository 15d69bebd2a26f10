"""The library entry point: a ``Checker`` runs load -> detect -> segment -> link -> decide per document."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from .decide import Context, decide
from .detect import RuleTimeout, detect
from .document import Document
from .config import Config
from .errors import ConfigError, UserError, internal_error
from .excerpt import with_context
from .link import link, origin_findings
from .load import load_path
from .load.read import DEFAULT_MAX_BYTES, MB
from .models import Agreement, DocumentResult, NotChecked, Reason, Report
from .paths import Found, Unreadable, collect, display_name
from .ruleset import RuleSet, builtin_rules_dir
from .segment import segment


class Checker:
    """Checks news texts and files against compiled rules and the publisher's agreements.

    Build one once (compiling the rules is the expensive part), then call it from
    any number of threads: a ``Checker`` keeps no per-document state, and each call
    returns a new frozen ``DocumentResult``. A check never raises for a bad
    document; anything it could not read or understand comes back as ``review``
    with ``error`` set, never as ``allow``.
    """

    def __init__(self, rules: RuleSet | None = None, agreements: Iterable[Agreement] = (), *,
                 as_of: date | None = None, warn_days: int = 30, max_bytes: int = DEFAULT_MAX_BYTES):
        """The built-in rules (or a compiled ``rules``) and the agreements you hold.

        ``as_of`` fixes the day agreements are judged on; by default it is the
        day of each check, so a long-running service sees agreements expire.
        A file bigger than ``max_bytes`` is reported as not checked (review), never read whole.
        """
        self.rules = rules if rules is not None else RuleSet.load()
        self._as_of = as_of
        self._context = Context(self.rules, tuple(agreements), as_of or date.today(), warn_days)
        self.max_bytes = max_bytes

    @classmethod
    def from_config(cls, config: Config | None = None, *, as_of: date | None = None) -> Checker:
        """A checker with the config's rule packs and agreements (built-in rules alone by default).

        Raises ``RuleError`` or ``ConfigError`` (both ``UserError``) naming the
        file and line of a rule or agreement that cannot be used.
        """
        config = config or Config()
        rules = RuleSet.load(config.rule_packs(builtin_rules_dir()), config.disable)
        for agreement in config.agreements:
            if agreement.source not in rules.sources:
                raise ConfigError(f"agreement names unknown source '{agreement.source}'")
        return cls(rules, config.agreements, as_of=as_of or config.as_of, warn_days=config.warn_days,
                   max_bytes=int(config.max_file_mb * MB))

    def check_text(self, text: str, *, path: str | None = None,
                   metadata: Mapping[str, Any] | None = None) -> DocumentResult:
        """Check one article's text, e.g. when an editor presses Publish.

        ``path`` names the article in the result (default ``"<text>"``): a CMS id
        or URL works. ``metadata`` is what the CMS knows about the article,
        passed to the checker unchanged; the keys it reads are ``source``
        (declared source, e.g. ``"staff"`` or ``"afp"``), ``license``,
        ``byline``, ``url`` and ``content_type``.
        """
        return self.check_document(Document(path=path or "<text>", text=text, metadata=dict(metadata or {})))

    def check_path(self, path: str | Path, display: str | None = None) -> DocumentResult:
        """Check one file; ``display`` is the name shown in the result (default: ``path``, escaped)."""
        name = display or display_name(path)
        try:
            doc = load_path(Path(path), name, max_bytes=self.max_bytes)
        except UserError as exc:
            return failed(name, "unreadable", exc.message)
        except Exception as exc:  # noqa: BLE001 - the document boundary: fail closed, keep going
            return failed(name, "internal-error", internal_error("load", exc))
        return self.check_document(doc)

    def check_found(self, item: Found) -> DocumentResult | NotChecked:
        """One item of ``paths.collect``: a file is checked, a folder that could not be read is a
        failed result, and a file that is not an article the checker reads stays ``NotChecked``."""
        if isinstance(item, NotChecked):
            return item
        if isinstance(item, Unreadable):
            return failed(item.path, item.rule, item.message)
        return self.check_path(item)

    def iter_check(self, paths: Iterable[str | Path]) -> Iterator[DocumentResult]:
        """Check files and folders lazily, one result at a time (folders walked in a stable order).

        Files a folder holds that are not articles (images, PDFs) are not results here;
        ``check_paths`` lists them in the report's ``not_checked``.
        """
        for item in collect(paths):
            result = self.check_found(item)
            if isinstance(result, DocumentResult):
                yield result

    def check_paths(self, paths: Iterable[str | Path]) -> Report:
        """Check files and folders into one ``Report`` (the CLI's JSON report)."""
        return Report.of(map(self.check_found, collect(paths)))

    @property
    def context(self) -> Context:
        """What decisions depend on besides the document: rules, agreements and the day."""
        return self._context if self._as_of is not None else replace(self._context, as_of=date.today())

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
            findings=with_context(doc, det.findings), duties=decision.duties, reasons=decision.reasons,
            warnings=decision.warnings, segments=segments, format=doc.format, encoding=doc.encoding)


def failed(path: str, rule: str, message: str) -> DocumentResult:
    """The result for a document that could not be checked: never ``allow``."""
    return DocumentResult(path=path, verdict="review", error=message,
                          reasons=[Reason(rule=rule, message=message)])
