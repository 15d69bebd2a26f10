"""Positions: the stages work on the extracted text; reports point into the original file."""
from __future__ import annotations

from compliance.document import Document, SourceMap
from compliance.models import DocumentResult, Finding, Notice, Reason, Segment

SOURCE = "<p>Officials met.</p>\n<p>Talks go on. <b>(AA)</b></p>\n"
TEXT = "Officials met.\nTalks go on. (AA)"


def extracted() -> Document:
    offsets = [SOURCE.index("Officials") + i for i in range(len("Officials met."))]
    offsets.append(offsets[-1] + 1)  # the newline between the paragraphs
    second = SOURCE.index("Talks")
    offsets += [second + i for i in range(len("Talks go on. "))]
    tag = SOURCE.index("(AA)")
    offsets += [tag + i for i in range(len("(AA)"))]
    return Document(path="p.html", text=TEXT, source_map=SourceMap(SOURCE, offsets))


def test_text_positions_stay_for_the_stages_and_source_positions_are_in_the_file():
    doc = extracted()
    start = TEXT.index("AA")
    assert doc.position(start) == (2, 15)
    assert doc.source_position(start) == (2, SOURCE.splitlines()[1].index("AA") + 1)


def test_locate_moves_every_reported_position_into_the_file():
    doc = extracted()
    start = TEXT.index("AA")
    tag = Finding(kind="source_tag", rule="tag.closing", text="AA", line=2, column=15, start=start, end=start + 2)
    declared = Finding(kind="metadata", rule="metadata.source", text="AA", line=3, column=7, start=0, end=0)
    notice = Notice(type="all_rights_reserved", holder=None, license=None, text="x", line=2, column=1, rule="r")
    result = doc.locate(DocumentResult(
        path=doc.path, verdict="deny", findings=[tag, declared], notices=[notice],
        reasons=[Reason(rule="p", message="m", line=2, column=15), Reason(rule="q", message="m")],
        segments=[Segment(kind="body", start_line=1, end_line=2)]))
    column = SOURCE.splitlines()[1].index("AA") + 1
    assert (result.findings[0].line, result.findings[0].column) == (2, column)
    assert (result.findings[1].line, result.findings[1].column) == (3, 7)  # already in the file
    assert (result.notices[0].line, result.notices[0].column) == (2, 4)
    assert (result.reasons[0].line, result.reasons[0].column) == (2, column)
    assert result.reasons[1].line is None
    assert (result.segments[0].start_line, result.segments[0].end_line) == (1, 2)


def test_plain_text_is_its_own_source():
    doc = Document(path="a.txt", text="ab\ncd")
    result = DocumentResult(path="a.txt", verdict="allow")
    assert doc.locate(result) is result and doc.source_position(4) == (2, 2)
