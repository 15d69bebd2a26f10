"""Human reports rendered with jinja2 from ``reports/templates/`` (or a user's override folder).

Every template receives the same documented, versioned data (``template_data``,
schema ``compliance-templates/1``, described in ``reports/templates/README.md``)
and runs in jinja2's sandbox; HTML templates escape everything they print.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .. import __version__
from ..decide import agreement_status
from ..errors import UserError
from ..models import VERDICT_RANK, Report
from .attribution import build_attribution

if TYPE_CHECKING:
    from ..checker import Checker

TEMPLATE_SCHEMA = "compliance-templates/1"
# Output file -> the template that renders it.
REPORTS = {
    "permission.html": "permission.html.j2",
    "permission.md": "permission.md.j2",
    "attribution.html": "attribution.html.j2",
    "attribution.md": "attribution.md.j2",
    "ATTRIBUTION.txt": "attribution.txt.j2",
}
NO_SOURCE = ("none", "No agency source")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def builtin_templates_dir() -> Path:
    installed = Path(__file__).resolve().parent.parent / "_builtin" / "templates"
    return installed if installed.is_dir() else Path(__file__).resolve().parents[2] / "reports" / "templates"


def environment(template_dirs: Iterable[Path] = ()) -> jinja2.Environment:
    """User templates override built-in ones by name; all run sandboxed (no Python internals, no changing
    the data they are given) and autoescape HTML."""
    loader = jinja2.FileSystemLoader([*map(str, template_dirs), str(builtin_templates_dir())])
    env = ImmutableSandboxedEnvironment(loader=loader, autoescape=jinja2.select_autoescape(["html", "html.j2"]),
                                        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                                        undefined=jinja2.StrictUndefined)
    env.filters.update(md=markdown_text, md_code=markdown_code, csp_hash=csp_hash)
    return env


def template_data(report: Report, checker: Checker) -> dict:
    """The documented, versioned data every template receives (``compliance-templates/1``)."""
    ctx = checker.context
    seen = sorted({s.id for doc in report.documents for s in doc.sources})
    return {
        "schema": TEMPLATE_SCHEMA,
        "tool": {"name": "news-compliance", "version": __version__},
        "as_of": ctx.as_of.isoformat(),
        "report": report.model_dump(mode="json", by_alias=True),
        "attribution": build_attribution(report).model_dump(mode="json"),
        "sources": {sid: _source(checker, sid) for sid in seen},
        "by_source": by_source(report),
        "rules": {p.id: {"verdict": p.verdict, "description": p.description} for p in ctx.rules.policies},
    }


def _source(checker: Checker, sid: str) -> dict:
    src = checker.rules.source(sid)
    status, agreement = agreement_status(checker.context.agreements, sid, checker.context.as_of)
    held = None if agreement is None else {
        "status": status, "kind": agreement.kind, "credit": agreement.credit,
        "starts": agreement.starts and agreement.starts.isoformat(),
        "expires": agreement.expires and agreement.expires.isoformat()}
    return {"id": src.id, "name": src.name, "name_en": src.name_en, "type": src.type, "terms": src.terms,
            "credit": src.credit, "license": src.license, "url": src.url,
            "contact": src.contact or src.url, "agreement": held}


def by_source(report: Report) -> list[dict]:
    """Documents and verdicts per source, most documents first; documents without one count under "none"."""
    rows: dict[str, dict] = {}
    for doc in report.documents:
        for sid, name in [(s.id, s.name) for s in doc.sources] or [NO_SOURCE]:
            row = rows.setdefault(sid, {"id": sid, "name": name, "documents": 0, **dict.fromkeys(VERDICT_RANK, 0)})
            row["documents"] += 1
            row[doc.verdict] += 1
    return sorted(rows.values(), key=lambda r: (r["id"] == NO_SOURCE[0], -r["documents"], r["name"].lower()))


def write_reports(report: Report, checker: Checker, out_dir: Path, template_dirs: Iterable[Path] = ()) -> list[Path]:
    env = environment(template_dirs)
    data = template_data(report, checker)
    # Render every report before writing any, so a broken template leaves no half-written set.
    texts = {"report.json": report.to_json() + "\n",
             **{name: render_template(env, template, data) for name, template in REPORTS.items()}}
    out_dir.mkdir(parents=True, exist_ok=True)
    return [write_atomic(out_dir / name, text) for name, text in texts.items()]


def render_template(env: jinja2.Environment, name: str, data: dict) -> str:
    """Render one template; a broken one is a user error naming its file and line."""
    try:
        return env.get_template(name).render(**data)
    except jinja2.TemplateSyntaxError as exc:
        raise UserError(f"template error: {exc.message}", exc.filename or name, exc.lineno) from None
    except Exception as exc:  # noqa: BLE001 - anything a template does wrong (1/0 included) is the template's error
        path, line = _template_frame(exc, name)
        message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else f"{type(exc).__name__}: {exc}"
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
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", str(text)))


def markdown_code(text: object) -> str:
    """A code span that holds any text, backticks included."""
    text = " ".join(str(text).split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def csp_hash(script: object) -> str:
    """The Content-Security-Policy hash of an inline script, so only that script may run."""
    return "sha256-" + base64.b64encode(hashlib.sha256(str(script).encode("utf-8")).digest()).decode("ascii")


def write_atomic(path: Path, text: str) -> Path:
    """Write to a temporary file beside ``path`` and rename it into place.

    Interrupted at any point, ``path`` is either as it was or wholly new. The file
    gets the usual permissions (the umask applies), unlike ``tempfile``'s private ones.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
