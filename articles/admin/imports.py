from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import ImportRecord, ImportRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Import history is a record: editors can read it, nobody edits it by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "finished_at", "created", "updated", "unchanged", "skipped", "failed", "files_link"]
    readonly_fields = ["started_at", "finished_at", "options", "created", "updated", "unchanged", "skipped", "failed", "files_link"]
    date_hierarchy = "started_at"

    @admin.display(description=_("files"))
    def files_link(self, obj):
        if obj.finished_at is None:
            label = _("interrupted or running: see files")
        else:
            label = _("see files")
        url = reverse("admin:articles_importrecord_changelist") + f"?run__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, label)


class RunFilter(admin.RelatedFieldListFilter):
    """The records of one run; titled here because ``ImportRecord.run`` has no translated name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("import run")


@admin.register(ImportRecord)
class ImportRecordAdmin(ReadOnlyAdmin):
    list_display = ["path", "outcome", "article_link", "error", "warnings"]
    list_filter = ["outcome", ("run", RunFilter)]
    list_select_related = ["article"]
    search_fields = ["path", "error", "warnings"]
    fields = ["run_link", "path", "outcome", "article_link", "warnings", "error"]
    readonly_fields = fields

    @admin.display(description=_("import run"))
    def run_link(self, obj):
        url = reverse("admin:articles_importrun_change", args=[obj.run_id])
        return format_html('<a href="{}">{}</a>', url, obj.run)

    @admin.display(description=_("article"), ordering="article__title")
    def article_link(self, obj):
        if obj.article is None:
            return "—"
        url = reverse("admin:articles_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, obj.article)
