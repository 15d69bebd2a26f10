"""Incremental runs: a file's result is reused while nothing it depends on has changed.

An entry is keyed by the file's content and name, the compiled rules and the
run's settings (waivers, file selection, credit style, input settings). It
also records the agreements of the sources the result names: when one of
those changes (or, for a source with agreements, the day checked), that
document alone is checked again. So editing a file, a rule or an agreement
invalidates exactly what it affects.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from . import cache
from .checker import Checker
from .models import DocumentResult, NotChecked
from .paths import Found

MB = 1 << 20


class ResultCache:
    """Wraps a ``Checker``: same results, from the cache when the inputs are the same."""

    def __init__(self, checker: Checker):
        self.checker = checker
        settings = (repr(checker.waivers), repr(checker.select), checker.credit_style,
                    checker.inputs.model_dump_json(), str(checker.context.warn_days))
        self.base = cache.key("results", checker.rules.fingerprint, *settings)
        self.max_bytes = checker.inputs.max_file_mb * MB
        self.table = cache.Table("results")  # an entry: the hash of what it depends on, a newline, the JSON result

    def check_found(self, item: Found) -> DocumentResult | NotChecked:
        if not isinstance(item, Path):
            return self.checker.check_found(item)
        try:
            if item.stat().st_size > self.max_bytes:  # never read a file past the cap just to hash it
                return self.checker.check_found(item)
            data = item.read_bytes()
        except OSError:
            return self.checker.check_found(item)
        entry = cache.key(self.base, str(item), data)
        hit = self.table.get(entry)
        if hit is not None:
            depends, _, text = hit.partition("\n")
            try:
                result = DocumentResult.model_validate_json(text)
            except ValueError:  # an entry from a damaged table: check the file again
                result = None
            if result is not None and depends == self._depends(result):
                return result
        result = self.checker.check_found(item)
        if isinstance(result, DocumentResult) and result.error is None:
            self.table.put(entry, f"{self._depends(result)}\n{result.model_dump_json()}")
        return result

    def _depends(self, result: DocumentResult) -> str:
        """The agreements (and, where there are some, the day) the decisions of this result rest on."""
        ctx = self.checker.context
        ids = {s.id for s in result.sources}
        held = sorted(a.model_dump_json() for a in ctx.agreements if a.source in ids)
        day = str(ctx.as_of) if held or self.checker.waivers.entries else ""
        return hashlib.sha256("\0".join([*held, day]).encode()).hexdigest()
