"""Open licences named in notices: Creative Commons wording -> SPDX id -> implied terms."""
from __future__ import annotations

import regex

from .models import Terms

_VERSION = regex.compile(r"\b([1-4])\.0\b")
_ELEMENTS = (
    ("BY", regex.compile(r"\bby\b|attribution|atribuci[oó]n|atribui[cç][aã]o|namensnennung|paternit[aà]", regex.I)),
    ("NC", regex.compile(r"\bnc\b|non-?commercial|no\s?comercial|n[aã]o\s?comercial|nicht-?kommerziell|pas d.utilisation commerciale|non commerciale", regex.I)),
    ("ND", regex.compile(r"\bnd\b|no-?deriv|sin\s?obra|sem\s?deriva|keine bearbeitung|pas de modification|non opere derivate", regex.I)),
    ("SA", regex.compile(r"\bsa\b|share-?alike|compartir\s?igual|compartilha\s?igual|weitergabe unter gleichen|partage dans les m[eê]mes|condividi allo stesso", regex.I)),
)
_CODES = {"BY", "NC", "ND", "SA"}
_ZERO = regex.compile(r"\bcc0\b|cc\s?zero|publicdomain/zero", regex.I)


def cc_license_id(text: str) -> str | None:
    """The SPDX id of the Creative Commons licence a notice names (``CC-BY-NC-4.0``), if any."""
    if _ZERO.search(text):
        return "CC0-1.0"
    elements = [code for code, rx in _ELEMENTS if rx.search(text)]
    if "BY" not in elements:
        return None
    version = _VERSION.search(text)
    return "CC-" + "-".join(elements) + "-" + (f"{version.group(1)}.0" if version else "4.0")


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
