"""Rendering templates in jinja2's sandbox; HTML templates escape everything they print."""
from __future__ import annotations

import base64
import hashlib
import itertools
import re
from pathlib import Path
from typing import Iterable, Iterator

import jinja2
from jinja2.environment import TemplateModule
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace

from ..errors import UserError

# A template yields hundreds of pieces per document, each too small to write alone.
PIECES_PER_WRITE = 4096
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_SPACES = re.compile(r"\s+")
_BACKTICKS = re.compile(r"`+")


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with two shortcuts that give what its checks would:
    - the report data is plain dicts: ``doc.verdict`` names an item, since a dict has no such
      attribute, so it is looked up as one without first raising and catching an AttributeError
      (a third of the rendering time);
    - on jinja2's own template objects (``m.badge``, ``loop.index``, ``ns.seen``) every public
      attribute is there for templates, which the sandbox would check name by name (a tenth)."""

    def getattr(self, obj: object, attribute: str) -> object:
        kind = type(obj)
        if kind is dict and attribute in obj and attribute not in _DICT_ATTRIBUTES:
            return obj[attribute]
        if kind in _TEMPLATE_OBJECTS and not attribute.startswith("_"):
            try:
                return getattr(obj, attribute)
            except AttributeError:  # the sandbox gives undefined
                pass
        return super().getattr(obj, attribute)


_DICT_ATTRIBUTES = frozenset(dir(dict))
_TEMPLATE_OBJECTS = frozenset({TemplateModule, LoopContext, Namespace})


def environment(template_dirs: Iterable[Path]) -> jinja2.Environment:
    """Templates from the first folder that has each name (a user's before the built-in ones), all run
    sandboxed (no Python internals, no changing the data they are given), HTML autoescaped."""
    loader = jinja2.FileSystemLoader(list(map(str, template_dirs)))
    env = _Sandbox(loader=loader, autoescape=jinja2.select_autoescape(["html", "html.j2"]),
                  trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                  undefined=jinja2.StrictUndefined)
    env.filters.update(md=markdown_text, md_code=markdown_code, csp_hash=csp_hash)
    return env


def render_template(env: jinja2.Environment, name: str, data: dict) -> Iterator[str]:
    """Render one template a stretch at a time; a broken one is a user error naming its file and line."""
    try:
        pieces = env.get_template(name).generate(**data)
        while stretch := list(itertools.islice(pieces, PIECES_PER_WRITE)):
            yield "".join(stretch)
    except jinja2.TemplateSyntaxError as exc:
        raise UserError(f"template error: {exc.message}", exc.filename or name, exc.lineno) from None
    except Exception as exc:  # noqa: BLE001 - anything a template does wrong (1/0 included) is the template's error
        path, line = _template_frame(exc, name)
        message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message \
            else f"{type(exc).__name__}: {exc}"
        raise UserError(f"template error: {message}", path, line) from None


def _template_frame(exc: Exception, name: str) -> tuple[str, int | None]:
    """The innermost template file and line in a rendering traceback (jinja2 rewrites frames to them)."""
    where: tuple[str, int | None] = (name, None)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            where = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return where


def markdown_text(text: object) -> str:
    """Document text made inert in Markdown: no markup, no HTML, one line."""
    return _MD_SPECIAL.sub(r"\\\1", _SPACES.sub(" ", str(text)))


def markdown_code(text: object) -> str:
    """A code span that holds any text, backticks included."""
    text = " ".join(str(text).split())
    fence = "`" * (max(map(len, _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def csp_hash(script: object) -> str:
    """The Content-Security-Policy hash of an inline script, so only that script may run."""
    return "sha256-" + base64.b64encode(hashlib.sha256(str(script).encode("utf-8")).digest()).decode("ascii")
