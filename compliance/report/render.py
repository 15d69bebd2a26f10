"""Human reports rendered with jinja2 from ``reports/templates/`` (or a user's override folder)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Iterable

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..models import Report
from ..ruleset import RuleSet
from .attribution import build_attribution

REPORTS = {"permission.md": "permission.md.j2", "attribution.md": "attribution.md.j2"}


def builtin_templates_dir() -> Path:
    installed = Path(__file__).resolve().parent.parent / "_builtin" / "templates"
    return installed if installed.is_dir() else Path(__file__).resolve().parents[2] / "reports" / "templates"


def environment(template_dirs: Iterable[Path] = ()) -> jinja2.Environment:
    """User templates override built-in ones by name; all run sandboxed (no Python internals, no changing
    the data they are given) and autoescape HTML."""
    loader = jinja2.FileSystemLoader([*map(str, template_dirs), str(builtin_templates_dir())])
    return ImmutableSandboxedEnvironment(loader=loader, autoescape=jinja2.select_autoescape(["html", "html.j2"]),
                                         trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                                         undefined=jinja2.StrictUndefined)


def template_data(report: Report, rules: RuleSet) -> dict:
    """The documented, versioned data every template receives."""
    return {
        "report": report.model_dump(mode="json", by_alias=True),
        "attribution": build_attribution(report).model_dump(mode="json"),
        "contacts": {sid: (rules.sources[sid].contact or rules.sources[sid].url or rules.sources[sid].name)
                     for doc in report.documents for sid in (s.id for s in doc.sources)},
    }


def write_reports(report: Report, rules: RuleSet, out_dir: Path, template_dirs: Iterable[Path] = ()) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    env = environment(template_dirs)
    data = template_data(report, rules)
    written = [write_atomic(out_dir / "report.json", report.to_json() + "\n")]
    for name, template in REPORTS.items():
        written.append(write_atomic(out_dir / name, env.get_template(template).render(**data)))
    return written


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
