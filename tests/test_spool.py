"""An audit's documents go through a spool on disk: what comes out of it is exactly the in-memory report."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from compliance import Checker
from compliance.models import Report
from compliance.report.spool import Spool, SpooledReport

from .conftest import CONTENT, ROOT
from .inputtree import invoke, snapshot

INPUTS = ROOT / "tests" / "fixtures" / "inputs"


@contextmanager
def spooled(report: Report, checker: Checker) -> Iterator[SpooledReport]:
    with Spool() as spool:
        for result in [*report.not_checked, *reversed(report.documents)]:  # the spool sorts them again
            spool.add(result)
        yield spool.report(checker.waivers)


def test_report_json_from_the_spool_is_the_reports_own_json():
    checker = Checker()
    for report in [checker.check_paths([CONTENT, INPUTS, ROOT / "bench"]), checker.check_paths([])]:
        with spooled(report, checker) as spool:
            assert "".join(spool.json_chunks()) == report.to_json() + "\n"
            assert spool.head == report.model_copy(update={"documents": []})
    assert report.summary.documents == 0


def test_templates_see_the_documents_as_the_reports_json_data_read_again_on_each_pass():
    checker = Checker()
    report = checker.check_paths([CONTENT, INPUTS])
    expected = report.model_dump(mode="json", by_alias=True)
    with spooled(report, checker) as spool:
        data = spool.data()
        docs = data.pop("documents")
        assert data == {k: v for k, v in expected.items() if k != "documents"}
        assert list(docs) == list(docs) == expected["documents"]
        assert len(docs) == len(expected["documents"]) and docs
        assert docs[0] == expected["documents"][0] and docs[-1] == expected["documents"][-1]
        assert docs[1:3] == expected["documents"][1:3]
        assert docs[0] is not docs[0]  # read from disk each time, not kept


def test_a_template_cannot_change_the_documents(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "permission.md.j2").write_text("{% set _ = report.documents.append(1) %}changed")
    out = tmp_path / "out"
    assert invoke("audit", CONTENT, "-o", out).exit_code == 1
    before = snapshot(out)
    result = invoke("audit", CONTENT, "-o", out, "--template", templates)
    assert result.exit_code == 2
    assert result.output.startswith(f"compliance: error: {templates / 'permission.md.j2'}:1: template error: ")
    assert snapshot(out) == before


def test_the_spool_reads_the_same_where_the_system_has_no_pread(monkeypatch):
    monkeypatch.delattr("os.pread")  # as on Windows
    checker = Checker()
    report = checker.check_paths([CONTENT])
    with spooled(report, checker) as spool:
        assert "".join(spool.json_chunks()) == report.to_json() + "\n"
