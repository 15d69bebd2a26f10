"""The CMS examples in examples/cms run and decide as the README says."""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import types
from dataclasses import dataclass

from .conftest import AGENCY_PAGE, EXAMPLES

CMS = EXAMPLES / "cms"


def test_publish_hook_blocks_the_denied_article_and_names_credits():
    out = subprocess.run([sys.executable, str(CMS / "publish_hook.py")], capture_output=True, text=True, timeout=60)
    assert out.returncode == 1, out.stderr
    lines = dict(line.split(": ", 1) for line in out.stdout.splitlines())
    assert lines["aa-subscribed.txt"] == "OK to publish (credit: Anadolu Ajansı (AA))"
    assert lines["ilkha-legal-warning.txt"].startswith("Cannot publish: İlke Haber Ajansı reserves this copy")
    assert lines["staff-city-council.txt"].startswith("Needs an editor's confirmation: no source")
    one = [sys.executable, str(CMS / "publish_hook.py"), str(EXAMPLES / "content" / "aa-subscribed.txt")]
    ok = subprocess.run(one, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0


@dataclass
class Page:
    pk: int
    title: str
    body: str
    full_url: str = "https://news.example/a"

    @property
    def specific(self):
        return self


def _wagtail_hooks(monkeypatch, sent: list):
    """Import examples/cms/wagtail_hooks.py with stand-ins for the Django and Wagtail names it uses."""
    registered = {}

    def record(level: str):
        return lambda request, text: sent.append((level, text))

    stand_ins = {
        "wagtail": types.ModuleType("wagtail"),
        "django": types.ModuleType("django"), "django.contrib": types.ModuleType("django.contrib"),
        "django.utils": types.ModuleType("django.utils"),
        "django.utils.html": types.SimpleNamespace(strip_tags=lambda html: re.sub(r"<[^>]+>", "", html)),
        "django.shortcuts": types.SimpleNamespace(
            redirect=lambda name, *args: types.SimpleNamespace(status_code=302, target=(name, *args))),
    }
    stand_ins["wagtail"].hooks = types.SimpleNamespace(register=lambda name: lambda fn: registered.setdefault(name, fn))
    stand_ins["django.contrib"].messages = types.SimpleNamespace(
        error=record("error"), warning=record("warning"), info=record("info"))
    for name, module in stand_ins.items():
        monkeypatch.setitem(sys.modules, name, module)
    spec = importlib.util.spec_from_file_location("wagtail_hooks", CMS / "wagtail_hooks.py")
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    return registered["before_publish_page"]


def test_wagtail_hook_redirects_on_deny_and_lets_the_rest_publish(monkeypatch):
    sent: list = []
    hook = _wagtail_hooks(monkeypatch, sent)
    title, body = AGENCY_PAGE.split("\n", 1)
    denied = hook(object(), Page(7, title, "".join(f"<p>{line}</p>\n" for line in body.splitlines())))
    assert (denied.status_code, denied.target) == (302, ("wagtailadmin_pages:edit", 7))
    assert sent[0][0] == "error" and "written contract or subscription" in sent[0][1]
    sent.clear()
    assert hook(object(), Page(8, "Cycle lanes", "<p>The council voted on Monday.</p>")) is None
    assert [level for level, _ in sent] == ["warning"]
