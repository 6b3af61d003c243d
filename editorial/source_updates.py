"""Newer source versions of edited articles, waiting for an editor to accept or dismiss them.

An import that finds an article changed in the admin since its import leaves
it alone and keeps the incoming post as the article's ``SourceUpdate`` (see
``ArticleWriter.write``). The article's change form shows what it would
change; accepting writes it as the import would have, as a new revision.
"""

import functools

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from articles.admin.dashboard import article_panel, can_view, changelist, when
from articles.importing.writer import ArticleWriter, post_from_json
from articles.models import Article, Image, ImportRun
from articles.models.categories import NAME_SEPARATOR

from . import compare, revisions
from .models import SourceUpdate
from .permissions import may_publish


def urls(model_admin):
    """``<id>/source/accept/`` and ``<id>/source/dismiss/``, posted by the buttons of the change form's notice."""
    info = model_admin.opts.app_label, model_admin.opts.model_name

    def view(action):
        return model_admin.admin_site.admin_view(require_POST(functools.partial(action, model_admin)))

    return [
        path("<path:object_id>/source/accept/", view(accept), name="%s_%s_source_accept" % info),
        path("<path:object_id>/source/dismiss/", view(dismiss), name="%s_%s_source_dismiss" % info),
    ]


def form_context(request, article):
    """What the article's change form shows of a waiting source version."""
    update = SourceUpdate.objects.filter(article=article).select_related("run").first()
    if update is None:
        return {}
    incoming, run = snapshot_of_post(update.post, run_status(update)), {"run": run_label(update)}
    shown = {
        "notice": _("A newer version from the source file (import run %(run)s) is waiting.") % run,
        "received": _("Received %(time)s.") % {"time": when(update.received_at)},
        "run_url": "",
        "rows": compare.changes(compare.snapshot_of_article(article), incoming),
        "media": compare.media,
    }
    if update.run_id and can_view(request, ImportRun):
        shown["run_url"] = reverse("admin:articles_importrun_change", args=[update.run_id])
    if admin.site.get_model_admin(Article).has_change_permission(request, article):
        if may_accept(request.user, update):
            shown["accept_url"] = reverse("admin:articles_article_source_accept", args=[article.pk])
        shown["dismiss_url"] = reverse("admin:articles_article_source_dismiss", args=[article.pk])
    return {"source_update": shown}


def snapshot_of_post(post, status=Article.Status.PUBLISHED):
    """The article as the stored post would make it, in the terms of ``compare.snapshot_of_article``."""
    images = {image.source_url: image for image in Image.objects.filter(
        source_url__in=[url for url in (post["head_image_url"], post["thumbnail_url"]) if url])}

    def image_label(url):  # an existing picture keeps its own alt text and caption; the post fills in missing ones
        if not url:
            return ""
        image = images.get(url) or Image(source_url=url)
        for name, value in post["image_details"].get(url, {}).items():
            if not getattr(image, name):
                setattr(image, name, value)
        return str(image)

    published_at = post_from_json(post).published_at
    if post["draft"]:
        status = Article.Status.DRAFT
    elif status in Article.SHOWN_WHEN_DUE:  # as the article's save would make it
        status = Article.Status.SCHEDULED if published_at > timezone.now() else Article.Status.PUBLISHED
    return {
        "title": post["title"],
        "slug": post["slug"],
        "status": status,
        "published_at": published_at,
        "author": post["author"],
        "source_name": post["source_name"],
        "source_url": post["source_url"],
        "excerpt": post["excerpt"],
        "body": post["body"],
        "categories": [NAME_SEPARATOR.join(names) for names in post["categories"]],
        "tags": sorted(post["tags"]),
        "head_image": image_label(post["head_image_url"]),
        "thumbnail": image_label(post["thumbnail_url"]),
    }


def run_label(update):
    return update.run_id or "?"  # its run can have been deleted since


def run_status(update):
    """The status the import run gave its articles (``--status``)."""
    return (update.run.options if update.run else {}).get("status", Article.Status.PUBLISHED)


def may_accept(user, update):
    """Accepting a version that readers would see publishes it: only for those who may publish."""
    return update.post["draft"] or run_status(update) not in Article.SHOWN_WHEN_DUE or may_publish(user)


def _waiting(model_admin, request, object_id):
    """The article and its waiting version, locked until the end of the transaction: 404 or 403 as the admin would."""
    article = model_admin.get_object(request, unquote(object_id))
    if article is None:
        raise Http404
    if not model_admin.has_change_permission(request, article):
        raise PermissionDenied
    return article, get_object_or_404(SourceUpdate.objects.select_for_update(), article=article)


def _back(model_admin, request, article, message):
    model_admin.message_user(request, message, messages.SUCCESS)
    return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))


def accept(model_admin, request, object_id):
    """Write the waiting version as the import would have (it becomes a new revision by this editor)."""
    with reversion.create_revision():
        article, update = _waiting(model_admin, request, object_id)
        if not may_accept(request.user, update):
            raise PermissionDenied
        writer = ArticleWriter(status=run_status(update), overwrite=True)
        writer.run_id = update.run_id
        writer.accept(post_from_json(update.post), article.pk)  # which also removes the waiting version
        reversion.set_user(request.user)
        reversion.set_comment(_("Accepted the source version from import run %(run)s") % {"run": run_label(update)})
    message = _("The source version from import run %(run)s is now the article's current version.")
    return _back(model_admin, request, article, message % {"run": run_label(update)})


def dismiss(model_admin, request, object_id):
    """Forget the waiting version; the history says who dismissed it."""
    with transaction.atomic():
        article, update = _waiting(model_admin, request, object_id)
        update.delete()
        comment = _("Dismissed the source version from import run %(run)s") % {"run": run_label(update)}
        revisions.record([article], comment, request.user)
    message = _("The source version from import run %(run)s was dismissed.")
    return _back(model_admin, request, article, message % {"run": run_label(update)})


def waiting_source_versions(request):
    """The dashboard's list of articles with a waiting source version, the latest arrived first."""
    if not can_view(request, Article):
        return None
    waiting = Article.objects.filter(source_update__isnull=False).annotate(received_at=F("source_update__received_at"))
    return article_panel(
        "source", _("Newer source versions waiting"), waiting.order_by("-received_at", "-pk"),
        changelist(Article, source_waiting="yes"),
        lambda article: _("received %(time)s") % {"time": when(article.received_at)},
    )


class WaitingSourceFilter(admin.SimpleListFilter):
    """Finds the articles with a newer version from their source file waiting (``?source_waiting=yes``)."""

    title = gettext_lazy("newer source version waiting")
    parameter_name = "source_waiting"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(source_update__isnull=False)
        if self.value() == "no":
            return queryset.filter(source_update__isnull=True)
        return queryset
