"""The human reports `compliance audit` writes, as an editor (or an attacker's article) would meet them."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from compliance import Checker
from compliance.cli import main
from compliance.report.render import TEMPLATE_SCHEMA, builtin_templates_dir, template_data
from compliance.report.templates import csp_hash
from compliance.report.spool import Spool

from .conftest import AGENCY_PAGE, CONTENT, EXAMPLES

CONFIG = str(EXAMPLES / "compliance.yaml")
OUTPUTS = ["report.json", "permission.html", "permission.md", "attribution.html", "attribution.md", "ATTRIBUTION.txt"]
HOSTILE = AGENCY_PAGE.replace(
    "said. (ILKHA)", 'said. <script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> (ILKHA)'
).replace("LEGAL WARNING:", 'LEGAL WARNING <svg onload="window.pwned = 3">:')


def audit(runner, out, *args, exit_code=1):
    result = runner.invoke(main, ["audit", "--config", CONFIG, *args, "-o", str(out)])
    assert result.exit_code == exit_code, result.output
    return result


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of every script."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


@pytest.fixture(scope="module")
def examples_out(tmp_path_factory):
    from click.testing import CliRunner
    out = tmp_path_factory.mktemp("audit")
    audit(CliRunner(), out, str(CONTENT))
    return out


def test_audit_writes_every_report(examples_out):
    for name in OUTPUTS:
        assert (examples_out / name).stat().st_size > 0, name


def test_permission_html_summary_matches_the_json(examples_out):
    report = json.loads((examples_out / "report.json").read_text())
    html = (examples_out / "permission.html").read_text()
    for verdict in ("allow", "review", "deny"):
        assert f'data-summary="{verdict}">{report["summary"][verdict]}<' in html
    assert html.count("<article ") == report["summary"]["documents"]
    assert 'data-source-count="ilkha">1<' in html and 'data-source-count="none">4<' in html


def test_permission_html_says_what_to_do_and_shows_evidence_in_context(examples_out):
    html = (examples_out / "permission.html").read_text()
    ilkha = html[html.index('<article class="doc deny"'):]
    ilkha = ilkha[:ilkha.index("</article>")]
    assert "Do not publish this copy as it stands." in ilkha
    assert 'Get a written contract or subscription from <strong>İlke Haber Ajansı</strong>: <a href="https://ilkha.com">' in ilkha
    assert "development banks. (<mark>ILKHA</mark>)" in ilkha
    assert "line 7, col 132" in ilkha
    assert "Lines 9, 10, 11" in ilkha  # the trailing teasers
    aa = html[html.index('id="doc-1"'):]
    aa = aa[:aa.index("</article>")]
    assert "your subscription with Anadolu Ajansı" in aa
    assert '<span class="credit-line">Anadolu Ajansı (AA)</span>' in aa


def test_permission_html_is_self_contained_and_only_its_own_script_may_run(examples_out):
    html = (examples_out / "permission.html").read_text()
    parsed = Tags(html)
    assert not [a for t, a in parsed.tags if t in ("link", "img", "iframe") or (t == "script" and "src" in a)]
    assert not re.search(r"(src|href)=\"(https?:)?//", html.split("<main>")[0])  # nothing fetched from a network
    [script] = parsed.scripts
    csp = next(a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert f"script-src '{csp_hash(script)}'" in csp and "default-src 'none'" in csp
    assert "@media print" in html


def test_document_text_cannot_run_anything_in_the_html_report(runner, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (folder / "<img src=x onerror=alert(1)>.txt").write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "out"
    audit(runner, out, str(folder))
    for name in ("permission.html", "attribution.html"):
        html = (out / name).read_text()
        parsed = Tags(html)
        assert [t for t, _ in parsed.tags if t in ("img", "svg") and _.get("onload", _.get("onerror"))] == []
        assert not [a for _, attrs in parsed.tags for a in attrs if a.startswith("on")], name
        assert len(parsed.scripts) <= 1 and all("pwned" not in s for s in parsed.scripts)
    html = (out / "permission.html").read_text()
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;&lt;img src=x onerror=&#34;window.pwned = 2&#34;&gt;" in html
    markdown = (out / "permission.md").read_text()
    assert "<script>" not in markdown and "\\<script\\>" in markdown


def test_markdown_reports_escape_document_text(runner, tmp_path):
    page = tmp_path / "a`b.txt"
    page.write_text(AGENCY_PAGE.replace("(ILKHA)", "*[link](javascript:x)* | (ILKHA)"), encoding="utf-8")
    audit(runner, tmp_path / "out", str(page))
    markdown = (tmp_path / "out" / "permission.md").read_text()
    assert "``" + str(page) + "``" in markdown  # a code span that survives the backtick
    assert "\\*\\[link\\](javascript:x)\\* \\| (**ILKHA**)" in markdown


def test_attribution_reports_credit_lines_licences_and_what_is_not_covered(examples_out):
    text = (examples_out / "ATTRIBUTION.txt").read_text()
    assert "Anadolu Ajansı\n--------------\nCredit line: Anadolu Ajansı (AA)\n" in text
    cc = text[text.index("Creative Commons material"):]
    assert cc.index("CC-BY-4.0 <https://creativecommons.org/licenses/by/4.0/>") < cc.index("Covers:")
    public_domain = text[text.index("Public-domain material"):text.index("PER DOCUMENT")]
    assert "CC-BY" not in public_domain  # each notice's own terms, never a neighbour's licence
    per_document = text[text.index("PER DOCUMENT"):text.index("NOT COVERED")]
    assert f"{CONTENT / 'aa-subscribed.txt'}\n  Anadolu Ajansı (AA)\n" in per_document
    assert str(CONTENT / "ilkha-legal-warning.txt") not in per_document
    assert str(CONTENT / "ilkha-legal-warning.txt") in text[text.index("NOT COVERED"):]
    html = (examples_out / "attribution.html").read_text()
    assert '<a href="https://creativecommons.org/licenses/by/4.0/">' in html
    markdown = (examples_out / "attribution.md").read_text()
    assert "- Credit line: **Anadolu Ajansı \\(AA\\)**" in markdown or "- Credit line: **Anadolu Ajansı (AA)**" in markdown


def test_user_templates_override_builtins_by_name(runner, tmp_path):
    mine = tmp_path / "templates"
    mine.mkdir()
    (mine / "permission.md.j2").write_text(
        "{{ schema }}: {{ report.summary.deny }} denied of {{ report.summary.documents }}\n"
        "{% for doc in report.documents %}{{ doc.path }} {{ doc.verdict }}\n{% endfor %}", encoding="utf-8")
    out = tmp_path / "out"
    audit(runner, out, "--template", str(mine), str(CONTENT))
    lines = (out / "permission.md").read_text().splitlines()
    assert lines[0] == f"{TEMPLATE_SCHEMA}: 1 denied of 6"
    assert lines[3] == f"{CONTENT / 'ilkha-legal-warning.txt'} deny"
    assert (out / "permission.html").read_text().startswith("<!doctype html>")  # the others stay built in


def test_a_user_template_runs_sandboxed_and_errors_name_file_and_line(runner, tmp_path):
    mine = tmp_path / "templates"
    mine.mkdir()
    (mine / "attribution.md.j2").write_text("ok\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    result = audit(runner, tmp_path / "out", "--template", str(mine), str(CONTENT), exit_code=2)
    assert f"{mine / 'attribution.md.j2'}:2: template error" in result.output
    assert "Traceback" not in result.output
    (mine / "attribution.md.j2").write_text("{% for x in %}\n")
    result = audit(runner, tmp_path / "out", "--template", str(mine), str(CONTENT), exit_code=2)
    assert f"{mine / 'attribution.md.j2'}:1: template error" in result.output
    (mine / "attribution.md.j2").write_text("\n\n{{ report.summary.deny / 0 }}\n")
    result = audit(runner, tmp_path / "out", "--template", str(mine), str(CONTENT), exit_code=2)
    assert f"{mine / 'attribution.md.j2'}:3: template error: ZeroDivisionError" in result.output
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_missing_template_folder_is_a_usage_error(runner, tmp_path):
    result = audit(runner, tmp_path / "out", "--template", str(tmp_path / "nope"), str(CONTENT), exit_code=2)
    assert "nope" in result.output


def test_template_data_is_versioned_and_every_key_is_documented():
    checker = Checker()
    with Spool() as spool:
        for result in checker.check_paths([CONTENT]).documents:
            spool.add(result)
        data = template_data(spool.report(checker.waivers), checker)
    assert data["schema"] == TEMPLATE_SCHEMA
    readme = (builtin_templates_dir() / "README.md").read_text()
    assert TEMPLATE_SCHEMA in readme
    for key in data:
        assert f"`{key}`" in readme, key
    for key in data["attribution"]:
        assert f"`{key}`" in readme, key
    for key in next(iter(data["sources"].values())):
        assert f"`{key}`" in readme, key


def test_evidence_context_is_the_findings_own_line_cut_at_words(checker):
    long_line = " ".join(f"word{i}" for i in range(60))
    text = f"Headline\n\n{long_line} (ILKHA) {long_line}\nLEGAL WARNING: All rights reserved.\n"
    result = checker.check_text(text)
    tag = next(f for f in result.findings if f.text == "ILKHA")
    before, after = tag.context.before, tag.context.after
    assert before.startswith("…word") and before.endswith("word59 (") and len(before) <= 81
    assert after.startswith(") word0 word1") and after.endswith("…") and len(after) <= 81
    assert f"{before[1:]}ILKHA{after[:-1]}" in text  # nothing but the cut marks is added
    short = checker.check_text("ANKARA (AA) - Officials met.").findings[0]
    assert (short.context.before, short.text, short.context.after) == ("ANKARA (", "AA", ") - Officials met.")


def test_audit_output_is_the_same_on_every_run(runner, tmp_path):
    audit(runner, tmp_path / "a", str(CONTENT))
    audit(runner, tmp_path / "b", str(CONTENT))
    for name in OUTPUTS:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


@pytest.mark.parametrize("expires, as_of, expected", [
    ("2026-12-10", "2026-12-01", '<p class="warning">'),  # allowed, and the report warns it runs out
    ("2026-11-30", "2026-12-01", "Renew your subscription with <strong>Anadolu Ajansı</strong> (it expired on 2026-11-30)"),
])
def test_agreements_show_as_warnings_or_remedies(runner, tmp_path, expires, as_of, expected):
    config = tmp_path / "compliance.yaml"
    config.write_text(f"agreements:\n  - source: aa\n    kind: subscription\n    expires: {expires}\n")
    out = tmp_path / "out"
    result = runner.invoke(main, ["audit", "--config", str(config), "--as-of", as_of,
                                  str(CONTENT / "aa-subscribed.txt"), "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    html = (out / "permission.html").read_text()
    assert expected in html
    if "warning" in expected:
        assert "expires on 2026-12-10 (9 days)" in html and "valid until 2026-12-10" in html


def test_the_html_report_has_a_label_for_every_kind_of_finding_and_notice():
    """A finding of a kind the labels miss would stop the HTML report with a template error."""
    from typing import get_args

    from compliance.models import FindingKind, NoticeType
    from compliance.report.templates import environment

    macros = environment([builtin_templates_dir()]).get_template("_macros.html.j2").module
    assert set(get_args(FindingKind)) <= set(macros.FINDING_LABEL)
    assert set(get_args(NoticeType)) <= set(macros.NOTICE_LABEL)


def test_a_metadata_conflict_shows_in_the_html_report(runner, tmp_path):
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"title": "Talks", "body": "ANKARA (AA) - Talks began on Monday.",
                                  "source": "AFP"}), encoding="utf-8")
    result = runner.invoke(main, ["audit", str(export), "-o", str(tmp_path / "out")])
    assert result.exit_code in (0, 1), result.output
    assert "metadata that contradicts the text" in (tmp_path / "out" / "permission.html").read_text("utf-8")
