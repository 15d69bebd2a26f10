"""A NewsML-G2 (IPTC) news item or message: headline and body, with the item's rights.

Read per ``newsItem``: the headline, the body (``inlineXML`` as XHTML, or
``inlineData`` as plain text), ``rightsInfo`` (``copyrightHolder``,
``copyrightNotice``, ``usageTerms``), ``creditline``, ``by``, ``provider``
and ``infoSource`` (declared sources), ``pubStatus`` and ``embargoed``.
Rights of a picture or video item are its own (``photo_*``, ``video_*`` keys).

Parsed safely: a DOCTYPE or entity declaration is refused outright (NewsML
needs none, and they are how entity bombs and local-file reads get in); the
parser itself neither expands entities nor loads DTDs nor uses the network.
"""
from __future__ import annotations

import re

from lxml import etree

from ..document import Document, SourceMap
from ..errors import UserError
from .encoding import decode
from .markup import Aligner, MetadataReader, TextBuilder, extract, local_name
from .settings import InputSettings

_DECLARED = re.compile(rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
_DTD = re.compile(r"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
ROOTS = {"newsitem", "newsmessage", "packageitem"}
SUBJECT = {"picture": "photo_", "graphic": "photo_", "video": "video_"}
RIGHTS = {"copyrightholder": "copyright_holder", "copyrightnotice": "copyright_notice", "usageterms": "usage_terms"}
ITEM_META = {"creditline": "credit", "by": "author", "provider": "source", "infosource": "source",
             "pubstatus": "pub_status", "embargoed": "embargoed"}


def load(data: bytes, path: str, settings: InputSettings) -> Document:
    declared = _DECLARED.search(data[:512])
    source, encoding = decode(data, path, settings.encodings, declared.group(1).decode("ascii") if declared else None)
    root = parse(source, path)
    aligner, out, meta = Aligner(source), TextBuilder(), MetadataReader(source)
    items = [el for el in root.iter() if local_name(el) == "newsitem"]
    if not items:
        raise UserError("a NewsML-G2 file without a newsItem: nothing to check; not checked", path)
    for item in items:
        _item(item, aligner, out, meta)
    text, offsets = out.result()
    return Document(path=path, text=text, format="newsml", encoding=encoding, metadata=meta.values,
                    metadata_at=meta.at, source_map=SourceMap(source, offsets))


def parse(source: str, path: str) -> etree._Element:
    if _DTD.search(source):
        raise UserError("XML with a DOCTYPE or entity declarations is refused (NewsML-G2 needs none; "
                        "they can expand without bound or read local files): not checked", path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=False, encoding="utf-8")
    try:
        root = etree.fromstring(source.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise UserError(f"invalid XML at line {exc.lineno}: {exc.msg}; not checked", path) from None
    except etree.LxmlError as exc:
        raise UserError(f"cannot parse as XML: {exc}; not checked", path) from None
    if local_name(root) not in ROOTS:
        raise UserError(f"not NewsML-G2 (the root element is <{etree.QName(root).localname}>): not checked", path)
    return root


def _item(item: etree._Element, aligner: Aligner, out: TextBuilder, meta: MetadataReader) -> None:
    """Add one item's text (in document order, as the aligner needs) and its metadata."""
    item_class = next((el.get("qcode") or "" for el in item.iter() if local_name(el) == "itemclass"), "")
    prefix = SUBJECT.get(item_class.rpartition(":")[2].lower(), "")
    for el in item.iter():
        name = local_name(el)
        if name == "headline" and not prefix:
            for node in el.xpath(".//text()"):
                out.add(str(node), aligner.locate(str(node)))
            out.br()
        elif name == "inlinexml":
            for child in el.iterchildren(tag=etree.Element):
                extract(child, aligner, out=out)
        elif name == "inlinedata":
            out.add(el.text or "", aligner.locate(el.text or ""), pre=True)
            out.br()
        elif name in RIGHTS:
            meta.add(prefix + RIGHTS[name], _value(el), el)
        elif name in ITEM_META and (prefix == "" or name == "creditline"):  # a photo's provider is not the story's
            meta.add(prefix + ITEM_META[name], _value(el), el)


def _value(el: etree._Element) -> str:
    """What an element says: its ``name`` child, its text, or its literal / QCode."""
    name = next((c for c in el if local_name(c) == "name"), None)
    text = " ".join("".join((name if name is not None else el).itertext()).split())
    code = el.get("qcode") or el.get("uri") or ""
    return text or el.get("literal") or code.rpartition(":")[2] or code
