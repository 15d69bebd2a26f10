"""A failure inside any stage is caught at the document boundary: `review`, file and stage named, run goes on, exit 3."""
from __future__ import annotations

import pytest

from compliance import checker as checker_module
from compliance import paths

from .inputtree import AGENCY, by_name, check_json, invoke, unchanged


@pytest.fixture()
def content(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "a-agency.txt").write_text(AGENCY, encoding="utf-8")
    (folder / "b-broken.txt").write_text("Officials met on Monday. (ILKHA)\n", encoding="utf-8")
    return folder


def _explode():
    raise RuntimeError("stage exploded")


def _fails_on_broken(real):
    """The stage as it is, except that it raises for the document b-broken.txt."""
    def stage(first, *args, **kwargs):
        return _explode() if "b-broken" in str(getattr(first, "path", first)) else real(first, *args, **kwargs)
    return stage


@pytest.mark.parametrize("stage, target", [
    ("collect", (paths, "_classify")),
    ("load", (checker_module, "load_path")),
    ("detect", (checker_module, "detect")),
    ("segment", (checker_module, "segment")),
    ("decide", (checker_module, "decide")),
])
def test_a_stage_that_raises_fails_closed_for_that_document_only(content, monkeypatch, stage, target):
    module, name = target
    real = getattr(module, name)
    if stage == "decide":  # decide sees no document: fail for the one without notices
        monkeypatch.setattr(module, name, lambda ctx, sources, notices, *rest: (
            real(ctx, sources, notices, *rest) if notices else _explode()))
    else:
        monkeypatch.setattr(module, name, _fails_on_broken(real))
    with unchanged(content):
        result, report = check_json(content)
    assert result.exit_code == 3
    broken = by_name(report)["b-broken.txt"]
    assert broken["verdict"] == "review"
    assert broken["reasons"][0]["rule"] == "internal-error"
    assert broken["error"] == f"internal error in stage '{stage}': RuntimeError: stage exploded"
    assert by_name(report)["a-agency.txt"]["verdict"] == "deny"  # the run went on
    text = invoke("check", content).output
    assert f"{content / 'b-broken.txt'}: review [internal-error] internal error in stage '{stage}'" in text


def test_a_folder_walk_that_breaks_fails_closed_for_that_folder(content, tmp_path, monkeypatch):
    other = tmp_path / "other.txt"
    other.write_text(AGENCY, encoding="utf-8")

    def broken_walk(root, skip):
        raise OSError("walk exploded")

    monkeypatch.setattr(paths, "_walk", broken_walk)
    result, report = check_json(content, other)
    assert result.exit_code == 3
    assert by_name(report)["content"]["error"] == "internal error in stage 'collect': OSError: walk exploded"
    assert by_name(report)["content"]["verdict"] == "review"
    assert by_name(report)["other.txt"]["verdict"] == "deny"
