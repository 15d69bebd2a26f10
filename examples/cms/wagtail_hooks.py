"""A Wagtail ``before_publish_page`` hook that blocks publishing a page the checker denies.

Documentation-grade: this is the ``wagtail_hooks.py`` of a Wagtail app, written
against Wagtail's hook API, but Wagtail and Django are not dependencies of this
project and are not installed here. The tests import it with small stand-ins
for the four Django/Wagtail names it uses (``hooks.register``, ``messages``,
``redirect``, ``strip_tags``), so its logic runs; in a real site it runs as is.

Wagtail calls ``before_publish_page(request, page)`` before publishing; when a
hook returns a response, Wagtail sends it and does not publish. ``deny`` blocks
with an error message, ``review`` publishes with a warning (the editor chose
to publish), ``allow`` names the credits the page must carry.
"""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.html import strip_tags
from wagtail import hooks

from compliance import Checker

# Built once when Django loads the app; shared by every request thread.
# Use Checker.from_config(load_config(path)) to apply your agreements.
CHECKER = Checker()


def page_text(page) -> str:
    """What readers will see: the title and the body without markup (adapt to your page models)."""
    specific = page.specific
    return f"{page.title}\n\n{strip_tags(str(getattr(specific, 'body', '')))}"


@hooks.register("before_publish_page")
def check_before_publish(request, page):
    specific = page.specific
    metadata = {"url": page.full_url, "content_type": type(specific).__name__,
                "byline": getattr(specific, "byline", None), "source": getattr(specific, "source", None)}
    result = CHECKER.check_text(page_text(page), path=f"page:{page.pk}",
                                metadata={k: v for k, v in metadata.items() if v})
    why = result.reasons[0].message if result.reasons else ""
    if result.verdict == "deny":
        messages.error(request, f"Not published: {why}")
        return redirect("wagtailadmin_pages:edit", page.pk)
    if result.verdict == "review":
        messages.warning(request, f"Published, but check it: {why}")
    credits = [d.text for d in result.duties if d.type == "attribute"]
    if credits:
        messages.info(request, f"Credit required: {', '.join(credits)}")
    return None
