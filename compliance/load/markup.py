"""A parsed (lxml) page or XHTML body -> plain text, keeping where each character came from.

The parser decides the structure; this module only walks the tree. Each text
node is found again in the source (it is the whole run between a ``>`` and
the next ``<``, entities and CDATA aside), so every extracted character has a
source offset. Lines follow the blocks a reader sees (paragraphs, headings,
list items, ``<br>``), with runs of white space collapsed as a browser would.

What is left out: scripts, styles, forms' controls, embedded objects and
navigation (``<nav>``, ``role=navigation``). In page chrome (header, footer and
sidebars outside the article; elements whose class or id says menu, share,
related ...) a line made only of link text (a menu, a list of teasers) is
dropped too, unless it carries ``©`` or a ``rel=license`` link: rights lines
often sit in footers and are never dropped.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field

from lxml import etree

from ..document import line_starts, position
from ..metadata import clean

BLOCKS = frozenset("""address article aside blockquote body caption center dd details dialog dir div dl dt
fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu ol p pre section
summary table tbody td tfoot th thead title tr ul""".split())
DROPPED = frozenset("""script style noscript template svg math iframe object embed canvas video audio button
select option input textarea nav head""".split())
DROPPED_ROLES = frozenset({"navigation", "search", "menu", "menubar", "toolbar"})
CHROME = frozenset({"header", "footer", "aside"})
CHROME_WORDS = frozenset("""nav navbar navigation menu breadcrumb breadcrumbs share sharing social related sidebar
widget comments cookie cookies newsletter promo advert ads tags topbar masthead""".split())
_WORDS = re.compile(r"[a-z]+")
_ENTITY = re.compile(r"&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{0,31});?")
_CDATA_OPEN, _CDATA_CLOSE = "<![CDATA[", "]]>"
_SPECIAL = re.compile(r"[&<\]]")
_RUNS = re.compile(r"[ \t\n\f\r]+|[^ \t\n\f\r]+")
_HTML_SPACE = frozenset(" \t\n\f\r")
_WINDOW = 1 << 16  # how far past the cursor a text node with entities is looked for


def local_name(el: etree._Element) -> str:
    return etree.QName(el).localname.lower() if isinstance(el.tag, str) else ""


class Aligner:
    """Finds text nodes in the source, in document order, as lists of source offsets."""

    def __init__(self, source: str, in_file: list[int] | None = None):
        self.source = source
        self.cursor = 0
        self.in_file = in_file  # where each character of ``source`` sits in the file, if it is a part of one

    def locate(self, piece: str) -> list[int]:
        """File offsets of each character of ``piece``; if it cannot be found, all at the cursor."""
        offsets = self._locate(piece)
        return [self.in_file[o] for o in offsets] if self.in_file else offsets

    def _locate(self, piece: str) -> list[int]:
        src = self.source
        if piece.isspace():  # white space between tags: nothing visible to place
            return [min(self.cursor, max(len(src) - 1, 0))] * len(piece)
        i = src.find(piece, self.cursor)
        if i != -1 and self._whole_run(i, i + len(piece)):
            self.cursor = i + len(piece)
            return list(range(i, i + len(piece)))
        p = self.cursor
        while 0 < p - self.cursor + 1 <= _WINDOW:  # a node the parser rewrote is placed at the cursor
            offsets = self._match(piece, p)
            if offsets is not None:
                return offsets
            p = src.find(">", p) + 1
        return [min(self.cursor, max(len(src) - 1, 0))] * len(piece)

    def skip(self, raw: str) -> None:
        """Move past text left out, found as it is written (a comment, a script)."""
        i = self.source.find(raw, self.cursor)
        if i != -1:
            self.cursor = i + len(raw)

    def _whole_run(self, start: int, end: int) -> bool:
        src = self.source
        before = start == self.cursor or start == 0 or src[start - 1] == ">"
        return before and (end == len(src) or src[end] == "<")

    def _match(self, piece: str, p: int) -> list[int] | None:
        """Match ``piece`` against the raw source at ``p``: literal text, entities and CDATA sections."""
        src, n, i, out = self.source, len(self.source), 0, []
        in_cdata = False
        while i < len(piece):
            if not in_cdata and src.startswith(_CDATA_OPEN, p):
                p, in_cdata = p + len(_CDATA_OPEN), True
                continue
            if in_cdata and src.startswith(_CDATA_CLOSE, p):
                p, in_cdata = p + len(_CDATA_CLOSE), False
                continue
            if p >= n:
                return None
            m = None if in_cdata or src[p] != "&" else _ENTITY.match(src, p)
            hit = next((d for d in _entity(m.group()) if d and piece.startswith(d, i)), None) if m else None
            if hit is not None:
                out.extend([p] * len(hit))
                i, p = i + len(hit), m.end()
                continue
            # a run of plain characters up to the next one that may start markup or an entity
            stop = _SPECIAL.search(src, p + 1)
            k = min((stop.start() if stop else n) - p, len(piece) - i)
            if src[p:p + k] != piece[i:i + k]:
                return None
            out.extend(range(p, p + k))
            i, p = i + k, p + k
        if in_cdata and src.startswith(_CDATA_CLOSE, p):
            p += len(_CDATA_CLOSE)
        if p < n and src[p] != "<":
            return None
        self.cursor = p
        return out


def _entity(raw: str) -> tuple[str, ...]:
    """What an entity may have been decoded to (parsers differ on legacy numeric references)."""
    decoded = html.unescape(raw)
    body = raw[2:].rstrip(";")
    if raw.startswith("&#"):
        try:
            code = int(body[1:], 16) if body[:1] in "xX" else int(body)
            return decoded, chr(code)
        except (ValueError, OverflowError):
            return (decoded,)
    return (decoded,)


@dataclass
class _Line:
    chars: list[str] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)
    letters: int = 0
    link_letters: int = 0
    chrome: bool = True
    keep: bool = False


class TextBuilder:
    """Collects visible characters line by line, collapsing white space, and drops chrome lines."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.offsets: list[int] = []
        self.line = _Line()

    def add(self, piece: str, offsets: list[int], *, link: bool = False, chrome: bool = False,
            keep: bool = False, pre: bool = False) -> None:
        """Add text whose characters sit at ``offsets``; in ``pre`` text, white space and newlines stay."""
        for m in _RUNS.finditer(piece):
            a, b = m.span()
            if piece[a] not in _HTML_SPACE:
                self._put(piece[a:b], offsets[a:b], link, chrome, keep)
            elif not pre:  # as a browser does; a no-break space is not collapsed
                if self.line.chars and self.line.chars[-1] != " ":
                    self._put(" ", offsets[a:a + 1], link, chrome, keep)
            else:
                for j in range(a, b):
                    if piece[j] == "\n":
                        self.br()
                    elif piece[j] != "\r":
                        self._put(piece[j], offsets[j:j + 1], link, chrome, keep)

    def _put(self, run: str, offsets: list[int], link: bool, chrome: bool, keep: bool) -> None:
        line = self.line
        line.chars.extend(run)
        line.offsets.extend(offsets)
        letters = sum(map(str.isalpha, run))
        line.letters += letters
        line.link_letters += letters if link else 0
        line.chrome = line.chrome and chrome
        line.keep = line.keep or keep or "©" in run

    def br(self) -> None:
        line, self.line = self.line, _Line()
        while line.chars and line.chars[-1] in _HTML_SPACE:
            line.chars.pop()
            line.offsets.pop()
        if not line.chars:
            return
        if line.chrome and not line.keep and line.link_letters == line.letters:
            return
        if self.chars:
            self.chars.append("\n")
            self.offsets.append(self.offsets[-1] + 1)
        self.chars.extend(line.chars)
        self.offsets.extend(line.offsets)

    def result(self) -> tuple[str, list[int]]:
        self.br()
        return "".join(self.chars), self.offsets


@dataclass(frozen=True)
class _State:
    dropped: bool = False
    chrome: bool = False
    link: bool = False
    keep: bool = False
    pre: bool = False


def extract(root: etree._Element, aligner: Aligner, main: etree._Element | None = None,
            out: TextBuilder | None = None) -> TextBuilder:
    """Walk ``root`` in document order, adding its visible text to ``out``.

    With ``main`` (the article), everything outside it counts as page chrome.
    """
    out = out or TextBuilder()
    states = [_State(chrome=main is not None)]
    for event, el in etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        if event in ("comment", "pi"):
            aligner.skip(el.text or "")
            _add(el.tail or "", states[-1], aligner, out)
            continue
        name = local_name(el)
        if event == "start":
            state = _enter(el, name, states[-1], main)
            states.append(state)
            if name in BLOCKS or name == "br":
                out.br()
            _add(el.text or "", state, aligner, out)
        else:
            states.pop()
            if name in BLOCKS:
                out.br()
            if el is not root:
                _add(el.tail or "", states[-1], aligner, out)
    return out


def _add(piece: str, state: _State, aligner: Aligner, out: TextBuilder) -> None:
    if state.dropped:
        aligner.skip(piece)
    elif piece:
        out.add(piece, aligner.locate(piece), link=state.link, chrome=state.chrome, keep=state.keep, pre=state.pre)


def _enter(el: etree._Element, name: str, parent: _State, main: etree._Element | None) -> _State:
    if el is main:
        parent = _State()
    role = (el.get("role") or "").lower()
    words = set(_WORDS.findall(f"{el.get('class') or ''} {el.get('id') or ''}".lower()))
    rel = (el.get("rel") or "").lower().split()
    return _State(
        dropped=parent.dropped or name in DROPPED or role in DROPPED_ROLES,
        # header, footer and aside are chrome around the page, but credits when inside the article
        chrome=parent.chrome or bool(words & CHROME_WORDS) or (name in CHROME and main is None),
        link=parent.link or name == "a",
        keep=parent.keep or "license" in rel,
        pre=parent.pre or name == "pre",
    )


class MetadataReader:
    """Metadata values as ``key -> [values]`` (see ``compliance.metadata``), with where each was read."""

    def __init__(self, source: str):
        self.source = source
        self.starts = line_starts(source)
        self.values: dict[str, list[str]] = {}
        self.at: dict[tuple[str, str], tuple[int, int]] = {}

    def add(self, key: str, value: object, el: etree._Element) -> None:
        for text in clean(value):
            if text not in self.values.setdefault(key, []):
                self.values[key].append(text)
                self.at[(key, text)] = self._where(el, text)

    def _where(self, el: etree._Element, text: str) -> tuple[int, int]:
        """The value's line and column in the source, searched for from the element's line."""
        line = el.sourceline or 1
        start = self.starts[min(line, len(self.starts)) - 1]
        for needle in (text, text.replace("&", "&amp;"), json.dumps(text)[1:-1]):
            i = self.source.find(needle, start)
            if i != -1:
                return position(self.starts, i)
        return line, 1
