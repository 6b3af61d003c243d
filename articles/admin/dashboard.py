"""The admin's front page: what waits for the signed-in editor, above the list of everything.

Each list is one function of ``PANELS``, which returns a ``Panel``, or None
when the editor may not view its model; a new list is one more function. Each list costs two queries, its first rows and its
total, however many rows there are.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db.models import CharField, F, Q, Window
from django.db.models.functions import Cast, FirstValue
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from editorial.permissions import is_reviewer

from ..models import Article, Image, ImportRecord, ImportRun

LENGTH = 8  # rows per list; "see all" shows the rest


@dataclass
class Note:
    """A detail under an item's label; a link when ``url`` is set."""

    text: str
    url: str = ""
    warning: bool = False


@dataclass
class Item:
    label: str
    url: str  # the change form
    notes: list = field(default_factory=list)


@dataclass
class Panel:
    name: str  # the module's HTML id: dashboard-<name>
    title: str
    items: list
    total: int
    more_url: str  # the filtered list of all of them
    more_label: str = gettext_lazy("See all")


def can_view(request, model):
    model_admin = admin.site.get_model_admin(model)
    return model_admin.has_view_permission(request)


def changelist(model, **filters):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return url + "?" + urlencode(filters) if filters else url


def change_form(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def when(moment):
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def article_panel(name, title, articles, more_url, note, **options):
    """A list of articles, each with ``note(article)`` under its title."""
    rows = articles.only("pk", "title", "published_at", "updated_at")[:LENGTH]
    items = [Item(article.title, change_form(article), [Note(note(article))]) for article in rows]
    return Panel(name, title, items, articles.count(), more_url, **options)


def my_drafts(request):
    """Drafts this editor wrote, or whose latest change in the admin history is theirs, latest saved first.

    A draft nobody has saved in the admin (imported with ``--status draft``) is nobody's.
    The history has no index on the object: the drafts' entries are read in one
    pass, each given its article's last editor, never searched once per draft.
    """
    if not can_view(request, Article):
        return None
    drafts = Article.objects.filter(status=Article.Status.DRAFT)
    object_id = Cast("pk", CharField())  # as the history stores it
    history = LogEntry.objects.filter(
        content_type__app_label="articles",
        content_type__model="article",
        object_id__in=drafts.values(text_id=object_id),
    )
    last_editor = Window(FirstValue("user_id"), partition_by="object_id", order_by=["-action_time", "-pk"])
    mine = history.annotate(last_editor=last_editor).filter(last_editor=request.user.pk).values("object_id")
    drafts = drafts.alias(object_id=object_id).filter(Q(object_id__in=mine) | Q(created_by=request.user))
    drafts = drafts.order_by("-updated_at", "-pk")
    return article_panel(
        "drafts", _("My drafts"), drafts, changelist(Article, status__exact=Article.Status.DRAFT),
        lambda article: _("changed %(time)s") % {"time": when(article.updated_at)}, more_label=_("All drafts"),
    )


def in_review(request):
    """Articles waiting for review, the longest waiting first: everyone's for editors, else the writer's own."""
    if not can_view(request, Article):
        return None
    waiting = Article.objects.filter(status=Article.Status.REVIEW)
    if not is_reviewer(request.user):
        waiting = waiting.filter(created_by=request.user)
    return article_panel(
        "review", _("Waiting for review"), waiting.order_by("updated_at", "pk"),
        changelist(Article, status__exact=Article.Status.REVIEW),
        lambda article: _("submitted %(time)s") % {"time": when(article.updated_at)},
    )


def scheduled(request):
    """Articles waiting for their publication time, the next one first."""
    if not can_view(request, Article):
        return None
    waiting = Article.objects.filter(status=Article.Status.SCHEDULED, published_at__gt=timezone.now())
    return article_panel(
        "scheduled", _("Scheduled"), waiting.order_by("published_at", "pk"),
        changelist(Article, status__exact=Article.Status.SCHEDULED),
        lambda article: _("goes live %(time)s") % {"time": when(article.published_at)},
    )


def dates_to_check(request):
    """Imported articles whose date is only the file's modification time (see ``Article.date_estimated``)."""
    if not can_view(request, Article):
        return None
    guessed = Article.objects.filter(date_estimated=True).order_by("-published_at", "-pk")
    return article_panel(
        "dates", _("Dates to check"), guessed, changelist(Article, date_estimated__exact=1),
        lambda article: _("estimated %(time)s") % {"time": when(article.published_at)},
    )


def import_runs(request):
    """The latest runs of ``import_seeds`` with what they did; failures link to the files that failed."""
    if not can_view(request, ImportRun):
        return None
    records = can_view(request, ImportRecord)
    items = []
    for run in ImportRun.objects.defer("options").order_by("-started_at", "-pk")[:LENGTH]:
        counts = _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(skipped)s skipped") % {
            "created": run.created, "updated": run.updated, "unchanged": run.unchanged, "skipped": run.skipped,
        }
        notes = [Note(counts)]
        if run.failed:
            failed = changelist(ImportRecord, run__id__exact=run.pk, outcome__exact=ImportRecord.Outcome.FAILED)
            text = ngettext("%(count)s failed", "%(count)s failed", run.failed) % {"count": run.failed}
            notes.append(Note(text, failed if records else "", warning=True))
        if run.finished_at is None:
            notes.append(Note(_("interrupted or running"), warning=True))
        items.append(Item(when(run.started_at), change_form(run), notes))
    return Panel("imports", _("Latest import runs"), items, ImportRun.objects.count(), changelist(ImportRun))


def failed_downloads(request):
    """Pictures an import could not download (see ``Image.fetch_error``), the latest failure first."""
    if not can_view(request, Image):
        return None
    failed = Image.objects.exclude(fetch_error="").order_by(F("fetch_failed_at").desc(nulls_last=True), "-pk")
    items = [
        Item(str(image), change_form(image), [Note(Truncator(image.fetch_error).chars(80), warning=True)])
        for image in failed[:LENGTH]
    ]
    more = changelist(Image, download_failed="yes")
    return Panel("downloads", _("Failed picture downloads"), items, failed.count(), more)


def waiting_sources(request):
    """Edited articles whose source file has a newer version waiting (see editorial/source_updates.py)."""
    from editorial.source_updates import waiting_source_versions  # it builds on this module

    return waiting_source_versions(request)


PANELS = [in_review, my_drafts, waiting_sources, scheduled, dates_to_check, import_runs, failed_downloads]


def panels(request):
    return [panel for make in PANELS if (panel := make(request)) is not None]


def index(request, extra_context=None):
    """The admin index with the dashboard's lists above the app list (which keeps its change links)."""
    context = {"dashboard_panels": panels(request), "show_changelinks": True, **(extra_context or {})}
    response = admin.AdminSite.index(admin.site, request, context)
    response.template_name = "admin/dashboard.html"
    return response
