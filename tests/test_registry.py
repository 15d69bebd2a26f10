"""The built-in source registry: its size, its ids, and tags in several scripts resolving end to end."""
from __future__ import annotations

import re

import pytest

from compliance.ruleset import RuleSet

ISSUE_SOURCES = [
    "ap", "reuters", "afp", "aa", "ilkha", "dpa", "efe", "ansa", "xinhua", "irna", "tasnim", "wam", "spa",
    "qna", "kuna", "mena", "tass", "ria", "interfax", "ukrinform", "pap", "pti", "ani", "ians", "yonhap",
    "kyodo", "bernama", "antara", "aap", "cp", "upi", "lusa", "belga", "apa_at", "ntb", "tt", "iha", "dha",
]


@pytest.fixture(scope="module")
def sources():
    return RuleSet.load().sources


def test_registry_covers_the_world(sources):
    assert len(sources) >= 150
    assert {s.country for s in sources.values()} >= {"US", "TR", "IR", "CN", "RU", "KR", "NG", "BR", "AU"}
    assert [sid for sid in ISSUE_SOURCES if sid not in sources] == []


def test_source_ids_are_lowercase_ascii(sources):
    assert [sid for sid in sources if not re.fullmatch(r"[a-z0-9_]+", sid)] == []


@pytest.mark.parametrize(("text", "expected"), [
    ("ANKARA (AA) - Bakanlar pazartesi günü bir araya geldi.", "aa"),
    ("Wien (APA) - Die Regierung hat das Budget beschlossen.", "apa_at"),
    ("افتتح الوزير اليوم مشروعا جديدا للطاقة الشمسية. (واس)", "spa"),
    ("أطلقت الوزارة اليوم برنامجا جديدا للتدريب. (وام)", "wam"),
    ("МОСКВА, 4 октября. /ТАСС/. Переговоры завершились.", "tass"),
    ("(서울=연합뉴스) 홍길동 기자 = 정부는 오늘 새 대책을 발표했다.", "yonhap"),
    ("中新社北京5月6日电 有关部门今天公布了新的交通规划。", "chinanews"),
    ("تهران – ایرنا – وزیر امور خارجه امروز با همتای خود دیدار کرد.", "irna"),
    ("Source: Agence de Presse Sénégalaise", "aps_sn"),
])
def test_tag_forms_resolve_to_their_source(checker, text, expected):
    result = checker.check_text(text)
    assert [s.id for s in result.sources] == [expected]


def test_a_loan_in_persian_is_not_the_emirates_agency(checker):
    result = checker.check_text("او از بانک وام گرفت تا خانه بخرد.")
    assert result.sources == []
