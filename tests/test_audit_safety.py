"""An audit writes only its reports, each whole, and Ctrl-C leaves the previous ones as they were."""
from __future__ import annotations

import errno
import io
import os
from pathlib import Path

import pytest

from compliance import Checker
from compliance.report import render, spool

from .inputtree import AGENCY, invoke, snapshot, unchanged

REPORT_FILES = sorted(["report.json", *render.REPORTS])


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(AGENCY, encoding="utf-8")
    return folder


@pytest.fixture()
def previous(content: Path, tmp_path: Path) -> Path:
    """A report folder holding a complete earlier audit."""
    out = tmp_path / "out"
    assert invoke("audit", content, "-o", out).exit_code == 1
    return out


def test_the_default_report_folder_is_never_inside_the_checked_folder(content, monkeypatch):
    monkeypatch.chdir(content)
    with unchanged(content):
        result = invoke("audit", ".")
    assert result.exit_code == 2
    assert result.output == ("compliance: error: .: the default report folder 'compliance-report' is inside "
                             "the folder being checked; choose where reports go with -o\n")


def test_reports_go_inside_the_checked_folder_only_when_asked_and_are_not_checked_again(content):
    out = content / "reports"
    with unchanged(content, skip=out):
        first = invoke("audit", content, "-o", out)
        second = invoke("audit", content, "-o", out)
    assert first.exit_code == second.exit_code == 1
    assert first.stdout == second.stdout == "3 documents: 0 allow, 0 review, 3 deny\n"
    assert sorted(p.name for p in out.iterdir()) == REPORT_FILES


def test_ctrl_c_while_checking_keeps_the_previous_reports(content, previous, monkeypatch):
    before = snapshot(previous)
    real = Checker.check_path
    calls = []

    def interrupted(self, path, display=None):
        calls.append(path)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, path, display)

    monkeypatch.setattr(Checker, "check_path", interrupted)
    with unchanged(content):
        result = invoke("audit", "--no-cache", content, "-o", previous)  # the cache would skip the checks
    assert result.exit_code == 130
    assert result.stderr == (f"compliance: interrupted after checking 2 documents: 0 allow, 0 review, 2 deny; "
                             f"no report written, {previous} is as it was\n")
    assert snapshot(previous) == before


def test_ctrl_c_while_writing_leaves_each_report_whole(content, previous, monkeypatch):
    (content / "d.txt").write_text("Our reporter visited the market on Saturday.\n")
    old = {name: (previous / name).read_bytes() for name in REPORT_FILES if name != "report.json"}
    real = os.replace
    calls = []

    def interrupted(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # report.json is in place; the next report is written but not yet renamed
            raise KeyboardInterrupt
        real(src, dst)

    monkeypatch.setattr(render.os, "replace", interrupted)
    result = invoke("audit", "--no-cache", content, "-o", previous)  # cache writes rename files too
    assert result.exit_code == 130
    assert "interrupted while writing reports; each report in" in result.stderr
    assert '"documents": 4' in (previous / "report.json").read_text()  # the new one, whole
    assert {name: (previous / name).read_bytes() for name in old} == old  # the old ones, whole
    assert sorted(p.name for p in previous.iterdir()) == REPORT_FILES


def test_reports_get_the_usual_permissions(content, tmp_path):
    old = os.umask(0o022)
    try:
        invoke("audit", content, "-o", tmp_path / "out")
    finally:
        os.umask(old)
    assert {(p.stat().st_mode & 0o777) for p in (tmp_path / "out").iterdir()} == {0o644}


def test_an_output_folder_that_cannot_be_made_is_a_clear_error(content, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = invoke("audit", content, "-o", blocker / "out")
    assert result.exit_code == 2
    assert result.output.startswith(f"compliance: error: {blocker}")
    assert "cannot write report" in result.output


def test_ctrl_c_during_check_exits_130_not_a_decision(content, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Checker, "check_path", interrupted)
    result = invoke("check", content)
    assert result.exit_code == 130
    assert result.stderr == "compliance: interrupted\n"


@pytest.fixture()
def render_in_parallel(monkeypatch) -> list[int]:
    """Render in several processes whatever the number of documents; records each pool's size."""
    pools = []
    real = render.forked_pool
    monkeypatch.setattr(render, "MIN_DOCUMENTS_TO_RENDER_IN_PARALLEL", 1)
    monkeypatch.setattr(render, "forked_pool", lambda jobs: pools.append(jobs) or real(jobs))
    return pools


def test_reports_rendered_by_two_processes_are_those_of_one(content, tmp_path, render_in_parallel):
    assert invoke("audit", "-j", "1", "--no-cache", content, "-o", tmp_path / "one").exit_code == 1
    assert render_in_parallel == []
    assert invoke("audit", "-j", "2", "--no-cache", content, "-o", tmp_path / "two").exit_code == 1
    assert render_in_parallel == [2]
    assert snapshot(tmp_path / "one").keys() == snapshot(tmp_path / "two").keys()
    for name in REPORT_FILES:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_a_template_failing_in_a_rendering_process_changes_no_report(content, previous, tmp_path,
                                                                    render_in_parallel):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "attribution.md.j2").write_text("# Credits\n{{ 1 / 0 }}\n")
    before = snapshot(previous)
    result = invoke("audit", "-j", "2", "--no-cache", content, "-o", previous, "--template", templates)
    assert render_in_parallel == [2]
    assert result.exit_code == 2
    assert result.output == (f"compliance: error: {templates / 'attribution.md.j2'}:2: "
                             f"template error: ZeroDivisionError: division by zero\n")
    assert snapshot(previous) == before  # no report replaced, no temporary file left


def test_a_full_temporary_folder_is_one_error_line_and_leaves_the_reports_as_they_were(content, previous,
                                                                                        monkeypatch, tmp_path):
    class Full(io.BytesIO):  # the spool's file, on a disk with no room left
        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(spool.tempfile, "TemporaryFile", lambda **kwargs: Full())
    monkeypatch.setattr(spool.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    before = snapshot(previous)
    for command in (["audit", "--no-cache", content, "-o", previous], ["check", "--format", "json", content]):
        result = invoke(*command)
        assert result.exit_code == 2
        assert result.output == (f"compliance: error: {tmp_path / 'tmp'}: cannot keep the run's results in a "
                                 "temporary file: No space left on device; set TMPDIR to a folder with room\n")
    assert snapshot(previous) == before
