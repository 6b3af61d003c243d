"""An article's history: its revisions newest first, any two compared, any one restored.

These pages replace reversion's: its revision page (``<id>/history/<version>/``, which
reverts the rows as they were, past ``Article.save`` and its sanitizer) answers here
with what that revision changed, and restoring goes through the model.
"""

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from reversion import create_revision, set_comment, set_user
from reversion.models import Version

from . import compare, revisions

PER_PAGE = 100
PAGE_VAR = "p"


def urls(model_admin):
    """The compare and restore pages, and this module's page for one revision in place of reversion's."""
    info = model_admin.opts.app_label, model_admin.opts.model_name

    def bound(view):
        def page(request, *args, **kwargs):
            return view(model_admin, request, *args, **kwargs)

        return model_admin.admin_site.admin_view(page)

    return [
        path("<path:object_id>/history/compare/", bound(compare_view), name="%s_%s_compare" % info),
        path("<path:object_id>/history/<int:version_id>/restore/", bound(restore_view), name="%s_%s_restore" % info),
        path("<path:object_id>/history/<int:version_id>/", bound(revision_view), name="%s_%s_revision_changes" % info),
    ]


def history_view(model_admin, request, object_id, extra_context=None):
    """The article's revisions, newest first: when, by whom (or which import run), with what comment."""
    article = article_or_404(model_admin, request, object_id)
    versions = Version.objects.get_for_object(article).select_related("revision__user").defer("serialized_data")
    page = Paginator(versions.order_by("-pk"), PER_PAGE).get_page(request.GET.get(PAGE_VAR))
    run_urls = import_run_urls(request, [version.revision.comment for version in page])
    may_restore = model_admin.has_change_permission(request, article)
    entries = []
    for index, version in enumerate(page):
        revision = version.revision
        newest = page.number == 1 and index == 0
        entries.append({
            "id": version.pk,
            "date": when(revision),
            "url": url(model_admin, "revision_changes", article, version.pk),
            "user": user_label(revision.user),
            "comment": revision.get_comment(),
            "comment_url": run_urls.get(revision.comment, ""),
            "restore_url": url(model_admin, "restore", article, version.pk) if may_restore and not newest else "",
            "from_checked": index == 1,
            "to_checked": index == 0,
        })
    context = page_context(
        model_admin, request, article, _("Change history: %s") % article, _("History"), back=False,
        entries=entries, comparable=len(entries) > 1, compare_url=url(model_admin, "compare", article),
        page_var=PAGE_VAR,
        previous_page=page.has_previous() and page.previous_page_number(),
        next_page=page.has_next() and page.next_page_number(),
        page_label=_("Page %(number)s of %(total)s") % {"number": page.number, "total": page.paginator.num_pages},
        **(extra_context or {}),
    )
    return TemplateResponse(request, "admin/editorial/history.html", context)


def compare_view(model_admin, request, object_id):
    """Two revisions (``?from=&to=``, a version id each, or ``current`` for the article now), older first."""
    article = article_or_404(model_admin, request, object_id)
    chosen = [request.GET.get("from", ""), request.GET.get("to", "")]
    if not all(value == "current" or value.isdigit() for value in chosen):
        context = page_context(model_admin, request, article, _("Compare revisions"), _("Compare"),
                               error=_("Choose two revisions to compare."))
        return TemplateResponse(request, "admin/editorial/compare.html", context, status=400)
    old, new = sorted((side(article, value) for value in chosen), key=lambda found: found[0])
    return render_compare(model_admin, request, article, old, new)


def revision_view(model_admin, request, object_id, version_id):
    """What one revision changed: the revision before it compared with it."""
    article = article_or_404(model_admin, request, object_id)
    version = version_or_404(article, version_id)
    before = Version.objects.get_for_object(article).filter(pk__lt=version.pk).order_by("-pk").first()
    new = side(article, str(version.pk), version)
    old = side(article, str(before.pk), before) if before else (0, _("Before the first revision"), compare.EMPTY)
    return render_compare(model_admin, request, article, old, new)


def render_compare(model_admin, request, article, old, new):
    context = page_context(
        model_admin, request, article, _("Compare revisions"), _("Compare"),
        old_label=old[1], new_label=new[1], rows=compare.changes(old[2], new[2]),
    )
    return TemplateResponse(request, "admin/editorial/compare.html", context)


def restore_view(model_admin, request, object_id, version_id):
    """GET: what restoring the revision would change. POST: restore it, as a new revision."""
    article = article_or_404(model_admin, request, object_id)
    version = version_or_404(article, version_id)
    if not model_admin.has_change_permission(request, article):
        raise PermissionDenied
    date = when(version.revision)
    if request.method == "POST":
        comment = _("Restored from revision of %(date)s") % {"date": date}
        with create_revision(manage_manually=True):  # the revision is the article once restored, tags and all
            warnings = revisions.restore(article, version, request.user)
            set_user(request.user)
            set_comment(comment)
        model_admin.log_change(request, article, comment)
        for warning in warnings:
            messages.warning(request, warning)
        messages.success(request, _("The article was restored from the revision of %(date)s.") % {"date": date})
        return redirect(url(model_admin, "change", article))
    rows = compare.changes(compare.snapshot_of_article(article), compare.snapshot_of_version(version))
    context = page_context(
        model_admin, request, article, _("Restore the revision of %(date)s") % {"date": date}, _("Restore"),
        rows=rows, cancel_url=url(model_admin, "history", article),
    )
    return TemplateResponse(request, "admin/editorial/restore.html", context)


def article_or_404(model_admin, request, object_id):
    article = model_admin.get_object(request, unquote(object_id))
    if article is None:
        raise Http404(_("No article has this id."))
    if not model_admin.has_view_or_change_permission(request, article):
        raise PermissionDenied
    return article


def version_or_404(article, version_id):
    version = Version.objects.get_for_object(article).select_related("revision__user").filter(pk=version_id).first()
    if version is None:
        raise Http404(_("This article has no such revision."))
    return version


def side(article, value, version=None):
    """``(order, label, snapshot)`` of one side of a comparison: a revision of the article, or the article now."""
    if value == "current":
        return float("inf"), _("The article now"), compare.snapshot_of_article(article)
    version = version or version_or_404(article, int(value))
    revision = version.revision
    label = " · ".join(part for part in (when(revision), user_label(revision.user) or revision.get_comment()) if part)
    return version.pk, label, compare.snapshot_of_version(version)


def page_context(model_admin, request, article, title, crumb, back=True, **extra):
    """What the pages share: the admin's context, and breadcrumbs down to the article's history
    (``back``: the page is below the history; the history page names the article in its title)."""
    opts = model_admin.opts
    breadcrumbs = [
        (reverse("admin:index", current_app=model_admin.admin_site.name), _("Home")),
        (reverse("admin:app_list", args=[opts.app_label], current_app=model_admin.admin_site.name),
         opts.app_config.verbose_name),
        (url(model_admin, "changelist"), capfirst(opts.verbose_name_plural)),
        (url(model_admin, "change", article), Truncator(str(article)).chars(50)),
    ]
    if back:
        breadcrumbs.append((url(model_admin, "history", article), _("History")))
    request.current_app = model_admin.admin_site.name
    return {
        **model_admin.admin_site.each_context(request),
        "title": title, "subtitle": str(article) if back else None, "object": article, "opts": opts,
        "breadcrumbs": breadcrumbs, "crumb": crumb, "media": compare.media, **extra,
    }


def url(model_admin, name, article=None, *args):
    opts = model_admin.opts
    ids = [quote(article.pk), *args] if article is not None else []
    name = f"admin:{opts.app_label}_{opts.model_name}_{name}"
    return reverse(name, args=ids, current_app=model_admin.admin_site.name)


def when(revision):
    return formats.date_format(timezone.localtime(revision.date_created), "DATETIME_FORMAT")


def user_label(user):
    if user is None:
        return ""
    full_name = user.get_full_name()
    return f"{user.get_username()} ({full_name})" if full_name else user.get_username()


def import_run_urls(request, comments):
    """``{comment: address}`` of the import runs that comments name (those still kept), for users who may see runs."""
    from articles.models import ImportRun

    if not request.user.has_perm("articles.view_importrun"):
        return {}
    named = {comment: revisions.import_run_id(comment) for comment in set(comments)}
    runs = set(ImportRun.objects.filter(pk__in=[pk for pk in named.values() if pk]).values_list("pk", flat=True))
    return {comment: reverse("admin:articles_importrun_change", args=[pk]) for comment, pk in named.items()
            if pk in runs}
