"""A refused save's text compared with the article as it is now (see ``forms.EditorialForm.check_version``).

The refused form's "Compare" button posts the editor's unsaved values here, in
a new tab: they see what the other save changed before deciding, and the
form, with their text, stays open behind.
"""

import functools

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from taggit.models import Tag

from articles.models import Category, Image

from . import compare
from .forms import last_change

TEXTS = ["title", "slug", "status", "author", "source_name", "source_url", "excerpt", "body"]


def urls(model_admin):
    view = model_admin.admin_site.admin_view(functools.partial(compare_unsaved, model_admin=model_admin))
    return [path("<path:object_id>/compare-unsaved/", view, name="articles_article_compare_unsaved")]


def posted_snapshot(data):
    """A snapshot of what the form posted, read as it is: even a form with errors can be compared."""
    snapshot = {name: data.get(name, "") for name in TEXTS}
    try:
        snapshot["published_at"] = forms.SplitDateTimeField().clean(
            [data.get("published_at_0", ""), data.get("published_at_1", "")]
        )
    except ValidationError:
        snapshot["published_at"] = None
    ids = lambda name: [pk for pk in data.getlist(name) if pk.isdigit()]  # noqa: E731
    snapshot["categories"] = list(Category.objects.filter(pk__in=ids("categories")).values_list("full_name", flat=True))
    snapshot["tags"] = sorted(Tag.objects.filter(pk__in=ids("tags")).values_list("name", flat=True))
    images = Image.objects.in_bulk(ids("head_image") + ids("thumbnail"))
    for name in ("head_image", "thumbnail"):
        pk = data.get(name, "")
        snapshot[name] = str(images[int(pk)]) if pk.isdigit() and int(pk) in images else ""
    return snapshot


@never_cache
@require_POST
def compare_unsaved(request, object_id, model_admin):
    article = model_admin.get_object(request, unquote(object_id))
    if article is None:
        raise Http404
    if not model_admin.has_view_or_change_permission(request, article):
        raise PermissionDenied
    who, when = last_change(article)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Your unsaved version and the current one"),
        "subtitle": article.title,
        "opts": model_admin.opts,
        "original": article,
        "intro": _("Changes from the current version (saved by %(who)s at %(when)s) to the text in your form.")
        % {"who": who, "when": when},
        "rows": compare.changes(compare.snapshot_of_article(article), posted_snapshot(request.POST)),
        "media": compare.media,
    }
    return TemplateResponse(request, "admin/editorial/compare_unsaved.html", context)
