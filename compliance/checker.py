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
from .link import link
from .load import InputSettings, load_path
from .metadata import with_metadata
from .models import Agreement, DocumentResult, NotChecked, Reason, Report
from .paths import FileFilter, Found, Unreadable, collect, display_name
from .ruleset import RuleSet, builtin_rules_dir
from .segment import segment
from .waivers import Waivers, apply_waivers, load_waivers, unused_waivers


class Checker:
    """Checks news texts and files against compiled rules and the publisher's agreements.

    Build one once (compiling the rules is the expensive part), then call it from
    any number of threads: a ``Checker`` keeps no per-document state, and each call
    returns a new frozen ``DocumentResult``. A check never raises for a bad
    document; anything it could not read or understand comes back as ``review``
    with ``error`` set, never as ``allow``.
    """

    def __init__(self, rules: RuleSet | None = None, agreements: Iterable[Agreement] = (), *,
                 as_of: date | None = None, warn_days: int = 30, waivers: Waivers = Waivers(),
                 select: FileFilter | None = None, credit_style: str = "{credit}",
                 inputs: InputSettings | None = None):
        """The built-in rules (or a compiled ``rules``) and the agreements you hold.

        ``as_of`` fixes the day agreements are judged on; by default it is the
        day of each check, so a long-running service sees agreements expire.
        ``waivers`` are the editors' accepted decisions, ``select`` the config's
        include/exclude globs, ``credit_style`` the house style of credit lines,
        ``inputs`` says how files are read (legacy encodings, CMS JSON fields).
        """
        self.rules = rules if rules is not None else RuleSet.load()
        self._as_of = as_of
        self._context = Context(self.rules, tuple(agreements), as_of or date.today(), warn_days)
        self.waivers = waivers
        self.select = select
        self.credit_style = credit_style
        self.inputs = inputs or InputSettings()

    @classmethod
    def from_config(cls, config: Config | None = None, *, as_of: date | None = None) -> Checker:
        """A checker with the config's rule packs and agreements (built-in rules alone by default).

        Raises ``RuleError`` or ``ConfigError`` (both ``UserError``) naming the
        file and line of a rule or agreement that cannot be used.
        """
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
                   select=config.file_filter(), credit_style=config.credit_style, inputs=config.inputs)

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

    def check_path(self, path: str | Path, display: str | None = None, *, data: bytes | None = None) -> DocumentResult:
        """Check one file; ``display`` is the name shown in the result (default: ``path``, escaped).
        ``data``: the file's bytes, if already read."""
        name = display or display_name(path)
        try:
            doc = load_path(Path(path), name, self.inputs, data)
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
        for item in collect(paths, self.select):
            result = self.check_found(item)
            if isinstance(result, DocumentResult):
                yield result

    def check_paths(self, paths: Iterable[str | Path]) -> Report:
        """Check files and folders into one ``Report`` (the CLI's JSON report)."""
        return self.report(map(self.check_found, collect(paths, self.select)))

    def report(self, results: Iterable[DocumentResult | NotChecked]) -> Report:
        """The run's report, with the file waivers that waived nothing in it."""
        results = list(results)
        documents = [r for r in results if isinstance(r, DocumentResult)]
        return Report.of(results, unused_waivers(self.waivers, documents))

    @property
    def context(self) -> Context:
        """What decisions depend on besides the document: rules, agreements and the day."""
        if self._as_of is None and self._context.as_of != (today := date.today()):
            self._context = replace(self._context, as_of=today)  # a long-running service sees the day change
        return self._context

    def check_document(self, doc: Document) -> DocumentResult:
        """The decision in the house credit style, with the editors' waivers applied after it."""
        result = self._decide(doc)
        try:
            if self.credit_style != "{credit}":
                result = result.model_copy(update={"duties": [
                    d.model_copy(update={"text": self.credit_style.format(credit=d.text)}) if d.type == "attribute"
                    else d for d in result.duties]})
            return apply_waivers(result, doc, self.waivers, self.rules, self.context.as_of)
        except Exception as exc:  # noqa: BLE001 - the document boundary: fail closed, keep going
            return failed(doc.path, "internal-error", internal_error("waivers", exc))

    def _decide(self, doc: Document) -> DocumentResult:
        """Never raises for a bad document: any failure becomes a ``review`` that says what broke."""
        if not doc.text.strip() and not doc.metadata:
            reason = Reason(rule="empty", message="empty document: nothing to check, review by hand")
            return DocumentResult(path=doc.path, verdict="review", reasons=[reason], format=doc.format,
                                  encoding=doc.encoding)
        stage = "detect"
        try:
            det = detect(doc, self.rules)
            stage = "metadata"
            det = with_metadata(doc, det, self.rules)
            stage = "segment"
            segments = segment(doc, det)
            stage = "link"
            linked = link(det, segments, self.rules)
            stage = "decide"
            decision = decide(self.context, linked.sources, linked.notices, linked.findings, linked.origins,
                              segments)
            stage = "locate"
            sources = [s.model_copy(update={"verdict": decision.verdicts.get(s.id)}) for s in linked.sources]
            return doc.locate(DocumentResult(
                path=doc.path, verdict=decision.verdict, sources=sources, notices=linked.notices,
                findings=with_context(doc, linked.findings), duties=decision.duties, reasons=decision.reasons,
                warnings=decision.warnings, segments=segments, format=doc.format, encoding=doc.encoding))
        except RuleTimeout as exc:
            return failed(doc.path, "rule-timeout",
                          f"rule '{exc.rule_id}' ran out of time on this document; not checked, review by hand")
        except Exception as exc:  # noqa: BLE001 - the document boundary: fail closed, keep going
            return failed(doc.path, "internal-error", internal_error(stage, exc))


def failed(path: str, rule: str, message: str) -> DocumentResult:
    """The result for a document that could not be checked: never ``allow``."""
    return DocumentResult(path=path, verdict="review", error=message,
                          reasons=[Reason(rule=rule, message=message)])
