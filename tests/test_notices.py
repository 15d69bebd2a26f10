"""The built-in notice packs, seen from the public API: what a notice means, not just that it matched."""
from __future__ import annotations

import pytest

from compliance.cli import main

# The same words with opposite meaning: reuse is fine WITH the source named (F5) ...
WITH_SOURCE = {
    "en": "This story may be reproduced provided the source is acknowledged.",
    "tr": "Haberlerimiz kaynak gösterilmeden kullanılamaz.",
    "ar": "يمنع نقل المحتوى دون ذكر المصدر.",
    "fa": "کپی‌برداری از مطالب بدون ذکر منبع ممنوع است.",
    "fr": "Reproduction interdite sans mention de la source.",
    "es": "Prohibida su reproducción sin citar la fuente.",
    "pt": "Proibida a reprodução sem citar a fonte.",
    "de": "Nachdruck ohne Quellenangabe verboten.",
    "it": "Vietata la riproduzione senza citare la fonte.",
    "ru": "При использовании материалов ссылка на источник обязательна.",
    "uk": "У разі використання матеріалів посилання на джерело обов'язкове.",
    "pl": "Przedruk bez podania źródła zabroniony.",
    "nl": "Overname zonder bronvermelding verboden.",
    "id": "Dilarang mengutip artikel ini tanpa menyebutkan sumber.",
    "zh": "未注明出处不得转载。",
}
# ... and no reuse EVEN WITH the source named (F3): never read as permission.
EVEN_WITH_SOURCE = {
    "en": "Reproduction is prohibited even if the source is cited.",
    "tr": "Kaynak gösterilse dahi haberlerimiz kullanılamaz.",
    "ar": "يمنع نقل المحتوى حتى مع ذكر المصدر.",
    "fa": "بازنشر مطالب حتی با ذکر منبع ممنوع است.",
    "fr": "Toute reproduction est interdite, même en citant la source.",
    "es": "Queda prohibida la reproducción de nuestras noticias, aun citando la fuente.",
    "pt": "É proibida a reprodução das notícias, mesmo citando a fonte.",
    "de": "Die Übernahme unserer Artikel ist auch mit Quellenangabe nicht gestattet.",
    "it": "È vietata la riproduzione dei nostri articoli, anche citando la fonte.",
    "ru": "Перепечатка материалов запрещена даже со ссылкой на источник.",
    "uk": "Передрук матеріалів заборонено навіть з посиланням на джерело.",
    "pl": "Przedruk artykułów jest zabroniony nawet z podaniem źródła.",
    "nl": "Overname, ook met bronvermelding, is niet toegestaan.",
    "id": "Dilarang mengutip artikel ini, meskipun mencantumkan sumber.",
    "zh": "即使注明出处也不得转载。",
}


@pytest.mark.parametrize("lang", WITH_SOURCE)
def test_negation_pairs_mean_opposite_things(checker, lang):
    allowed = checker.check_text(WITH_SOURCE[lang])
    assert [n.type for n in allowed.notices] == ["attribution_required"]
    assert allowed.verdict == "allow"
    assert [d.type for d in allowed.duties] == ["attribute"]

    reserved = checker.check_text(EVEN_WITH_SOURCE[lang])
    assert reserved.notices and {n.type for n in reserved.notices} == {"no_redistribution"}
    assert "policy.unlinked-reservation" in [r.rule for r in reserved.reasons]
    assert reserved.verdict == "review"


AGENCY_STORY = "ANKARA (AA) - Officials met on Monday to discuss the budget.\n"


@pytest.mark.parametrize("notice, holder", [
    ("© 2025 Anadolu Ajansı. Tüm hakları saklıdır.", "Anadolu Ajansı"),
    ("Copyright © 2025 Anadolu Ajansı. All rights reserved.", "Anadolu Ajansı"),
    ("جميع الحقوق محفوظة لوكالة الأناضول", "وكالة الأناضول"),
    ("© 2025 Anadolu Ajansı. Tous droits réservés.", "Anadolu Ajansı"),
])
def test_reservation_in_any_language_denies_agency_copy(checker, notice, holder):
    result = checker.check_text(AGENCY_STORY + notice + "\n")
    assert result.verdict == "deny"
    assert result.notices[0].source == "aa"
    assert result.notices[0].holder == holder
    assert result.reasons[0].quote == result.notices[0].text


@pytest.mark.parametrize("notice, spdx", [
    ("Este artículo se publica bajo una licencia Creative Commons Atribución 4.0 Internacional.", "CC-BY-4.0"),
    ("Dieser Text steht unter der Lizenz Creative Commons Namensnennung - Nicht kommerziell 4.0.", "CC-BY-NC-4.0"),
    ("本文采用知识共享署名-相同方式共享 4.0 国际许可协议进行许可。", "CC-BY-SA-4.0"),
    ("Матеріал доступний за ліцензією Creative Commons «Із зазначенням авторства» 4.0 Міжнародна.", "CC-BY-4.0"),
])
def test_localised_licence_notice_gives_spdx_and_licence_link(checker, notice, spdx):
    result = checker.check_text("A story about rivers.\n" + notice + "\n")
    assert [n.license for n in result.notices] == [spdx]
    assert result.verdict == "allow"
    assert any(d.type == "link_license" and d.text.startswith(spdx) for d in result.duties)


def test_public_knowledge_is_not_public_domain(checker):
    for text in ("The figures are already in the public domain, the minister said.",
                 "Es de dominio público que el ministro dimitirá.",
                 "È di pubblico dominio che il sindaco si dimetterà."):
        assert checker.check_text(text).notices == []


def test_summary_counts_languages_and_every_example(runner):
    summary = runner.invoke(main, ["rules", "list", "--summary"]).output
    counts = dict(line.split(": ", 1) for line in summary.splitlines())
    rules_part, langs_part = counts["notice rules"].split(" in ")
    languages = int(langs_part.split()[0])
    assert languages >= 12 and int(rules_part) >= languages
    for lang in ("ar", "de", "en", "es", "fa", "fr", "it", "ku", "pt", "ru", "tr", "zh"):
        assert lang in langs_part
    tested = runner.invoke(main, ["rules", "test"]).output.splitlines()[-1]
    passed, failed = (int(x.split()[0]) for x in tested.split(", "))
    assert int(counts["examples"]) == passed + failed
