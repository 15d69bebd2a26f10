"""Creative Commons wording in the languages of the notice packs maps to one SPDX id."""
from __future__ import annotations

import pytest

from compliance.license import cc_license_id, license_url

WORDINGS = {
    "CC BY 2.5": "CC-BY-2.5",
    "CC BY-NC-SA 3.0": "CC-BY-NC-SA-3.0",
    "CC0 1.0 Universal": "CC0-1.0",
    "Creative Commons Attribution-NoDerivatives 4.0 International": "CC-BY-ND-4.0",
    "Creative Commons Atribución-NoComercial-SinDerivadas 4.0 Internacional": "CC-BY-NC-ND-4.0",
    "Creative Commons Reconocimiento-CompartirIgual 3.0 España": "CC-BY-SA-3.0",
    "Creative Commons Atribuição-NãoComercial-SemDerivações 4.0 Internacional": "CC-BY-NC-ND-4.0",
    "Creative Commons Namensnennung - Weitergabe unter gleichen Bedingungen 3.0": "CC-BY-SA-3.0",
    "Creative Commons Attribution - Pas d’Utilisation Commerciale - Partage dans les Mêmes Conditions 4.0":
        "CC-BY-NC-SA-4.0",
    "Creative Commons Attribuzione - Non commerciale - Non opere derivate 4.0 Internazionale": "CC-BY-NC-ND-4.0",
    "Creative Commons Atıf-GayriTicari-AynıLisanslaPaylaş 4.0 Uluslararası": "CC-BY-NC-SA-4.0",
    "CREATIVE COMMONS ATIF-TÜRETİLEMEZ 4.0": "CC-BY-ND-4.0",
    "Creative Commons «Атрибуция — Некоммерческое использование — Без производных произведений» 4.0":
        "CC-BY-NC-ND-4.0",
    "Creative Commons «Із зазначенням авторства — Поширення на тих самих умовах» 4.0 Міжнародна": "CC-BY-SA-4.0",
    "Creative Commons Uznanie autorstwa - Użycie niekomercyjne - Bez utworów zależnych 4.0": "CC-BY-NC-ND-4.0",
    "Creative Commons Naamsvermelding-NietCommercieel-GelijkDelen 4.0 Internationaal": "CC-BY-NC-SA-4.0",
    "Creative Commons Atribusi-NonKomersial-TanpaTurunan 4.0 Internasional": "CC-BY-NC-ND-4.0",
    "رخصة المشاع الإبداعي نسب المصنف - غير تجاري - الترخيص بالمثل 4.0 دولي": "CC-BY-NC-SA-4.0",
    "مجوز کریتیو کامنز انتساب-اشتراک‌یکسان ۳٫۰": "CC-BY-SA-3.0",
    "クリエイティブ・コモンズ 表示 - 非営利 - 改変禁止 4.0 国際 ライセンス": "CC-BY-NC-ND-4.0",
    "크리에이티브 커먼즈 저작자표시-비영리-동일조건변경허락 4.0 국제 라이선스": "CC-BY-NC-SA-4.0",
    "知识共享署名-非商业性使用-相同方式共享 4.0 国际许可协议": "CC-BY-NC-SA-4.0",
    "知識共享 姓名標示-非商業性-相同方式分享 3.0 台灣": "CC-BY-NC-SA-3.0",
    "크리에이티브 커먼즈 저작자 표시-변경 금지 4.0": "CC-BY-ND-4.0",
}


@pytest.mark.parametrize("wording, spdx", WORDINGS.items())
def test_localised_creative_commons_names_map_to_spdx(wording, spdx):
    assert cc_license_id(wording) == spdx


@pytest.mark.parametrize("wording", ["Creative Commons is a nonprofit organisation",
                                     "Creative Commons NonCommercial 4.0"])  # no BY: not a CC licence
def test_wording_without_a_licence_names_none(wording):
    assert cc_license_id(wording) is None


def test_licence_urls_keep_the_version():
    assert license_url("CC-BY-SA-2.5") == "https://creativecommons.org/licenses/by-sa/2.5/"
    assert license_url("CC0-1.0") == "https://creativecommons.org/publicdomain/zero/1.0/"
