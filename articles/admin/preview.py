"""Previewing an article from the admin form's unsaved values, as readers would see its page.

The form's Preview button posts the form here (in a new tab) instead of to
its own address. The article is built and prepared as a save would prepare
it, its body sanitized by the one policy, but nothing is written: no row, no
history entry, no new content version. The page goes to the editor alone,
never into the page cache, and search engines are told to leave it alone.
"""

import functools

from django.contrib.admin.utils import unquote
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..views import around, article_context, status_text


def urls(model_admin):
    """The preview's addresses, beside the form's: ``<id>/preview/`` for an article, ``preview/`` for a new one."""
    view = functools.partial(preview, model_admin=model_admin)
    info = model_admin.opts.app_label, model_admin.opts.model_name
    return [
        path("preview/", view, name="%s_%s_add_preview" % info),
        path("<path:object_id>/preview/", view, name="%s_%s_preview" % info),
    ]


def unsaved(model_admin, request, form, change):
    """The article the form would save, prepared by the admin's and the model's own save (sanitized
    body, excerpt, status by date, slug) without being written: its ``save_base`` does nothing, and the
    editorial side of a save (version check, review step, revision, emails) does not happen."""
    article = model_admin.save_form(request, form, change)
    article.save_base = lambda *args, **kwargs: None  # no row, and no signal: the content version stays
    model_admin.prepare(request, article, form, change)
    article.save()
    return article


@never_cache
@require_POST
def preview(request, model_admin, object_id=None):
    """The article's page as the posted form would make it, for staff who may change it (or add articles)."""
    if not request.user.is_authenticated:  # as every admin page: sign in first
        login = reverse("admin:login", current_app=model_admin.admin_site.name)
        return redirect_to_login(request.get_full_path(), login)
    article = None
    if object_id is not None:
        article = model_admin.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
    change = article is not None
    allowed = model_admin.has_change_permission(request, article) if change else model_admin.has_add_permission(request)
    if not (request.user.is_staff and allowed):
        raise PermissionDenied
    form = model_admin.get_form(request, article, change=change)(request.POST, request.FILES, instance=article)
    if not form.is_valid():
        errors = [(form[name].label if name in form.fields else "", messages)
                  for name, messages in form.errors.items()]
        context = {**model_admin.admin_site.each_context(request), "title": _("Preview"), "errors": errors}
        return TemplateResponse(request, "admin/articles/article/preview_errors.html", context)
    article = unsaved(model_admin, request, form, change)
    found = around(article, form.cleaned_data["categories"], form.cleaned_data["tags"])
    context = article_context(request, article, found)
    context.update(unsaved=True, editor_bar={"status": status_text(article), "links": []})
    response = render(request, "articles/article_detail.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
