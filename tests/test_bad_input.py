"""Bad input, one case per test: a clear message naming the file, never `allow`, and the input left as it was."""
from __future__ import annotations

import codecs
import os
import shutil
import subprocess
import sys
import threading
import tracemalloc
from pathlib import Path

import pytest

from compliance import Checker
from compliance.load import InputSettings, read

from .inputtree import AGENCY, by_name, check_json, invoke, unchanged

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(40)


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "agency.txt").write_text(AGENCY, encoding="utf-8")
    return folder


def one(report: dict, name: str) -> dict:
    doc = by_name(report)[name]
    assert doc["verdict"] != "allow"
    return doc


def test_binary_files_in_a_folder_are_listed_as_not_checked(content):
    (content / "photo.jpg").write_bytes(JPEG)
    (content / "scan.pdf").write_bytes(b"%PDF-1.7\n" + bytes(20))
    (content / "bundle.zip").write_bytes(b"PK\x03\x04" + bytes(20))
    with unchanged(content):
        result, report = check_json(content)
    assert result.exit_code == 1  # the article's deny decides; the skipped files do not fail the run
    assert [d["path"] for d in report["documents"]] == [str(content / "agency.txt")]
    assert report["summary"]["not_checked"] == 3
    assert {(Path(n["path"]).name, n["type"]) for n in report["not_checked"]} == {
        ("photo.jpg", "image/jpeg"), ("scan.pdf", "application/pdf"), ("bundle.zip", "application/zip")}
    text = invoke("check", content).output
    assert f"{content / 'photo.jpg'}: not checked (image/jpeg): not a format the checker reads" in text
    assert text.splitlines()[-1] == "1 documents: 0 allow, 0 review, 1 deny; 3 files not checked"


def test_binary_content_under_a_text_name_is_unreadable(content):
    (content / "photo.txt").write_bytes(PNG)
    with unchanged(content):
        result, report = check_json(content)
    assert result.exit_code == 3
    doc = one(report, "photo.txt")
    assert doc["error"] == "binary file (PNG image), not text: not checked"
    assert doc["reasons"][0]["rule"] == "unreadable"


def undecodable(doc: dict) -> None:
    """Whichever detection decodes files, what it cannot decode is refused, never guessed."""
    assert doc["error"].startswith("cannot decode") and "not checked" in doc["error"]
    assert doc["reasons"][0]["rule"] == "unreadable"


def test_undecodable_bytes_are_refused(content):
    (content / "bad.txt").write_bytes(b"First line.\nThe caf\x81\x8d\x90 was closed.\n")
    with unchanged(content):
        result, report = check_json(content)
    assert result.exit_code == 3
    undecodable(one(report, "bad.txt"))
    assert by_name(report)["agency.txt"]["verdict"] == "deny"  # the run went on


def test_mixed_encodings_are_not_guessed(content):
    mixed = "İstanbul'da toplantı yapıldı.\n".encode() + "Kaynak: İHA, Ağrı\n".encode("cp1254")
    (content / "mixed.txt").write_bytes(mixed)
    with unchanged(content):
        result, report = check_json(content)
    assert result.exit_code == 3
    undecodable(one(report, "mixed.txt"))


def test_a_utf16_bom_over_utf8_text_is_a_lie_and_is_refused(content):
    (content / "liar.txt").write_bytes(codecs.BOM_UTF16_LE + AGENCY.encode("utf-8"))
    with unchanged(content):
        result, report = check_json(content)
    assert result.exit_code == 3
    assert one(report, "liar.txt")["error"] == (
        "starts with a UTF-16 byte order mark but the rest is not UTF-16: not checked")


def test_a_utf8_bom_over_legacy_bytes_is_refused(content):
    (content / "liar.txt").write_bytes(codecs.BOM_UTF8 + "Kaynak: Ağrı\n".encode("cp1254"))
    with unchanged(content):
        result, report = check_json(content)
    assert result.exit_code == 3
    undecodable(one(report, "liar.txt"))


def test_a_truthful_utf16_bom_is_read(content):
    (content / "utf16.txt").write_bytes(AGENCY.encode("utf-16"))
    result, report = check_json(content / "utf16.txt")
    assert result.exit_code == 1
    assert report["documents"][0]["verdict"] == "deny"
    assert report["documents"][0]["encoding"].startswith("utf-16")


def test_nul_bytes_mark_a_binary_file(content):
    (content / "nul.txt").write_bytes(b"line one\nline two\nthree\x00\x00\x01\n")
    with unchanged(content):
        result, report = check_json(content)
    assert result.exit_code == 3
    assert one(report, "nul.txt")["error"] == "contains NUL bytes (binary file?): not checked"


def test_a_very_long_line_is_checked_to_its_end(content):
    (content / "long.txt").write_text("word " * 200_000 + AGENCY, encoding="utf-8")  # a 1 MB first line
    with unchanged(content):
        result, report = check_json(content / "long.txt")
    doc = report["documents"][0]
    assert doc["verdict"] == "deny"
    tag = next(f for f in doc["findings"] if f["kind"] == "source_tag")
    assert (tag["text"], tag["line"], tag["column"]) == ("ILKHA", 1, 1_000_092)  # found at the line's very end


def traced(fn, *args):
    """``fn(*args)`` and the peak memory Python allocated while it ran."""
    tracemalloc.start()
    try:
        result = fn(*args)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_200_mb_file_is_refused_from_its_size_without_reading_it(checker, tmp_path):
    big = tmp_path / "archive.txt"
    with open(big, "wb") as fh:
        fh.truncate(200 * read.MB)  # sparse: costs no disk and no time
    result, peak = traced(checker.check_path, big)
    assert result.verdict == "review"
    assert result.error == ("file is 200.0 MB, over the 20.0 MB size cap (inputs.max_file_mb in the config): "
                            "not checked, review by hand")
    assert peak < read.MB  # nothing of the file was read


def test_the_size_cap_is_configurable_and_reports_rather_than_drops(content, tmp_path):
    config = tmp_path / "compliance.yaml"
    config.write_text("inputs:\n  max_file_mb: 0.001\n")  # about 1 KB
    (content / "small.txt").write_text("A short note from the desk.\n")
    (content / "agency.txt").write_text(AGENCY * 10, encoding="utf-8")
    with unchanged(content):
        result, report = check_json("--config", config, content)
    assert result.exit_code == 3
    assert one(report, "agency.txt")["error"].startswith("file is 2.4 KB, over the 1.0 KB size cap")
    assert by_name(report)["small.txt"]["error"] is None


def test_a_stream_is_read_no_further_than_the_cap(checker, tmp_path):
    pipe = tmp_path / "stream.txt"
    os.mkfifo(pipe)

    def writer() -> None:  # a producer that never stops: only the cap ends the read
        try:
            with open(pipe, "wb") as fh:
                while True:
                    fh.write(b"x" * 65536)
        except BrokenPipeError:
            pass

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    result = Checker(checker.rules, inputs=InputSettings(max_file_mb=1)).check_path(pipe)
    thread.join(timeout=5)
    assert result.verdict == "review"
    assert result.error.startswith("file is larger than the cap, over the 1.0 MB size cap")


def test_memory_stays_a_small_multiple_of_the_file(checker, tmp_path):
    paragraph = "Water ministers agreed on Tuesday to build measuring stations along shared rivers. " * 12
    article = tmp_path / "long-article.txt"
    article.write_text((paragraph + "\n") * 1500 + "Officials met. (ILKHA)\n", encoding="utf-8")
    size = article.stat().st_size
    result, peak = traced(checker.check_path, article)
    assert result.verdict == "deny"
    assert size > read.MB and peak < 10 * size


@pytest.mark.parametrize("text", ["", "  \n\n\t\n"])
def test_an_empty_file_is_review_with_a_clear_reason(content, text):
    (content / "empty.txt").write_text(text)
    with unchanged(content):
        result, report = check_json(content / "empty.txt")
    assert result.exit_code == 0  # readable, so not an error; review fails the run at --fail-on review
    doc = report["documents"][0]
    assert doc["verdict"] == "review"
    assert doc["reasons"] == [{"rule": "empty", "message": "empty document: nothing to check, review by hand",
                               "source": None, "line": None, "column": None, "quote": None}]
    assert invoke("check", "--fail-on", "review", content / "empty.txt").exit_code == 1


def test_a_file_that_vanishes_before_it_is_read(checker, content):
    (content / "zz-later.txt").write_text(AGENCY, encoding="utf-8")
    results = checker.iter_check([content])
    assert Path(next(results).path).name == "agency.txt"
    (content / "zz-later.txt").unlink()  # gone between the walk and the read
    gone = next(results)
    assert gone.verdict == "review"
    assert gone.error == "file not found: not checked"


def test_a_file_that_changes_while_it_is_read(checker, content, monkeypatch):
    path = content / "agency.txt"

    class Growing:  # a writer appending to the file at the moment the checker reads it
        def __init__(self, fh):
            self.fh = fh

        def read(self, n: int) -> bytes:
            with open(path, "ab") as out:
                out.write(b"More copy arrives.\n")
            return self.fh.read(n)

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    monkeypatch.setattr(read, "open", lambda p, mode: Growing(open(p, mode)), raising=False)
    result = checker.check_path(path)
    assert result.verdict == "review"
    assert result.error == "file changed while it was read: not checked, run again once it is written"


def _unprivileged(*args: object) -> subprocess.CompletedProcess[str]:
    """Run the CLI without the power to read files regardless of permissions, as a normal user would."""
    cmd = [sys.executable, "-c", "from compliance.cli import main; main()", *map(str, args)]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: file permissions cannot be tested")
        cmd = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def test_a_file_and_a_folder_without_read_permission(content):
    (content / "locked.txt").write_text(AGENCY, encoding="utf-8")
    (content / "locked.txt").chmod(0)
    (content / "private").mkdir()
    (content / "private" / "hidden-article.txt").write_text(AGENCY, encoding="utf-8")
    (content / "private").chmod(0)
    try:
        with unchanged(content):
            proc = _unprivileged("check", content)
    finally:
        (content / "private").chmod(0o755)
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    assert f"{content / 'locked.txt'}: review [unreadable] cannot read file: Permission denied: not checked" in lines
    assert f"{content / 'private'}: review [unreadable] cannot read folder: Permission denied" in lines
    assert lines[-1] == "3 documents: 0 allow, 2 review, 1 deny"


def test_symlink_loops_end_and_are_reported(content):
    (content / "again").symlink_to(content, target_is_directory=True)  # a folder containing itself
    (content / "sub").mkdir()
    (content / "sub" / "up").symlink_to("..", target_is_directory=True)
    (content / "self.txt").symlink_to("self.txt")
    (content / "ring").symlink_to("ring")  # a named path that is a loop
    with unchanged(content):
        result, report = check_json(content, content / "ring")
    assert result.exit_code == 3
    assert one(report, "self.txt")["error"] == "cannot read file: Too many levels of symbolic links: not checked"
    assert one(report, "ring")["error"] == "cannot read file: Too many levels of symbolic links: not checked"
    links = {Path(n["path"]).name: n for n in report["not_checked"] if n["type"] == "link to a folder"}
    assert set(links) == {"again", "up"}
    assert links["up"]["reason"] == "links to folders are not followed"
    assert by_name(report)["agency.txt"]["verdict"] == "deny"


def test_odd_file_names_are_checked_and_shown_on_one_line(content):
    odd = [b"with space.txt", b"new\nline.txt", b"caf\xe9-latin1.txt", "şüpheli ğ.txt".encode()]
    for raw in odd:
        (content / os.fsdecode(raw)).write_bytes(AGENCY.encode())
    with unchanged(content):
        result, report = check_json(content)
    assert result.exit_code == 1
    names = sorted(Path(d["path"]).name for d in report["documents"])
    assert names == sorted(["agency.txt", "with space.txt", "new\\nline.txt", "caf\\xe9-latin1.txt", "şüpheli ğ.txt"])
    assert {d["verdict"] for d in report["documents"]} == {"deny"}
    text = invoke("check", content).output.splitlines()
    assert sum(": deny [" in line for line in text) == 5
    assert all(line.startswith(str(content)) for line in text[:-1])  # no name broke a line


def test_special_files_in_a_folder_are_never_opened(content):
    os.mkfifo(content / "pipe.txt")  # opening it would wait for a writer forever
    with unchanged(content):
        result, report = check_json(content)
    assert result.exit_code == 1
    assert [(Path(n["path"]).name, n["type"]) for n in report["not_checked"]] == [("pipe.txt", "special file")]
