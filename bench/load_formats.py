"""How much reading a format costs over plain text: the same article as .txt, .html, .json, .xml
and as windows-1254 text, checked end to end. Prints milliseconds per document and the ratio to
plain UTF-8 text (best of several runs; ratios, not absolute times, are what to compare).

    python bench/load_formats.py [PARAGRAPHS]
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from html import escape
from pathlib import Path

from compliance import Checker

PARAGRAPH = ("Officials said on Monday that the harbour works would end before the summer & that "
             "ferries would run every hour, the port authority's director told reporters.")


def article(paragraphs: int) -> list[str]:
    body = [f"{PARAGRAPH} ({i})" for i in range(paragraphs)]
    return ["Harbour works to end before summer", "İZMİR (AA) - " + body[0], *body[1:],
            "© 2025 Anadolu Ajansı. Tüm hakları saklıdır."]


def files(paragraphs: int) -> dict[str, bytes]:
    lines = article(paragraphs)
    text = "\n".join(lines) + "\n"
    body_html = "".join(f"<p>{escape(line)}</p>\n" for line in lines[1:-1])
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{lines[0]}</title>"
            "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"creditText\": \"AA\"}</script>"
            "</head><body><nav>" + "".join(f"<a href='/s{i}'>Section {i}</a>" for i in range(30)) + "</nav>"
            f"<article><h1>{lines[0]}</h1>\n{body_html}</article>"
            f"<footer><ul><li><a href='/about'>About</a></li></ul><p>{escape(lines[-1])}</p></footer></body></html>")
    export = json.dumps({"headline": lines[0], "source": "AA", "body": body_html + f"<p>{escape(lines[-1])}</p>"})
    item = ("<?xml version='1.0' encoding='UTF-8'?><newsItem xmlns='http://iptc.org/std/nar/2006-10-01/'>"
            f"<rightsInfo><copyrightNotice>{escape(lines[-1])}</copyrightNotice></rightsInfo>"
            f"<contentMeta><headline>{lines[0]}</headline></contentMeta><contentSet>"
            "<inlineXML><html xmlns='http://www.w3.org/1999/xhtml'><body>"
            f"{body_html}</body></html></inlineXML></contentSet></newsItem>")
    return {"text utf-8 (.txt)": text.encode(), "text windows-1254 (.txt)": text.encode("windows-1254"),
            "page (.html)": page.encode(), "CMS export (.json)": export.encode(), "NewsML-G2 (.xml)": item.encode()}


def main() -> None:
    paragraphs = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    checker = Checker()
    suffix = {"txt": ".txt", "html": ".html", "json": ".json", "xml": ".xml"}
    with tempfile.TemporaryDirectory() as tmp:
        timings = {}
        for name, data in files(paragraphs).items():
            path = Path(tmp, "a" + suffix[name.rsplit(".", 1)[1].rstrip(")")])
            path.write_bytes(data)
            verdict = checker.check_path(path).verdict
            best = min(_timed(checker, path) for _ in range(7))
            timings[name] = (best, len(data), verdict)
    base = timings["text utf-8 (.txt)"][0]
    print(f"{paragraphs} paragraphs per article; best of 7 runs")
    for name, (seconds, size, verdict) in timings.items():
        print(f"{name:28} {size / 1024:7.1f} KB {seconds * 1000:8.2f} ms  x{seconds / base:5.2f}  {verdict}")


def _timed(checker: Checker, path: Path) -> float:
    start = time.perf_counter()
    checker.check_path(path)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
