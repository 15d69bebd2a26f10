"""Open licences named in notices: Creative Commons wording -> SPDX id -> implied terms."""
from __future__ import annotations

import functools

import regex

from .models import Terms
from .text import fold, fold_pattern

_VERSION = regex.compile(r"(?<![\d.])([1-4]\.0|2\.5)(?!\d|\.\d)")
# The licence elements as Creative Commons names them in its official translations, in lower
# case; words and notice are both folded (diacritics and letter variants: see ``text.fold``).
_ELEMENT_WORDS = {
    "BY": [r"\bby\b", "attribution", "atribucion", "reconocimiento", "atribuicao", "namensnennung",
           "attribuzione", "paternita", r"\batif\b", "naamsvermelding", "uznanie autorstwa", "atribusi",
           "атрибуция", r"указани\w* авторства", r"зазначення\w* авторства", "نسب المصنف", "انتساب",
           "表示", r"저작자\s?표시", "署名", "姓名標示", "姓名标示"],
    "NC": [r"\bnc\b", r"non-?commercial", r"no\s?comercial", r"nao\s?comercial", r"nicht[- ]?kommerziell",
           "pas d.utilisation commerciale", "non commerciale", r"gayri\s?ticari", r"niet[- ]?commercieel",
           "uzycie niekomercyjne", r"non\s?komersial", "некоммерческое", "некомерційн", r"غیر\s?تجاری",
           "非営利", "비영리", "非商业", "非商業"],
    "ND": [r"\bnd\b", r"no-?deriv", r"sin\s?obra", r"sin\s?derivadas", r"sem\s?deriva", r"keine\s?bearbeitung",
           "pas de modification", "non opere derivate", "turetilemez", r"geen\s?afgeleide", "bez utworow zaleznych",
           r"tanpa\s?turunan", "без производных", "без похідних", "منع الاشتقاق", "بدون اشتقاق",
           "改変禁止", r"변경\s?금지", "禁止演绎", "禁止演繹", "禁止改作"],
    "SA": [r"\bsa\b", r"share-?alike", r"compartir\s?igual", r"compartilha\s?igual", "weitergabe unter gleichen",
           "partage dans les memes", "condividi allo stesso", r"ayni\s?lisansla\s?paylas", r"gelijk\s?delen",
           "na tych samych warunkach", r"berbagi\s?serupa", "с сохранением условий", "на тих самих умовах",
           "الترخیص بالمثل", r"اشتراک\s?یکسان", "継承", r"동일\s?조건\s?변경\s?허락", "相同方式共享", "相同方式分享"],
}
_CODES = set(_ELEMENT_WORDS)
# Persian and Arabic-Indic digits and decimal separator, for versions written "۴٫۰".
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫", "01234567890123456789.")
_ZERO = regex.compile(r"\bcc0\b|cc\s?zero|publicdomain/zero")


@functools.cache
def _elements() -> tuple[tuple[str, regex.Pattern[str]], ...]:
    """The elements' patterns, compiled when the first licence is read rather than as every run starts (10 ms)."""
    return tuple((code, regex.compile(fold_pattern("|".join(words)))) for code, words in _ELEMENT_WORDS.items())


def cc_license_id(text: str) -> str | None:
    """The SPDX id of the Creative Commons licence a notice names (``CC-BY-NC-4.0``), if any."""
    text = fold(text).translate(_DIGITS)
    if _ZERO.search(text):
        return "CC0-1.0"
    elements = [code for code, rx in _elements() if rx.search(text)]
    if "BY" not in elements:
        return None
    version = _VERSION.search(text)
    return "CC-" + "-".join(elements) + "-" + (version.group(1) if version else "4.0")


def license_url(spdx: str) -> str | None:
    if spdx == "CC0-1.0":
        return "https://creativecommons.org/publicdomain/zero/1.0/"
    parts = spdx.split("-")
    if parts[0] != "CC" or len(parts) < 3:
        return None
    elements = [p.lower() for p in parts[1:] if p in _CODES]
    version = next((p for p in parts if _VERSION.fullmatch(p)), "4.0")
    return f"https://creativecommons.org/licenses/{'-'.join(elements)}/{version}/"


def license_terms(spdx: str) -> Terms:
    """The terms a licence grants, in the policy vocabulary."""
    if spdx == "CC0-1.0":
        return Terms(public_domain=True, license=spdx, permits=frozenset({"reproduce", "distribute", "modify"}))
    elements = set(spdx.split("-")) & _CODES
    permits = {"reproduce", "distribute", "excerpt", "display"}
    prohibits, duties, constraints = set(), {"attribute", "link_license"}, set()
    if "ND" in elements:
        prohibits |= {"modify", "translate"}
        constraints.add("no_derivatives")
    else:
        permits |= {"modify", "translate"}
    if "NC" in elements:
        prohibits.add("commercial_use")
        constraints.add("non_commercial")
    if "SA" in elements:
        duties.add("share_alike")
    return Terms(license=spdx, permits=frozenset(permits), prohibits=frozenset(prohibits),
                 duties=frozenset(duties), constraints=frozenset(constraints))
