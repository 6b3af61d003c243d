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


@admin.register(ImportRecord)
class ImportRecordAdmin(ReadOnlyAdmin):
    list_display = ["path", "outcome", "article", "error", "warnings"]
    list_filter = ["outcome", "run"]
    list_select_related = ["article"]
    search_fields = ["path", "error", "warnings"]
    readonly_fields = ["run", "path", "outcome", "article", "warnings", "error"]
