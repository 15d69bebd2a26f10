"""Unit tests per pipeline stage."""
from __future__ import annotations

from datetime import date

from compliance.decide import agreement_status
from compliance.detect import detect
from compliance.document import Document
from compliance.license import cc_license_id, license_terms
from compliance.models import Agreement
from compliance.ruleset import RuleSet, compiled
from compliance.text import fold


def test_fold_keeps_length_and_merges_turkish_i():
    for s in ["İlke Haber Ajansı", "ILKHA", "İLKHA", "réservés", "جميع الحقوق محفوظة"]:
        assert len(fold(s)) == len(s)
    assert fold("İLKHA") == fold("Ilkha") == fold("ılkha") == "ilkha"
    assert fold("İlke Haber Ajansı") == fold("Ilke Haber Ajansi")


def test_fold_folds_each_character_once_whatever_else_the_text_holds():
    """Every folding character, beside the character it folds to, folds as it would alone."""
    from compliance.text import _TABLE

    for code, folded in _TABLE.items():
        ch = chr(code)
        text = f"{ch} {folded} {folded.upper()} {ch}"
        assert fold(text) == f"{fold(ch)} {fold(folded)} {fold(folded.upper())} {fold(ch)}", ch
    assert fold("ǿ ø ئ ي") == "ø o ي ی"  # once: ǿ loses its accent, not its stroke too


def test_lower_keeps_length_for_every_character_fold_leaves_alone():
    from compliance.text import _TABLE

    assert all(len(chr(c).lower()) == 1 for c in range(0x10000) if c not in _TABLE)


def test_the_word_view_keeps_letters_digits_marks_and_spaces_and_blanks_the_rest():
    """The prefilter's view of a text, whatever its scripts: one space for each other character."""
    import regex

    from compliance.text import word_view

    word = regex.compile(r"[\p{L}\p{N}\p{M} ]")
    for text in ["Ankara (AA) - 3 talks.", "İstanbul'da «görüşme» — 2. tur", "Москва, 5 мая (ТАСС).",
                 "طهران - ایرنا: ۱۴ نفر", "新华社北京5月1日电（记者）", "café\u0301\u00a0\t\nend", "a\ud800b", ""]:
        assert word_view(text) == " " + "".join(c if word.match(c) else " " for c in text) + " ", text


def test_document_positions_are_one_based_code_points():
    doc = Document(path="x", text="ab\nçdé\n(AA)")
    assert doc.position(0) == (1, 1)
    assert doc.position(4) == (2, 2)
    assert doc.position(len("ab\nçdé\n(")) == (3, 2)


def test_detect_finds_dateline_and_ignores_expansion(checker):
    doc = Document(path="x", text="ANKARA (AA) - Talks began.\nDas Auswärtige Amt (AA) teilte mit.\n")
    tags = [f for f in detect(doc, checker.rules).findings if f.kind == "source_tag"]
    assert [(f.text, f.line, f.position) for f in tags] == [("AA", 1, "dateline")]


def test_arabic_closing_tag_resolves(checker):
    doc = Document(path="x", text="وقال المسؤول إن المحادثات ستستمر. (أ ف ب)")
    tags = [f for f in detect(doc, checker.rules).findings if f.kind == "source_tag"]
    assert [(f.text, f.source) for f in tags] == [("أ ف ب", "afp")]


def test_agreement_status_by_date():
    ags = [Agreement(source="ap", starts=date(2025, 1, 1), expires=date(2025, 12, 31))]
    assert agreement_status(ags, "ap", date(2025, 6, 1))[0] == "valid"
    assert agreement_status(ags, "ap", date(2026, 1, 1))[0] == "expired"
    assert agreement_status(ags, "ap", date(2024, 12, 1))[0] == "not_started"
    assert agreement_status(ags, "afp", date(2025, 6, 1))[0] == "none"
    narrow = [Agreement(source="ap", permits=frozenset({"photos"}))]
    assert agreement_status(narrow, "ap", date(2025, 6, 1))[0] == "insufficient"


def test_creative_commons_wording_maps_to_spdx_and_terms():
    assert cc_license_id("Creative Commons Attribution-NoDerivatives 4.0 International") == "CC-BY-ND-4.0"
    assert cc_license_id("CC BY-NC-SA 3.0") == "CC-BY-NC-SA-3.0"
    terms = license_terms("CC-BY-ND-4.0")
    assert "modify" in terms.prohibits and "attribute" in terms.duties


def test_the_prefilter_finds_the_same_before_and_after_it_switches_to_a_dfa(monkeypatch):
    """A run starts with a quick-to-build NFA and builds the faster DFA after ``DFA_AFTER`` documents."""
    monkeypatch.setattr(compiled, "DFA_AFTER", 3)
    rs = RuleSet.load()
    doc = Document(path="x", text="ANKARA (AA) - Talks went on, İLKHA reported.\nKaynak: DHA\n"
                                   "Creative Commons Attribution 4.0 International. (Reuters)")
    runs, automata = [], []
    for _ in range(4):
        runs.append([(f.kind, f.start, f.end, f.source) for f in detect(doc, rs).findings])
        automata.append(rs._automaton)
    assert automata[0] is automata[1] is not automata[2] is automata[3]  # the DFA from the third document
    assert runs[0] == runs[3]
    assert {"aa", "dha", "reuters"} <= {source for *_, source in runs[0]}
