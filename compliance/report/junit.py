"""``--format junit``: one test case per document; a failure for each verdict at or above the fail level.

GitLab, Jenkins and most CI systems read this. A document that could not be
read is an ``error``. An empty run still has one (skipped) test case, because
Jenkins treats a report without test cases as a broken build.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..models import VERDICT_RANK, DocumentResult, Reason, Report
from .options import FormatOptions

SUITE = "compliance"
# Characters XML 1.0 cannot carry even escaped; a document may contain them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(report: Report, options: FormatOptions) -> str:
    threshold = VERDICT_RANK[options.fail_on]
    suite = ET.Element("testsuite", name=SUITE)
    failures = errors = skipped = 0
    for doc in report.documents:
        case = ET.SubElement(suite, "testcase", classname=SUITE, name=_xml(doc.path), file=_xml(doc.path))
        details = _details(doc)
        if doc.error:
            errors += 1
            ET.SubElement(case, "error", message=_xml(doc.error), type=doc.reasons[0].rule).text = details
        elif VERDICT_RANK[doc.verdict] >= threshold:
            failures += 1
            ET.SubElement(case, "failure", message=_xml(f"{doc.verdict}: {doc.reasons[0].message}"),
                          type=doc.verdict).text = details
        else:
            ET.SubElement(case, "system-out").text = details
    if not report.documents:
        skipped = 1
        case = ET.SubElement(suite, "testcase", classname=SUITE, name="no documents")
        ET.SubElement(case, "skipped", message="no documents were checked")
    counts = {"tests": str(max(len(report.documents), 1)), "failures": str(failures),
              "errors": str(errors), "skipped": str(skipped)}
    suite.attrib.update(counts)
    root = ET.Element("testsuites", name=SUITE, **{k: v for k, v in counts.items() if k != "skipped"})
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _details(doc: DocumentResult) -> str:
    lines = [f"verdict: {doc.verdict}"]
    lines += [_line(doc.path, r) for r in doc.reasons]
    lines += [f"duty {d.type}: {d.text}" for d in doc.duties]
    lines += [f"warning: {_line(doc.path, w)}" for w in doc.warnings]
    return _xml("\n".join(lines))


def _line(path: str, r: Reason) -> str:
    where = f"{path}:{r.line}:{r.column}" if r.line else path
    return f"{where}: [{r.rule}] {r.message}"


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
