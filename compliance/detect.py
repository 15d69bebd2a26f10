"""Detect: one prefilter pass over the folded text, then rule regexes on the lines it points at.

Yields ``Finding``s (source tags in a tag position, credits, signatures,
mentions, unknown and stripped tags, notices, quoted notices, holders, damaged
text) and ``Notice``s with their holder and licence. Nothing here decides anything.

Context decides as much as the letters do: a tag counts only in a tag position
and not when the words before it spell it out (``Auswärtiges Amt (AA)``) or when
it is the author's initials; a notice counts as the page's own only when it is
not quoted, not reported inside a sentence of the story, and names a holder
that reads like a name (``all rights to the land are reserved by the tribe``
is not a rights notice).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

import regex

from .document import Document
from .license import cc_license_id
from .models import Finding, Notice
from .ruleset import REGEX_TIMEOUT, RuleSet
from .ruleset.compiled import CompiledNotice, CompiledTag, Words
from .text import fold, unspaced, word_view

POSITION_KIND = {"dateline": "source_tag", "closing": "source_tag", "credit": "credit", "signature": "signature"}
_RANK = {"closing": 0, "dateline": 1, "credit": 2, "signature": 3}
# A token in a tag position that no source claims is worth a review only if it looks like a tag.
_TAG_LIKE = regex.compile(r"[\p{Lu}][\p{Lu}\p{N}\-]{1,9}|[\p{Lu}][\p{L}]{2,14}")
_INITIALS = regex.compile(r"(?:\p{Lu}\.){1,4}")
_WORD = regex.compile(r"[\p{L}][\p{L}\p{M}'\-]*")
_TAG_WORD = regex.compile(r"[\p{L}\p{N}?\ufffd][\p{L}\p{N}\p{M}\p{S}?\ufffd.'’&\-]*")
# A line that a bracket closes, with what may follow it: ``(AA).``, ``*(AP)*``.
_CLOSED_LINE = re.compile(r"\)[ \t.*_]*$", re.MULTILINE)
# Markdown emphasis around a whole line (``*A caption. (AP Photo/Jane Doe)*``), blanked for matching.
_EMPHASIS = regex.compile(r"^([ \t]*)([*_]{1,3})(?=\S)|(?<=\S)([*_]{1,3})([ \t]*)$")
_SENTENCE_ENDS = '.!?:;"”»'
# Where a notice's sentence starts: after a sentence end, a label colon or a separator.
# (A full stop ends a sentence as notice patterns see it, ``U.S. federal`` included.)
_CLAUSE_START = regex.compile(r"(?:[.!?。！？;:|•·)\]](?=\s|$)|\s[-–—]\s)")
_SENTENCE_SPLIT = regex.compile(r"(?<!(?<!\w)\w)[.!?。！？]\s")
_TAIL = regex.compile(r"[^.!?。！？|•·\n]*")  # the rest of a sentence
_COPYRIGHT = regex.compile(r"©|\(c\)|copyright|\b(?:19|20)\d\d\b", regex.IGNORECASE)
_QUOTES = {"“": "”", "«": "»", "„": "“”", "「": "」", "『": "』", "‹": "›", '"': '"'}
_QUOTE_OPEN = "“«„「『\""
_CLOSERS = "”»」』\""
DATELINE_LINES = 3
# What an unknown or stripped tag opens with, in a dateline: ``(XYZ)``, ``/XYZ/``, ``【XYZ】``.
_TAG_OPENING = regex.compile(r"[(（【\[/]")
DATELINE_REACH = 100  # a dateline's tag stands within this many characters of the line's start
CLOSING_REACH = 60  # a closing tag ends within this many characters of the line's end
TOLERANT = 0.6  # confidence of a tag read through damaged characters
_DAMAGE_MIN = 2  # words with a letter lost to ? before the text is reported as damaged


def _mojibake_class() -> re.Pattern[str]:
    """Two characters that are one UTF-8 letter read as a single-byte code page (``Ã¼``, ``Ä°``)."""
    leads, conts = set(), set()
    for enc in ("cp1252", "cp1254", "latin-1"):
        for b in range(0x80, 0xE0):
            try:
                ch = bytes([b]).decode(enc)
            except UnicodeDecodeError:
                continue
            (leads if b >= 0xC2 else conts).add(ch)
    conts.discard("\u00a0")  # a no-break space after a capital is ordinary text
    cls = lambda chars: "".join(re.escape(c) for c in sorted(chars))  # noqa: E731
    return re.compile(f"[{cls(leads)}][{cls(conts)}]")  # plain classes: re scans them 4x faster than regex


_MOJIBAKE = _mojibake_class()
# Each branch starts at the lost letter itself, so the engine skips ahead to ``?`` or U+FFFD.
_LOST_LETTER = regex.compile(r"(?<=\p{L})[?\ufffd]+(?=\p{L})|(?<![\p{L}\p{N}])[?\ufffd]+(?=\p{Lu}{2})|\ufffd")
_URL = regex.compile(r"(?:\b[a-z][a-z0-9+.\-]{1,15}://|\bwww\.)\S*", regex.IGNORECASE)


class RuleTimeout(Exception):
    """A rule's regex ran past its time budget on this document."""

    def __init__(self, rule_id: str):
        super().__init__(rule_id)
        self.rule_id = rule_id


@dataclass
class Detection:
    findings: list[Finding] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    quoted: set[int] = field(default_factory=set)  # lines of quoted blocks
    bylines: set[int] = field(default_factory=set)  # lines that open with a byline


@dataclass
class _Hits:
    aliases: list[tuple[int, int, str, bool]] = field(default_factory=list)  # start, end, source, is_name
    notice_lines: dict[int, set[int]] = field(default_factory=dict)  # notice rule index -> lines
    keyword_lines: dict[int, set[int]] = field(default_factory=dict)  # tag rule index -> lines
    alias_lines: set[int] = field(default_factory=set)
    starts: list[int] = field(default_factory=list)  # alias starts, in order, for lookups by span
    lost: list = field(default_factory=list)  # where a letter was lost to ``?`` or U+FFFD (see ``_lost_letters``)

    def within(self, start: int, end: int) -> list[tuple[int, int, str, bool]]:
        """The alias hits that lie inside ``[start, end)``."""
        lo, hi = bisect_left(self.starts, start), bisect_left(self.starts, end)
        return [a for a in self.aliases[lo:hi] if a[1] <= end]


def detect(doc: Document, rs: RuleSet) -> Detection:
    folded = fold(doc.text)
    hits = _prefilter(doc, folded, rs)
    byline = rs.words.byline.compiled()
    out = Detection(quoted=_quote_lines(doc),
                    bylines={n for n, text in enumerate(doc.lines, 1) if text and byline.match(text)})
    _tags(doc, rs, hits, out)
    _notices(doc, folded, rs, hits, out)
    _mentions(doc, hits, out)
    _damage(doc, hits, out)
    out.findings.sort(key=lambda f: (f.start, f.end, f.kind))
    return out


def _prefilter(doc: Document, folded: str, rs: RuleSet) -> _Hits:
    hits = _Hits(lost=_lost_letters(doc.text))  # read once: tag positions and the damage check both use them
    automaton = rs.automaton()
    if automaton is not None:
        # Offsets in the word view are one more than in the text (its leading pad).
        for key, start, end in automaton.find_matches_as_indexes(word_view(folded), overlapping=True):
            lead, trail, anchors = rs.word_anchors[key]
            _hit(doc, hits, start - 1 + lead, end - 1 - trail, anchors)
    for key, anchors in rs.symbol_anchors:
        i = folded.find(key)
        while i != -1:
            _hit(doc, hits, i, i + len(key), anchors)
            i = folded.find(key, i + 1)
    hits.aliases.sort()
    hits.starts = [a[0] for a in hits.aliases]
    return hits


def _hit(doc: Document, hits: _Hits, start: int, end: int, anchors: tuple) -> None:
    line = doc.position(start)[0]
    for a in anchors:
        if a.kind == "alias":
            hits.aliases.append((start, end, a.ref, a.is_name))
            hits.alias_lines.add(line)
        elif a.kind == "notice":
            hits.notice_lines.setdefault(int(a.ref), set()).add(line)
        else:
            hits.keyword_lines.setdefault(int(a.ref), set()).add(line)


# -- tags ------------------------------------------------------------------
def _rule_lines(doc: Document, rs: RuleSet, hits: _Hits) -> list[tuple[CompiledTag, list[int]]]:
    """The tag rules that can match, each with the lines it can match on: the lines holding one of
    its keywords, else those holding a known tag where its position puts one (near the start for
    datelines, near the end for closings), plus, since unknown, stripped and damaged tags are read
    there too, the first lines with a bracket near their start (datelines) and the lines that end
    with a parenthesis (closings)."""
    head, tail = set(), set()
    for start, end, _, _ in hits.aliases:
        ln = doc.position(start)[0]
        s0, e0 = doc.line_span(ln)
        if start - s0 <= DATELINE_REACH:
            head.add(ln)
        if e0 - end <= CLOSING_REACH:
            tail.add(ln)
    lost = {doc.position(m.start())[0] for m in hits.lost}
    first = [n for n, text in enumerate(doc.lines[:12], 1) if text.strip()][:DATELINE_LINES + 1]
    bracketed = {n for n in first if _TAG_OPENING.search(doc.lines[n - 1], 0, DATELINE_REACH)}
    closed = {doc.position(m.start())[0] for m in _CLOSED_LINE.finditer(doc.text)}
    lines = {"dateline": sorted(head | lost | bracketed), "closing": sorted(tail | lost | closed),
             "alias": sorted(hits.alias_lines)}
    return [(ct, found) for i, ct in enumerate(rs.tags)
            if (found := sorted(hits.keyword_lines.get(i, ())) if ct.lines == "keywords" else lines[ct.lines])]


def _lost_letters(text: str) -> list[regex.Match]:
    """Where a letter was lost to ``?`` or U+FFFD (most texts have neither: skip the regex)."""
    return list(_LOST_LETTER.finditer(text)) if "?" in text or "\ufffd" in text else []


class _People:
    """The initials of the people a document's bylines and signatures name, read on first use."""

    def __init__(self, doc: Document, words: Words):
        self.doc, self.words = doc, words
        self._initials: set[str] | None = None

    def __contains__(self, token: str) -> bool:
        if self._initials is None:
            self._initials = {fold("".join(w[0] for w in m["name"].split())) for m in _people(self.doc, self.words)}
        return token in self._initials


def _people(doc: Document, words: Words) -> list[regex.Match]:
    """Bylines (at the start of a line: 7x faster than a search) and sign-offs naming people, none inside
    another, in text order."""
    text, byline, signoff = doc.text, words.byline_person.compiled(), words.signoff_person.compiled()
    found = [m for start in doc.line_starts if (m := byline.match(text, start))]
    found = sorted(found + list(signoff.finditer(text)), key=lambda m: (m.start(), m.re is signoff))
    kept: list[regex.Match] = []
    for m in found:
        if not kept or m.start() >= kept[-1].end():
            kept.append(m)
    return kept


def _tags(doc: Document, rs: RuleSet, hits: _Hits, out: Detection) -> None:
    best: dict[tuple[int, int], Finding] = {}
    people = _People(doc, rs.words)
    lines: dict[int, tuple[int, str, set[str]]] = {}
    for ct, rule_lines in _rule_lines(doc, rs, hits):
        for ln in rule_lines:
            if ln not in lines:
                text = doc.lines[ln - 1]
                if "*" in text or "_" in text:  # same length: spans hold
                    text = _EMPHASIS.sub(lambda m: " " * len(m.group(0)), text)
                lines[ln] = (doc.line_span(ln)[0], text, set(text))
            s0, line, chars = lines[ln]
            found = [f for m in _run(ct.rx, ct.rule.id, line)
                     for f in _tag_findings(doc, rs, ct, m, line, s0, hits, people)] if ct.rx.may_match(chars) else []
            if ct.empty is not None and ct.empty.may_match(chars):
                found += [_stripped(doc, ct, m, line, s0) for m in _run(ct.empty, ct.rule.id, line)]
            for f in found:  # several rules may read one tag: the most specific position says what it is
                key = (f.start, f.end)
                if key not in best or _RANK[f.position] > _RANK[best[key].position]:
                    best[key] = f
    out.findings.extend(best.values())


def _run(rx: regex.Pattern[str], rule_id: str, text: str, pos: int = 0, endpos: int | None = None):
    try:
        return list(rx.finditer(text, pos, endpos if endpos is not None else len(text), timeout=REGEX_TIMEOUT))
    except TimeoutError:
        raise RuleTimeout(rule_id) from None


def _tag_findings(doc: Document, rs: RuleSet, ct: CompiledTag, m: regex.Match, line: str, s0: int,
                  hits: _Hits, people: _People) -> list[Finding]:
    rule = ct.rule
    kind = POSITION_KIND[rule.position]
    material = _material(rs, ct, m.group(0))
    if "tag" not in m.groupdict():
        return [_finding(doc, kind, rule.id, s0 + m.start(), s0 + m.end(), rule.source, rule.position,
                         material=material)]
    ts, te = _strip_span(line, *m.span("tag"), leading=" \t-–—:")  # "-- BERNAMA"
    if ts >= te or _is_expansion(line, ts):
        return []
    parts = _parts(line, ts, te, rs.words) if ct.multi and not rs.resolve(line[ts:te]) else [(ts, te)]  # RFE/RL
    if rule.position == "closing":  # "(AA)" closing a story by Ayşe Arslan is her initials
        parts = [(ps, pe) for ps, pe in parts if fold(line[ps:pe]) not in people]
    resolved = [_resolve(rs, hits, line, s0, ps, pe, m, ct.multi) for ps, pe in parts]
    out = [_finding(doc, kind, rule.id, start, end, sid, rule.position, confidence, material)
           for start, end, sid, confidence in filter(None, resolved)]
    if rule.unknown:
        # beside a known tag, a short token is the writer's initials: ``(AFP/JD)``
        beside = {fold(line[ps:pe]) for ps, pe in parts if pe - ps <= 3} if out else set()
        out += [_finding(doc, "unknown_tag", rule.id, s0 + ps, s0 + pe, None, rule.position)
                for (ps, pe), r in zip(parts, resolved) if r is None and _unknown(line[ps:pe], beside)]
    return out


def _parts(line: str, ts: int, te: int, words: Words) -> list[tuple[int, int]]:
    """The spans of the tags in one tag position (one, unless joined by ``/``, ``,`` or ``and``)."""
    bounds, at = [], ts
    for sep in words.tag_joiner.finditer(line, ts, te):
        bounds.append((at, sep.start()))
        at = sep.end()
    bounds.append((at, te))
    spans = [_strip_span(line, s, e) for s, e in bounds]
    return [(s, e) for s, e in spans if s < e]


def _resolve(rs: RuleSet, hits: _Hits, line: str, s0: int, ps: int, pe: int, m: regex.Match,
             multi: bool) -> tuple[int, int, str, float] | None:
    """Which source one tag names: exactly, by its first or last words (where the rule allows
    several words, ``{tags}``), or through damaged letters."""
    tag = line[ps:pe]
    ids = rs.resolve(tag)
    if ids:
        return s0 + ps, s0 + pe, ids[0], 1.0
    # The group may take more or less than the tag: a known alias flush with one end of it is the
    # tag when it takes in the whole group (``RFE/RL``, where the group stops at the slash) or,
    # in scripts written without spaces, when the two are joined (``新华社北京``).
    ms, me = s0 + m.start(), s0 + m.end()
    for start, end, sid, _ in hits.within(ms, me):
        if start == s0 + ps or end == s0 + pe:
            joined = line[min(start - s0, ps):max(end - s0, pe)]
            whole = start <= s0 + ps and s0 + pe <= end and not any(c.isspace() for c in joined)
            if whole or all(unspaced(c) or c.isdigit() for c in joined):
                return start, end, sid, 1.0
    affix = _affix(rs, line, ps, pe) if multi else None
    if affix is not None:
        return s0 + affix[0], s0 + affix[1], affix[2], 1.0
    sid = _tolerant(rs, tag)
    return (s0 + ps, s0 + pe, sid, TOLERANT) if sid else None


def _affix(rs: RuleSet, line: str, ps: int, pe: int) -> tuple[int, int, str] | None:
    """A known tag that is the last or first words of the group: ``Jane Doe - AFP``, ``AP Photo``."""
    words = [(ps + w.start(), ps + w.end()) for w in _TAG_WORD.finditer(line[ps:pe])]
    if not 1 < len(words) <= 6:
        return None
    for k in range(len(words) - 1, 0, -1):
        for tag, rest in ((words[-k:], words[:-k]), (words[:k], words[k:])):
            ids = rs.resolve(line[tag[0][0]:tag[-1][1]])
            # the other words name a person or a desk, never a clause: "Reuters reported" is a mention
            if ids and not any(line[s].islower() for s, _ in rest):
                return tag[0][0], tag[-1][1], ids[0]
    return None


def _tolerant(rs: RuleSet, tag: str) -> str | None:
    """The one source a damaged tag can stand for: mojibake repaired (``Ä°LKHA``), or ``?`` read as
    any non-ASCII letter (``?LKHA``). Two or more candidates: none (it stays unknown)."""
    for enc in ("cp1252", "cp1254", "latin-1"):
        try:
            repaired = tag.encode(enc).decode("utf-8")
        except UnicodeError:
            continue
        if repaired != tag and rs.resolve(repaired):
            return rs.resolve(repaired)[0]
    if not any(c in "?\ufffd" for c in tag):
        return None
    pattern = regex.compile("".join(r"[^\x00-\x7f]{1,2}" if c in "?\ufffd" else f"(?i:{regex.escape(c)})"
                                    for c in tag))
    found = {r.id for r in rs.sources.values() for alias in (*r.tags, *r.all_names()) if pattern.fullmatch(alias)}
    return found.pop() if len(found) == 1 else None


def _unknown(tag: str, initials: set[str]) -> bool:
    """A token no source claims is reported when it looks like a tag, not like someone's initials."""
    return bool(_TAG_LIKE.fullmatch(tag)) and not _INITIALS.fullmatch(tag) and fold(tag) not in initials


def _material(rs: RuleSet, ct: CompiledTag, text: str) -> str | None:
    if ct.rule.position != "credit":
        return None
    if ct.rule.material:
        return ct.rule.material
    scopes = rs.scope_of(text)
    return next((s for s in ("video", "photos") if s in scopes), "text")


def _stripped(doc: Document, ct: CompiledTag, m: regex.Match, line: str, s0: int) -> Finding:
    """An empty tag position: report the brackets (or the match) where the tag was removed."""
    ts, te = m.span("tag")
    open_ = line.rfind("(", m.start(), ts + 1)
    close = line.find(")", te, m.end())
    start, end = (open_, close + 1) if open_ != -1 and close != -1 else m.span()
    return _finding(doc, "stripped_tag", ct.rule.id, s0 + start, s0 + end, None, ct.rule.position)


def _strip_span(text: str, s: int, e: int, trailing: str = " \t.,;:-–—", leading: str = " \t") -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in leading):
        s += 1
    while e > s and text[e - 1] in trailing:
        e -= 1
    return s, e


def _is_expansion(line: str, tag_start: int) -> bool:
    """``International Court of Justice (ICJ)``, ``insansız hava aracı (İHA)``: the words before
    spell the token, so it is an abbreviation, not a source tag."""
    close = line.find(")", tag_start)
    letters = fold("".join(filter(str.isalpha, line[tag_start:close if close != -1 else len(line)])))
    if len(letters) < 2:
        return False
    before = line[:tag_start].rstrip(" (")
    words = _WORD.findall(before, max(map(before.rfind, _SENTENCE_ENDS)) + 1)[-12:]  # this sentence's
    capitals = fold("".join(w[0] for w in words if w[0].isupper()))
    every = fold("".join(w[0] for w in words))
    return capitals.endswith(letters) or every.endswith(letters)


# -- notices ---------------------------------------------------------------
def _notices(doc: Document, folded: str, rs: RuleSet, hits: _Hits, out: Detection) -> None:
    found: dict[tuple[str, int, int], tuple[CompiledNotice, regex.Match]] = {}
    for idx in sorted(hits.notice_lines):
        cn = rs.notices[idx]
        for ln in sorted(hits.notice_lines[idx]):
            s0, e0 = doc.line_span(ln)
            for m in _run(cn.rx, cn.rule.id, folded, s0, e0):
                found.setdefault((cn.rule.id, m.start(), m.end()), (cn, m))
    spans = [_strip_span(doc.text, *m.span(), trailing=" \t") for _, m in found.values()]
    on_line: dict[int, list[tuple[int, int]]] = {}  # notice and tag spans by line
    for s, e in spans + [(f.start, f.end) for f in out.findings]:
        on_line.setdefault(doc.position(s)[0], []).append((s, e))
    for (cn, m), (start, end) in zip(found.values(), spans):
        core = min((i for kw in cn.rule.keywords if (i := folded.find(fold(kw), start, end)) != -1), default=start)
        if _reported(doc, cn, start, end, core, on_line[doc.position(start)[0]], out.quoted):
            out.findings.append(_finding(doc, "quoted_notice", cn.rule.id, start, end, None, None))
        else:
            _add_notice(doc, rs, cn, m, (start, end), hits, out)


def _reported(doc: Document, cn: CompiledNotice, start: int, end: int, core: int,
              spans: list[tuple[int, int]], quoted: set[int]) -> bool:  # spans: those on the notice's line
    """A notice quoted (in quotation marks or a quoted block) or told in a sentence of the story
    is someone else's words, not the page's notice. Told: its phrase starts or ends mid-sentence
    (``the lawyer said all rights reserved``, ``... izinsiz kullanılamaz uyarısını dikkate aldı``),
    or story runs on both sides of its key words within one paragraph."""
    ln = doc.position(start)[0]
    if ln in quoted:
        return True
    s0, e0 = doc.line_span(ln)
    line = doc.text[s0:e0]
    if _inside_quotes(line, core - s0):
        return True
    others = [sp for sp in spans if sp != (start, end)]  # words of another notice are no story words
    clause = s0 + max((c.end() for c in _CLAUSE_START.finditer(line, 0, start - s0)), default=0)
    lead_words = _WORD.findall(_COPYRIGHT.sub(" ", _blanked(doc, clause, start, others)))
    first = next((c for c in line[start - s0:] if c.isalpha()), "")
    if lead_words and (first.islower() if first.upper() != first.lower() else len(lead_words) >= 2):
        return True
    tail = _TAIL.match(doc.text, end).end()
    if doc.text[end - 1] not in ".!?。！？" and len(_WORD.findall(_blanked(doc, end, tail, others))) >= 2:
        return True
    since = max((e for s, e in spans if s0 <= e <= start), default=s0)  # after the last notice or tag
    after = core + len(next((kw for kw in cn.rule.keywords if doc.text[core:core + len(kw)].lower()
                             == kw.lower()), ""))
    apart = [(s, e) for s, e in spans if e <= start or s > start]  # one that starts with it says the same thing
    return _prose(doc, since, start, apart) and _prose(doc, after, e0, apart)


def _blanked(doc: Document, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """The text between two offsets with the given spans blanked out (same length)."""
    chars = list(doc.text[start:end])
    for s, e in spans:
        for i in range(max(s, start), min(e, end)):
            chars[i - start] = " "
    return "".join(chars)


def _prose(doc: Document, start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Is there a story sentence between two offsets (notices and tags aside)? Four words or
    more, three of them lower-case where the script has case (a byline or a licence name is
    mostly capitals: ``By Jane Doe for the Valley Project``, ``Attribution 4.0 International``)."""
    for sentence in _SENTENCE_SPLIT.split(_blanked(doc, start, end, spans)):
        words = _WORD.findall(sentence)
        cased = [w for w in words if w[0].upper() != w[0].lower()]
        if len(words) >= 4 and (not cased or sum(w[0].islower() for w in cased) >= 3):
            return True
    return False


def _inside_quotes(line: str, pos: int) -> bool:
    stack: list[str] = []
    for ch in line[:pos]:
        if stack and ch in _QUOTES[stack[-1]]:
            stack.pop()
        elif ch in _QUOTES:
            stack.append(ch)
    return bool(stack)


def _quote_lines(doc: Document) -> set[int]:
    """Lines of quoted blocks: Markdown ``>`` lines, and paragraphs that open a quotation that
    runs across whole paragraphs (news style opens each quoted paragraph, closes only the last)."""
    lines, open_ = set(), False
    for n, text in enumerate(doc.lines, 1):
        text = text.strip()
        if not text:
            continue
        if text.startswith(">"):
            lines.add(n)
            continue
        if text[0] in _QUOTE_OPEN:
            open_ = _inside_quotes(text, len(text))
            if open_ or _inside_quotes(text, len(text.rstrip(_CLOSERS + ".!?")) - 1):
                lines.add(n)  # the quotation runs on, or the whole paragraph is one quotation
        elif open_:
            lines.add(n)
            open_ = not any(c in text for c in _CLOSERS)
    return lines


def _add_notice(doc: Document, rs: RuleSet, cn: CompiledNotice, m: regex.Match, span: tuple[int, int],
                hits: _Hits, out: Detection) -> None:
    start, end = span
    groups = m.groupdict()
    holder = None
    hs, he = start, end
    if groups.get("holder") is not None:
        hs, he = _strip_span(doc.text, *m.span("holder"), trailing=" \t,;:")
        holder = doc.text[hs:he] or None
    source, named = holder_source(rs, holder, hits.within(hs, he)) if holder else _named(hits.within(start, end))
    if holder and source is None and not _name_like(holder):
        return  # "all rights to the land are reserved by the tribe": rights in another sense
    license_text = doc.text[slice(*m.span("license"))] if groups.get("license") is not None else doc.text[start:end]
    license_id = cc_license_id(license_text) if cn.rule.type == "cc_license" else cn.terms.license
    line, col = doc.position(start)
    text = doc.text[start:end]
    out.notices.append(Notice(type=cn.rule.type, holder=holder, license=license_id, text=text,
                              line=line, column=col, rule=cn.rule.id, source=source, scope=rs.scope_of(text)))
    out.findings.append(_finding(doc, "notice", cn.rule.id, start, end, source, None))
    if holder:
        out.findings.append(_finding(doc, "holder", cn.rule.id, hs, he, source, None))
    elif named:
        out.findings.append(_finding(doc, "holder", cn.rule.id, named[0], named[1], source, None))


def _named(inside: list[tuple[int, int, str, bool]]) -> tuple[str | None, tuple | None]:
    """A notice without a holder group may still name its source (``... from The Conversation ...``)."""
    return (inside[0][2], inside[0][:3]) if inside else (None, None)


_LEGAL_SUFFIX = regex.compile(
    r"[\s,]+(?:a\.?\s?ş|inc|ltd|llc|gmbh|s\.?\s?a|s\.?\s?l|s\.?\s?p\.?\s?a|plc|corp|co|ag|as|ab|oy|bv|nv|"
    r"san(?:\.|ayi)?(?:\s+(?:ve\s+)?tic(?:\.|aret)?)?|trade)\.?$", regex.IGNORECASE)


def holder_source(rs: RuleSet, holder: str,
                  inside: list[tuple[int, int, str, bool]]) -> tuple[str | None, tuple | None]:
    """The source a holder names: the whole name (legal suffixes such as ``A.Ş.`` or ``GmbH`` aside),
    else the source whose names cover most of it (``İlke Haber Ajansı Basın Yayın San. Trade A.Ş.``)."""
    name = holder
    while True:
        ids = rs.resolve(name)
        if ids:
            return ids[0], None
        shorter = _LEGAL_SUFFIX.sub("", name).strip(" ,.")
        if shorter == name or not shorter:
            break
        name = shorter
    letters = sum(c.isalnum() for c in holder) or 1
    for s, e, sid, _ in sorted(inside, key=lambda a: a[0] - a[1]):
        covered = sum(e2 - s2 for s2, e2, sid2, _ in inside if sid2 == sid)
        if covered / letters >= 0.5:
            return sid, (s, e, sid)
    return None, None


def _name_like(holder: str) -> bool:
    """Does a holder read like a name (``Example Wire Ltd.``), not a clause (``the tribe, the court ruled``)?"""
    words = [w for w in _WORD.findall(holder) if w[0].upper() != w[0].lower()]
    if not words:
        return True  # scripts without case: nothing to go by
    return sum(w[0].islower() and len(w) >= 4 for w in words) <= 1


# -- mentions --------------------------------------------------------------
def _mentions(doc: Document, hits: _Hits, out: Detection) -> None:
    """Source names and tags outside any tag position or notice: a quoted source, never the origin."""
    taken: dict[int, list[tuple[int, int]]] = {}  # spans already found, by line
    for f in out.findings:
        taken.setdefault(f.line, []).append((f.start, f.end))
    for start, end, sid, is_name in hits.aliases:
        line = taken.setdefault(doc.position(start)[0], [])
        if any(s <= start and end <= e for s, e in line):
            continue
        text = doc.text[start:end]
        if (is_name or len(text) >= 3) and text[:1].isupper():
            line.append((start, end))
            out.findings.append(_finding(doc, "mention", "mention", start, end, sid, None))


# -- damaged text ----------------------------------------------------------
def _damage(doc: Document, hits: _Hits, out: Detection) -> None:
    """Mojibake (``Ã¼``) or letters lost to ``?``: notices and tags in such text may go unread."""
    lost = hits.lost
    if lost:  # a ``?`` in a URL's query is no lost letter
        urls = [m.span() for m in _URL.finditer(doc.text)]
        lost = [m for m in lost if not any(s <= m.start() < e for s, e in urls)]
    mojibake = [] if doc.text.isascii() else list(_MOJIBAKE.finditer(doc.text))
    spots = mojibake + lost
    if mojibake or len(lost) >= _DAMAGE_MIN or any("\ufffd" in m.group(0) for m in lost):
        first = min(spots, key=lambda m: m.start())
        start, end = first.start(), first.end()  # quote the whole word it damaged
        while start > 0 and not doc.text[start - 1].isspace():
            start -= 1
        while end < len(doc.text) and not doc.text[end].isspace():
            end += 1
        out.findings.append(_finding(doc, "damaged_text", "damaged-text", start, end, None, None))


def _finding(doc: Document, kind: str, rule: str, start: int, end: int, source: str | None,
             position: str | None, confidence: float = 1.0, material: str | None = None) -> Finding:
    line, col = doc.position(start)
    return Finding(kind=kind, rule=rule, text=doc.text[start:end], line=line, column=col, start=start,
                   end=end, source=source, position=position, confidence=confidence, material=material)
