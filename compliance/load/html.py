"""A saved web page: the article's visible text (see ``markup``) plus the rights metadata in the page.

Read from the whole page, not only the article: ``<meta>`` (copyright,
author, ``dcterms.rights``, ``og:site_name``, ``article:author``,
``tdm-reservation``, schema.org ``itemprop``), ``<link rel="license">`` and
``<a rel="license">``, and JSON-LD (schema.org ``copyrightHolder``,
``copyrightNotice``, ``creditText``, ``license``, ``author``, ``publisher``,
``isAccessibleForFree``, ``sourceOrganization``). Statements about an image
or a video in JSON-LD are kept apart (``photo_*``, ``video_*`` keys): an open
licence for the article does not cover an agency photo.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterator

from lxml import etree

from ..document import Document, SourceMap
from ..errors import UserError
from .encoding import decode
from .markup import Aligner, MetadataReader, extract, local_name
from .settings import InputSettings

_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)
# <meta name|property|itemprop> -> metadata key
META = {
    "copyright": "copyright_notice", "rights": "copyright_notice", "dc.rights": "copyright_notice",
    "dcterms.rights": "copyright_notice", "copyrightnotice": "copyright_notice",
    "copyrightholder": "copyright_holder", "credittext": "credit",
    "author": "author", "article:author": "author", "dc.creator": "author", "dcterms.creator": "author",
    "byl": "author",
    "og:site_name": "publisher", "publisher": "publisher", "dc.publisher": "publisher",
    "dcterms.publisher": "publisher", "article:publisher": "publisher",
    "license": "license", "dc.license": "license", "dcterms.license": "license",
    "dc.source": "source", "dcterms.source": "source", "sourceorganization": "source",
    "isaccessibleforfree": "accessible_for_free",
    "tdm-reservation": "tdm_reservation", "tdm-policy": "tdm_policy",
    "og:url": "url", "og:type": "content_type",
}
# schema.org properties -> metadata key (before the subject's prefix)
SCHEMA = {
    "copyrightHolder": "copyright_holder", "copyrightNotice": "copyright_notice", "creditText": "credit",
    "license": "license", "author": "author", "creator": "author", "publisher": "publisher",
    "sourceOrganization": "source", "isAccessibleForFree": "accessible_for_free", "url": "url",
}
PHOTO_TYPES = {"ImageObject", "Photograph", "ImageGallery"}
VIDEO_TYPES = {"VideoObject", "Clip", "MediaObject"}
NOT_WORKS = {"Organization", "NewsMediaOrganization", "Corporation", "Person", "BreadcrumbList", "ListItem",
             "SearchAction", "Place", "PostalAddress", "ContactPoint", "Brand", "Offer", "Rating"}
PROPERTIES_OF = {"": set(SCHEMA), "photo_": set(SCHEMA) - {"url", "isAccessibleForFree", "sourceOrganization"}}
PROPERTIES_OF["video_"] = PROPERTIES_OF["photo_"]


def load(data: bytes, path: str, settings: InputSettings) -> Document:
    declared = _CHARSET.search(data[:1024])
    source, encoding = decode(data, path, settings.encodings, declared.group(1).decode("ascii") if declared else None)
    root = parse(source, path)
    text, offsets = extract(root, Aligner(source), main_of(root)).result()
    meta = PageMetadata(source)
    meta.read(root)
    return Document(path=path, text=text, format="html", encoding=encoding, metadata=meta.values,
                    metadata_at=meta.at, source_map=SourceMap(source, offsets))


def parse(source: str, path: str) -> etree._Element:
    parser = etree.HTMLParser(no_network=True, remove_comments=False, remove_pis=False, huge_tree=False)
    try:
        root = etree.fromstring(source, parser)
    except (etree.LxmlError, ValueError) as exc:
        raise UserError(f"cannot parse as HTML: {exc}; not checked", path) from None
    if root is None:
        raise UserError("an empty HTML page: not checked", path)
    # lxml recovers from broken markup, but after a fatal error (nesting past 256 levels) it drops the rest.
    fatal = next((e for e in parser.error_log if e.level == etree.ErrorLevels.FATAL), None)
    if fatal is not None:
        raise UserError(f"cannot read the whole page (line {fatal.line}: {fatal.message}); not checked", path)
    return root


def main_of(root: etree._Element) -> etree._Element | None:
    """The article: ``<main>`` or ``role=main`` if the page has one, else its longest ``<article>``."""
    mains = [el for el in root.iter() if local_name(el) == "main" or (el.get("role") or "").lower() == "main"]
    if mains:
        return mains[0]
    articles = [el for el in root.iter() if local_name(el) == "article"]
    return max(articles, key=lambda el: len("".join(el.itertext())), default=None)


class PageMetadata(MetadataReader):
    """Rights metadata of a page as ``key -> [values]``, with where each value was read."""

    def read(self, root: etree._Element) -> None:
        for el in root.iter():
            name = local_name(el)
            rel = (el.get("rel") or "").lower().split()
            if name == "meta":
                key = META.get((el.get("name") or el.get("property") or el.get("itemprop") or "").lower())
                if key and el.get("content"):
                    self.add(key, el.get("content"), el)
            elif name in ("link", "a") and el.get("href") and ("license" in rel or el.get("itemprop") == "license"):
                self.add("license", el.get("href"), el)
            elif name == "link" and "canonical" in rel and el.get("href"):
                self.add("url", el.get("href"), el)
            elif name == "script" and (el.get("type") or "").lower() == "application/ld+json":
                self._json_ld(el)

    def _json_ld(self, script: etree._Element) -> None:
        raw = (script.text or "").strip()
        raw = raw.removeprefix("<!--").removesuffix("-->").strip()
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            return  # a broken JSON-LD block says nothing; the visible text is still checked
        for obj in _objects(data):
            prefix = _subject(obj)
            if prefix is None:
                continue
            for prop in (p for p in obj if p in PROPERTIES_OF[prefix]):  # the page's order, not a set's
                for value in _names(obj[prop]):
                    self.add(prefix + SCHEMA[prop], value, script)
            if prefix == "":
                for value in _names(obj.get("@type")):
                    self.add("content_type", value, script)


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object, nested ones and ``@graph`` members included."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            stack.extend(v for v in reversed(list(item.values())) if isinstance(v, (dict, list)))


def _subject(obj: dict[str, Any]) -> str | None:
    """Whose rights an object states: the article's (""), a photo's, a video's, or none (a person...)."""
    types = set(_names(obj.get("@type")))
    if types & PHOTO_TYPES:
        return "photo_"
    if types & VIDEO_TYPES:
        return "video_"
    if not types or types & NOT_WORKS:
        return None
    return ""


def _names(value: Any) -> list[str]:
    """The readable values of a schema.org property: strings, names of things, URLs of licences."""
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    if isinstance(value, dict):
        named = value.get("name") or value.get("legalName") or value.get("url") or value.get("@id")
        return _names(named) if named is not None else []
    if isinstance(value, bool):
        return [str(value).lower()]
    if isinstance(value, (str, int, float)):
        return [str(value)]
    return []
