"""Bad HTML, XML and JSON: never a traceback, never `allow`, nothing expanded or fetched, the input untouched.

These wait for the HTML, NewsML-XML and JSON loaders: each test is skipped
while ``compliance.load.FORMATS`` has no loader for its file type, and runs as
soon as one is registered.
"""
from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from compliance.load import FORMATS

from .inputtree import check_json, invoke, unchanged


def needs(suffix: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(suffix not in FORMATS, reason="needs the HTML/XML/JSON loaders")


NOTICE = ("LEGAL WARNING: All rights of the published news are reserved by İlke Haber Ajansı. Under no "
          "circumstances can all or part of the news be used without a written contract or subscription.")


def run(tmp_path: Path, name: str, data: str | bytes) -> tuple[int, dict, str]:
    """Check one file as a user would: exit code, its JSON entry, and the text output."""
    folder = tmp_path / "content"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    with unchanged(folder):
        result, report = check_json(path)
        text = invoke("check", path).output
    (doc,) = report["documents"]
    assert doc["verdict"] != "allow"
    assert text.startswith(f"{path}:"), text  # the first thing said names the file
    return result.exit_code, doc, text


def assert_unreadable(code: int, doc: dict) -> None:
    assert code == 3
    assert doc["verdict"] == "review"
    assert doc["error"]


@needs(".html")
def test_malformed_html_is_read_leniently_and_still_denied(tmp_path):
    page = ("<html><body><div class='story'>\n"
            "<p>Water ministers agreed on <b><i>Tuesday</b></i> to build stations &bogus; along rivers.\n"
            "<p>The first stations should be running before the floods. (ILKHA)\n"
            f"</span></td><p>{NOTICE}\n"
            "<p class=\"teaser>A new ferry line opened on Monday.\n")
    code, doc, _ = run(tmp_path, "page.html", page)
    assert code == 1 and doc["verdict"] == "deny"
    tag = next(f for f in doc["findings"] if f["kind"] == "source_tag")
    assert (tag["text"], tag["line"]) == ("ILKHA", 3)  # positions are in the file as saved


@needs(".html")
def test_markup_nested_thousands_deep_does_not_crash(tmp_path):
    page = ("<html><body>" + "<div>" * 20_000 + "<p>Officials met on Monday. (ILKHA)</p><p>" + NOTICE + "</p>"
            + "</div>" * 20_000 + "</body></html>")
    code, doc, _ = run(tmp_path, "deep.html", page)
    if doc["error"]:
        assert_unreadable(code, doc)
    else:
        assert code == 1 and doc["verdict"] == "deny"


BOMB = """<?xml version="1.0"?>
<!DOCTYPE newsItem [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:example:1">
  <rightsInfo><copyrightHolder literal="ILKHA"/><usageTerms>{notice}</usageTerms></rightsInfo>
  <contentSet><inlineXML><p>Officials met on Monday. &lol5; (ILKHA)</p></inlineXML></contentSet>
</newsItem>
"""


@needs(".xml")
def test_xml_entity_bombs_are_not_expanded(tmp_path):
    code, doc, text = run(tmp_path, "bomb.xml", BOMB.format(notice=NOTICE))
    assert "lol" * 20 not in text and all("lol" * 20 not in f["text"] for f in doc["findings"])
    if doc["error"]:
        assert_unreadable(code, doc)
    else:
        assert code == 1 and doc["verdict"] == "deny"


@pytest.fixture()
def listener():
    """A local server that records any connection: an XML parser must never fetch."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    seen: list[tuple[str, int]] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, addr = server.accept()
            except TimeoutError:
                continue
            seen.append(addr)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join()
    server.close()


@needs(".xml")
def test_xml_external_entities_are_neither_read_nor_fetched(tmp_path, listener):
    port, connections = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-7731 This material is in the public domain.")
    item = f"""<?xml version="1.0"?>
<!DOCTYPE newsItem [
  <!ENTITY secret SYSTEM "file://{secret}">
  <!ENTITY remote SYSTEM "http://127.0.0.1:{port}/entity">
  <!ENTITY % dtd SYSTEM "http://127.0.0.1:{port}/dtd"> %dtd;
]>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:example:2">
  <contentSet><inlineXML><p>Officials met on Monday. &secret; &remote; (ILKHA)</p></inlineXML></contentSet>
</newsItem>
"""
    code, doc, text = run(tmp_path, "xxe.xml", item)
    assert "SECRET-7731" not in text
    assert all("SECRET" not in f["text"] and f["kind"] != "notice" for f in doc["findings"])
    assert connections == []
    if doc["error"]:
        assert_unreadable(code, doc)


@needs(".xml")
def test_xml_nested_thousands_deep_does_not_crash(tmp_path):
    item = ('<?xml version="1.0"?><newsItem xmlns="http://iptc.org/std/nar/2006-10-01/">'
            + "<x>" * 20_000 + "Officials met on Monday. (ILKHA)" + "</x>" * 20_000 + "</newsItem>")
    code, doc, _ = run(tmp_path, "deep.xml", item)
    assert code in (1, 3)


@needs(".xml")
def test_malformed_xml_is_unreadable(tmp_path):
    code, doc, _ = run(tmp_path, "broken.xml", "<newsItem><rightsInfo>All rights reserved</newsItem>")
    assert_unreadable(code, doc)


@needs(".json")
@pytest.mark.parametrize("data", ['"just a string"', "42", "null", "[1, 2, 3]", '{"body": "unterminated',
                                  "[" * 100_000 + "]" * 100_000])
def test_json_that_is_not_an_object_is_unreadable(tmp_path, data):
    code, doc, text = run(tmp_path, "export.json", data)
    assert_unreadable(code, doc)
    assert "Traceback" not in text


@needs(".json")
def test_a_cms_export_missing_the_configured_fields_is_unreadable(tmp_path):
    code, doc, _ = run(tmp_path, "export.json", '{"id": 1017, "slug": "ministers-agree", "published": true}')
    assert_unreadable(code, doc)
    assert "field" in doc["error"]
