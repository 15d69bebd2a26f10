"""Compiling loaded rules once into what detection and decision need.

The prefilter is an Aho-Corasick automaton over folded literal anchors taken
from the rules themselves: every source tag and name, every notice keyword and
every tag-rule keyword. Rule regexes only ever run on the lines it points at,
so the cost grows with the text and the hits, not with the size of the registry.
"""
from __future__ import annotations

import hashlib
import json
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal

import ahocorasick_rs
import regex

from .. import cache
from ..errors import RuleError
from ..models import Source, Terms
from ..text import fold, fold_pattern, word_key
from .kinds import notice, policy, scope, source, tag
from .kinds.terms import TermsSpec
from .literals import Test, compact, may_match, required_chars
from .load import LoadedRule, builtin_rules_dir, load_rules, packs_key

# What ``{tag}`` stands for in a tag rule: a short run of text without brackets.
TAG_GROUP = r"(?P<tag>[^\s()\[\]/.](?:[^()\[\]\n/.]|\.(?!\s)){0,38}?)"
# What ``{tags}`` stands for: one or more tags joined by ``/``, ``,`` or a word (``dpa/AFP``).
TAGS_GROUP = r"(?P<tag>[^\s()\[\]/.](?:[^()\[\]\n.]|\.(?!\s)){0,58}?)"
EMPTY_GROUP = r"(?P<tag>[ \t\u00a0]*)"
# What ``{sent}`` stands for in a notice pattern: a character that does not end a sentence.
# A full stop inside ``4.0``, ``example.com`` or ``Inc.,`` does not (one before a closing quote,
# bracket or markdown mark does), nor one after an initial (``U.S. federal``) unless the
# initials are a company form that usually closes a holder's name (``A.Ş.``, ``S.A.``, ``B.V.``).
# CJK and Arabic stops always end a sentence.
SENTENCE_CHAR = r"(?:[^.!?。！？؟\n]|[.!?](?=[\w,;:/\-])|(?<=(?<!\w)\w)(?<!\b(?:a\.s|s\.a|b\.v|n\.v))\.)"
# What ``{start}`` stands for: the start of a sentence, so that a guard such as
# ``{start}(?!{sent}*even if)`` sees the whole sentence, not just the rest of it.
SENTENCE_START = r"(?:^|(?<=[\n。！？؟]|[.!?:;][\"'”’»)\]*_]*\s))"
# The placeholders each pattern kind knows; any other ``{word}`` is a typo, not a literal.
PLACEHOLDERS = {"tag": {"tag", "tags"}, "notice": {"sent", "start"}}
_PLACEHOLDER = regex.compile(r"(?<!\\[pPN])\{([A-Za-z_]\w*)\}")  # not \p{Lu}
NOTICE_GROUPS = {"holder", "license"}
MESSAGE_FIELDS = {"source", "name", "quote", "tag", "expires", "starts", "license",
                  "credit", "contact", "agreement", "holder", "url", "count"}
DFA_MAX_KEYS = 5000  # prefilter keys up to which the automaton may be a DFA (built-in rules: about 1,000)
DFA_AFTER = 800  # documents matched before a DFA's faster matching repays its slower build (see ``automaton()``)
REGEX_TIMEOUT = 1.0  # seconds per rule call; a runaway pattern is reported, not waited on
# What the ``words`` rules are read with, per role; ``{words}`` stands for the role's words, as written.
_PERSON = r"(?P<name>\p{Lu}[\p{L}'’\-]+(?:[ \t]+\p{Lu}[\p{L}'’\-]+){1,3})"  # two to four capitalised words
WORD_READERS = {
    "byline": ("byline", r"\s*(?:{words})\s*:?\s+\p{Lu}"),  # a line that opens with a byline
    "byline_person": ("byline", r"[ \t]*(?:{words})\s*:?\s+" + _PERSON),  # one naming a person
    "signoff_person": ("signoff", r"(?:{words})\s+by\s+" + _PERSON),
    "tag_joiner": ("tag-joiner", r"\s*[/,;+&]\s*|\s+(?:{words})\s+"),
}


@dataclass(frozen=True)
class Anchor:
    kind: str  # "alias" | "notice" | "tagkw"
    ref: str  # a source id or a rule index
    is_name: bool = False  # an alias that is a full name rather than a tag


@dataclass(frozen=True)
class CompiledTag:
    rule: tag.Rule
    rx: LazyPattern
    empty: LazyPattern | None = None  # the pattern with an empty tag, for positions that report stripped tags
    multi: bool = False  # ``{tags}``: the position may hold several tags
    lines: Literal["keywords", "dateline", "closing", "alias"] = "alias"  # the lines it is tried on (see ``detect``)


@dataclass(frozen=True)
class CompiledNotice:
    rule: notice.Rule
    rx: LazyPattern
    terms: Terms


@dataclass(frozen=True)
class Words:
    """The ``words`` rules as the patterns that read with them (see ``WORD_READERS``)."""

    byline: LazyPattern  # matched at a line's start: ``By Jane Doe``, ``By AFP``
    byline_person: LazyPattern  # the same, naming a person: ``By Jane Doe``
    signoff_person: LazyPattern  # ``Reporting by Jane Doe``
    tag_joiner: LazyPattern  # between the tags of one position: ``dpa/AFP``, ``dpa und AFP``

    @classmethod
    def of(cls, rules: list[LoadedRule]) -> Words:
        readers = {}
        for name, (role, template) in WORD_READERS.items():
            words = [regex.escape(w) for lr in rules if lr.rule.role == role for w in lr.rule.words]
            # escaped words always compile: no rule to name in an error
            readers[name] = LazyPattern(template.replace("{words}", "|".join(words) or "(?!)"), 0, None)
        return cls(**readers)


@dataclass
class RuleSet:
    """Every rule of the active packs, compiled once and shared (read-only) across documents."""

    loaded: list[LoadedRule]
    sources: dict[str, source.Rule] = field(default_factory=dict)
    terms: dict[str, Terms] = field(default_factory=dict)
    tags: list[CompiledTag] = field(default_factory=list)
    notices: list[CompiledNotice] = field(default_factory=list)
    policies: list[policy.Rule] = field(default_factory=list)
    words: Words = field(default_factory=lambda: Words.of([]))
    terms_of_notice: dict[str, Terms] = field(default_factory=dict)  # notice rule id -> the terms it implies
    aliases: dict[str, list[str]] = field(default_factory=dict)
    scopes: list[tuple[str, regex.Pattern[str]]] = field(default_factory=list)
    word_keys: list[str] = field(default_factory=list)  # the keys of the ``automaton()``
    word_anchors: list[tuple[int, int, tuple[Anchor, ...]]] = field(default_factory=list)  # per automaton key:
    # the padding added before and after it (see ``text.word_key``) and what it anchors
    symbol_anchors: list[tuple[str, tuple[Anchor, ...]]] = field(default_factory=list)
    fingerprint: str = ""
    _automaton: ahocorasick_rs.AhoCorasick | None = field(default=None, init=False, repr=False)
    _uses: int = field(default=0, init=False, repr=False)  # documents the automaton was asked for
    _dfa: bool = field(default=False, init=False, repr=False)  # whether it is the DFA

    @classmethod
    def load(cls, packs: Iterable[Path] | None = None, disable: Iterable[str] = ()) -> RuleSet:
        """The compiled packs; kept whole in the cache folder, so a process with unchanged rules
        unpickles them instead of compiling (the automaton excepted, see ``automaton()``)."""
        roots = list(packs) if packs is not None else [builtin_rules_dir()]
        disable = list(disable)
        entry = packs_key(roots, disable)
        rs = cache.get("ruleset", entry) if entry else None
        if not isinstance(rs, RuleSet):
            rs = cls.compile(load_rules(roots, disable))
            if entry and packs_key(roots, disable) == entry:  # no file changed while it was read
                cache.put("ruleset", entry, rs)
        return rs

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_automaton": None, "_uses": 0, "_dfa": False}  # not picklable: rebuilt

    def automaton(self) -> ahocorasick_rs.AhoCorasick | None:
        """The prefilter over ``text.word_view`` (whole words only) for one more document; built on first
        use, so a run whose results all come from the result cache never builds it. A DFA matches twice as
        fast as an NFA but takes ten times as long to build (20 ms against 2 ms for the built-in rules):
        a run starts with the NFA and builds the DFA once it has matched enough documents to repay it."""
        if not self.word_keys:
            return None
        self._uses += 1
        dfa = self._uses >= DFA_AFTER
        if self._automaton is None or dfa > self._dfa:
            self._automaton, self._dfa = _automaton(self.word_keys, dfa), dfa
        return self._automaton

    @classmethod
    def compile(cls, loaded: list[LoadedRule]) -> RuleSet:
        rs = cls(loaded=loaded)
        by_kind: dict[str, list[LoadedRule]] = {}
        for lr in loaded:
            by_kind.setdefault(lr.rule.kind, []).append(lr)
        for lr in by_kind.get("terms", []):
            rs.terms[lr.rule.id] = _terms(lr.rule)
        for lr in by_kind.get("source", []):
            rs._add_source(lr)
        for lr in by_kind.get("tag", []):
            rs._add_tag(lr)
        for lr in by_kind.get("notice", []):
            rs._add_notice(lr)
        for lr in by_kind.get("scope", []):
            rule: scope.Rule = lr.rule
            words = "|".join(regex.escape(fold(w)) for w in rule.words)
            rs.scopes.append((rule.scope, regex.compile(rf"(?<!\w)(?:{words})(?!\w)")))
        rs.words = Words.of(by_kind.get("words", []))
        for lr in sorted(by_kind.get("policy", []), key=lambda lr: -lr.rule.priority):
            _check_message(lr)
            _check_conditions(lr)
            rs.policies.append(lr.rule)
        for lr in loaded:
            rs._check_example_agreements(lr)
        rs._build_anchors()
        _validate([p for ct in rs.tags for p in (ct.rx, ct.empty) if p is not None] + [cn.rx for cn in rs.notices])
        rs.fingerprint = _fingerprint(loaded)
        return rs

    # -- building ---------------------------------------------------------
    def _add_source(self, lr: LoadedRule) -> None:
        rule: source.Rule = lr.rule
        if rule.terms not in self.terms:
            raise lr.error(f"unknown terms '{rule.terms}' (known: {', '.join(sorted(self.terms))})", "terms")
        self.sources[rule.id] = rule
        for alias in [*rule.tags, *rule.all_names()]:
            key = fold(alias).strip()
            if key:
                ids = self.aliases.setdefault(key, [])
                if rule.id not in ids:
                    ids.append(rule.id)

    def _add_tag(self, lr: LoadedRule) -> None:
        rule: tag.Rule = lr.rule
        has_tag = "{tag}" in rule.pattern or "{tags}" in rule.pattern
        if not has_tag and rule.source is None:
            raise lr.error("a pattern without {tag} must name its 'source'", "pattern")
        if rule.source is not None and rule.source not in self.sources:
            raise lr.error(f"unknown source '{rule.source}'", "source")
        rx = _compile(lr, rule.pattern.replace("{tags}", TAGS_GROUP).replace("{tag}", TAG_GROUP), 0)
        # A tag position that holds nothing at all (``ANKARA () -``): the tag was stripped.
        empty = _compile(lr, rule.pattern.replace("{tags}", EMPTY_GROUP).replace("{tag}", EMPTY_GROUP), 0) \
            if has_tag and rule.unknown else None
        lines = "keywords" if rule.keywords else rule.position if rule.position in ("dateline", "closing") else "alias"
        self.tags.append(CompiledTag(rule, rx, empty, "{tags}" in rule.pattern, lines))

    def _add_notice(self, lr: LoadedRule) -> None:
        rule: notice.Rule = lr.rule
        if isinstance(rule.terms, str):
            if rule.terms not in self.terms:
                raise lr.error(f"unknown terms '{rule.terms}'", "terms")
            implied = self.terms[rule.terms]
        else:
            implied = _terms(rule.terms)
        pattern = rule.pattern.replace("{sent}", SENTENCE_CHAR).replace("{start}", SENTENCE_START)
        rx = _compile(lr, fold_pattern(pattern), regex.IGNORECASE)
        unknown = set(_NAMED_GROUP.findall(pattern)) - NOTICE_GROUPS
        if unknown:
            raise lr.error(f"unknown named group(s) {sorted(unknown)} in pattern; a notice pattern may name "
                           f"only {sorted(NOTICE_GROUPS)}", "pattern")
        self.notices.append(CompiledNotice(rule, rx, implied))
        self.terms_of_notice[rule.id] = implied

    def _check_example_agreements(self, lr: LoadedRule) -> None:
        for expected in ("match", "no_match"):
            for i, ex in enumerate(getattr(lr.rule.examples, expected)):
                for j, agreement in enumerate(ex.agreements):
                    if agreement.source not in self.sources:
                        raise lr.error(f"example agreement names unknown source '{agreement.source}'",
                                       "examples", expected, i, "agreements", j)

    def _build_anchors(self) -> None:
        anchors: dict[str, list[Anchor]] = {}
        for sid, src in self.sources.items():
            tags = {fold(t).strip() for t in src.tags}
            for key in dict.fromkeys([*tags, *(fold(n).strip() for n in src.all_names())]):
                if key:
                    anchors.setdefault(key, []).append(Anchor("alias", sid, key not in tags))
        for i, cn in enumerate(self.notices):
            for kw in cn.rule.keywords:
                anchors.setdefault(fold(kw), []).append(Anchor("notice", str(i)))
        for i, ct in enumerate(self.tags):
            for kw in ct.rule.keywords:
                anchors.setdefault(fold(kw), []).append(Anchor("tagkw", str(i)))
        words: dict[str, tuple[int, int, list[Anchor]]] = {}
        for key, values in anchors.items():
            padded = word_key(key)
            if padded is None:
                self.symbol_anchors.append((key, tuple(values)))
            else:
                words.setdefault(padded[0], (padded[1], padded[2], []))[2].extend(values)
        self.word_keys = list(words)
        self.word_anchors = [(lead, trail, tuple(values)) for lead, trail, values in words.values()]

    # -- lookups ----------------------------------------------------------
    def resolve(self, text: str) -> list[str]:
        """Source ids whose tag or name is exactly ``text`` (folded)."""
        return self.aliases.get(fold(text).strip(), [])

    def scope_of(self, text: str) -> list[str]:
        """Which material a notice covers, from the scope words in it."""
        folded = fold(text)
        return [name for name, rx in self.scopes if rx.search(folded)]

    def source(self, sid: str) -> Source:
        r = self.sources[sid]
        return Source(id=r.id, name=r.name, name_en=r.name_en, country=r.country, type=r.type,
                      tags=tuple(r.tags), terms=r.terms, license=r.license, credit=r.credit,
                      url=r.url, contact=r.contact)

    def find(self, rule_id: str) -> LoadedRule | None:
        return next((lr for lr in self.loaded if lr.rule.id == rule_id), None)


def _automaton(keys: list[str], dfa: bool) -> ahocorasick_rs.AhoCorasick:
    # Past a few thousand keys a DFA takes too much memory to build.
    kind = ahocorasick_rs.Implementation.DFA if dfa and len(keys) <= DFA_MAX_KEYS \
        else ahocorasick_rs.Implementation.ContiguousNFA
    return ahocorasick_rs.AhoCorasick(keys, implementation=kind)


def _terms(spec: TermsSpec) -> Terms:
    return Terms(**{k: getattr(spec, k) for k in TermsSpec.model_fields})


_NAMED_GROUP = regex.compile(r"(?<!\\)\(\?P?<([A-Za-z_]\w*)>")  # ``(?P<name>`` or ``(?<name>``


class LazyPattern:
    """A rule's regex, compiled on first use: a run that needs a few rules compiles only those.

    ``RuleSet.compile`` still proves every pattern compiles (see ``_validate``), so errors stay
    load errors with file and line; concurrent first uses just compile the same pattern twice.
    """

    __slots__ = ("pattern", "flags", "lr", "_need", "_test", "_rx")

    def __init__(self, pattern: str, flags: int, lr: LoadedRule | None):
        """``lr``: the rule the pattern comes from, which a compile error names (None: none can occur)."""
        self.pattern, self.flags, self.lr = pattern, flags, lr
        self._need: tuple[frozenset[str], ...] | None = None
        self._test: Test | None = None
        self._rx: regex.Pattern[str] | None = None

    def compiled(self) -> regex.Pattern[str]:
        if self._rx is None:
            try:
                self._rx = regex.compile(self.pattern, self.flags)
            except regex.error as exc:
                if self.lr is None:
                    raise
                raise self.lr.error(f"pattern does not compile: {exc}", "pattern") from None
        return self._rx

    @property
    def need(self) -> tuple[frozenset[str], ...]:
        """The characters every match holds (see ``literals.required_chars``), read on first use."""
        if self._need is None:
            self._need = required_chars(self.pattern, self.flags)
        return self._need

    def may_match(self, chars: set[str]) -> bool:
        """False when a text made of ``chars`` lacks a character every match holds: no need to search it."""
        if self._test is None:
            self._test = compact(self.need)
        return may_match(self._test, chars)

    def finditer(self, *args: Any, **kwargs: Any) -> Iterator[regex.Match[str]]:
        return self.compiled().finditer(*args, **kwargs)

    def __getstate__(self) -> tuple:
        return self.pattern, self.flags, self.lr, self._need  # a pickled regex recompiles on load: leave it out

    def __setstate__(self, state: tuple) -> None:
        self.pattern, self.flags, self.lr, self._need = state
        self._test = self._rx = None


def _compile(lr: LoadedRule, pattern: str, flags: int) -> LazyPattern:
    known = PLACEHOLDERS[lr.rule.kind]
    unknown = sorted({m.group(1) for m in _PLACEHOLDER.finditer(pattern)} - known)
    if unknown:
        raise lr.error(f"unknown placeholder {{{unknown[0]}}} in pattern; known: "
                       f"{', '.join('{' + k + '}' for k in sorted(known))}", "pattern")
    return LazyPattern(pattern, flags, lr)


def _validate(patterns: list[LazyPattern]) -> None:
    """Compile every pattern once, unless this exact set was proved before; the cache entry also keeps
    what characters each pattern needs, so a process need not parse the patterns again for that."""
    entry = cache.key("patterns", regex.__version__, *(f"{p.flags}:{p.pattern}" for p in patterns))
    needs = cache.get("patterns", entry)
    if not isinstance(needs, list) or len(needs) != len(patterns):
        for p in patterns:
            p.compiled()
        needs = [p.need for p in patterns]
        cache.put("patterns", entry, needs)
    for p, need in zip(patterns, needs):
        p._need = need


def _check_message(lr: LoadedRule) -> None:
    try:
        parts = [p for p in string.Formatter().parse(lr.rule.message) if p[1] is not None]
    except ValueError as exc:
        raise lr.error(f"bad message template: {exc}", "message") from None
    if any(spec or conversion for _, _, spec, conversion in parts):
        raise lr.error("message fields are plain names such as {source}, without ':' or '!'", "message")
    names = {name for _, name, _, _ in parts}
    unknown = names - MESSAGE_FIELDS
    if unknown:
        raise lr.error(f"unknown message field(s) {sorted(unknown)}; known: {sorted(MESSAGE_FIELDS)}", "message")


def _check_conditions(lr: LoadedRule) -> None:
    """A condition the policy's scope never looks at would be silently ignored: refuse it."""
    rule: policy.Rule = lr.rule
    foreign = policy.SOURCE_CONDITIONS if rule.scope == "document" else policy.DOCUMENT_CONDITIONS
    wrong = sorted(rule.when.model_fields_set & foreign)
    if wrong:
        kind = "per-source" if rule.scope == "document" else "per-document"
        raise lr.error(f"'{wrong[0]}' is a {kind} condition; a {rule.scope}-scope policy cannot use it",
                       "when", wrong[0])


def _fingerprint(loaded: list[LoadedRule]) -> str:
    """The same for the same rules in every process (a set's order depends on the process's hash seed)."""
    h = hashlib.sha256()
    for lr in sorted(loaded, key=lambda r: r.rule.id):
        h.update(json.dumps(lr.rule.model_dump(), sort_keys=True, default=_stable).encode())
    return h.hexdigest()[:16]


def _stable(value: object) -> object:
    return sorted(value) if isinstance(value, (set, frozenset)) else str(value)


__all__ = ["RuleSet", "RuleError", "REGEX_TIMEOUT", "Anchor"]
