from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.models import Tag

from .caching import bump_content_version
from .images import validate_upload
from .models import Article, Category, Image, ImportRecord, ImportRun


def image_tag(image, size):
    if image is None or not image.url:
        return "—"
    return format_html(
        '<img src="{}" alt="" loading="lazy" referrerpolicy="no-referrer" '
        'style="max-width:{}px;max-height:{}px;object-fit:cover">',
        image.url,
        size,
        size,
    )


def date_changed(form, name):
    """Whether the editor changed a date and time field: the form shows whole seconds, so a
    stored time with microseconds would otherwise count as changed by every save."""
    before, after = form.initial.get(name), form.cleaned_data.get(name)
    if before is None or after is None:
        return before != after
    return abs((after - before).total_seconds()) >= 1


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "thumbnail_preview", "title", "status", "published_at", "date_estimated", "category_list", "source_name"
    ]
    list_display_links = ["thumbnail_preview", "title"]
    list_filter = [
        "status", ("categories", admin.RelatedOnlyFieldListFilter), "source_name", "published_at", "date_estimated"
    ]
    list_select_related = ["thumbnail", "head_image"]
    list_per_page = 50
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["categories", "head_image", "thumbnail"]
    actions = ["publish", "unpublish"]
    readonly_fields = [
        "date_estimated",
        "updated_at",
        "head_image_preview",
        "source_file",
        "source_key",
        "content_hash",
        "imported_at",
        "edited_since_import",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "published_at", "date_estimated", "body", "excerpt"]}),
        (_("Filing"), {"fields": ["categories", "tags", "author", "source_name", "source_url", "language"]}),
        (_("Images"), {"fields": ["head_image", "head_image_preview", "thumbnail"]}),
        (_("Options"), {"fields": ["comments_enabled", "updated_at"]}),
        (
            _("Import provenance"),
            {
                "classes": ["collapse"],
                "fields": ["source_file", "source_key", "content_hash", "imported_at", "edited_since_import"],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":  # taggit's own field is a text box; editors get autocomplete
            widget = AutocompleteSelectMultiple(db_field, self.admin_site)
            return forms.ModelMultipleChoiceField(
                queryset=Tag.objects.all(),
                required=False,
                label=db_field.verbose_name,
                widget=RelatedFieldWidgetWrapper(widget, db_field.remote_field, self.admin_site),
                help_text=_("Type to search existing tags; + adds a new one."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("image"))
    def thumbnail_preview(self, obj):
        return image_tag(obj.card_image, 60)

    @admin.display(description=_("head image preview"))
    def head_image_preview(self, obj):
        return image_tag(obj.head_image, 320)

    @admin.display(description=_("categories"))
    def category_list(self, obj):
        return ", ".join(category.name for category in obj.categories.all())

    def save_model(self, request, obj, form, change):
        if change and obj.imported_at:
            obj.edited_since_import = True
        if date_changed(form, "published_at"):  # an editor's date is never an estimate
            obj.date_estimated = False
        if "excerpt" in form.changed_data and obj.excerpt.strip():  # typed by hand: it no longer follows the body
            obj.excerpt_from_body = False
        obj.updated_at = timezone.now()  # read-only here: the time of the last save
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish selected articles"), permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        count = queryset.filter(published_at__gt=now).update(status=Article.Status.SCHEDULED)
        count += queryset.filter(published_at__lte=now).update(status=Article.Status.PUBLISHED)
        bump_content_version()  # update() sends no signals
        self.message_user(
            request,
            ngettext("%d article published.", "%d articles published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish selected articles (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(status=Article.Status.DRAFT)
        bump_content_version()  # update() sends no signals
        self.message_user(
            request,
            ngettext("%d article unpublished.", "%d articles unpublished.", count) % count,
            messages.SUCCESS,
        )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "path", "article_count", "ordering"]
    list_editable = ["ordering"]
    search_fields = ["name", "path"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "parent", "description", "ordering", "path"]
    readonly_fields = ["path"]
    ordering = ["path"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return format_html('<span style="padding-left:{}em">{}</span>', obj.depth * 1.5, obj.name)

    @admin.display(description=_("articles"), ordering="article_total")
    def article_count(self, obj):
        return obj.article_total


class ImageAdminForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "source_url", "alt_text", "caption", "credit"]

    request = None  # set by ImageAdmin.get_form

    def clean_file(self):
        refused = getattr(self.request, "refused_uploads", {}).get("file")
        if refused:
            raise forms.ValidationError(refused)
        upload = self.cleaned_data.get("file")
        if upload and upload is not getattr(self.instance, "file", None) and hasattr(upload, "content_type"):
            self.instance.sha256 = validate_upload(upload, exclude_pk=self.instance.pk)
        return upload


class DownloadFailedFilter(admin.SimpleListFilter):
    """Finds the remote images that an import could not download (see ``Image.fetch_error``)."""

    title = _("download failed")
    parameter_name = "download_failed"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(fetch_error="")
        if self.value() == "no":
            return queryset.filter(fetch_error="")
        return queryset


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageAdminForm
    list_display = ["preview", "__str__", "dimensions", "source_url", "created_at"]
    list_filter = [DownloadFailedFilter]
    search_fields = ["alt_text", "caption", "credit", "source_url"]
    readonly_fields = ["large_preview", "dimensions", "fetch_error", "fetch_failed_at"]
    fields = [
        "file", "source_url", "large_preview", "dimensions", "fetch_error", "fetch_failed_at",
        "alt_text", "caption", "credit",
    ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return image_tag(obj, 80)

    @admin.display(description=_("preview"))
    def large_preview(self, obj):
        return image_tag(obj, 480)

    @admin.display(description=_("dimensions"))
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}" if obj.width and obj.height else "—"


admin.site.site_header = format_lazy(_("{site}: administration"), site=settings.NEWSROOM_SITE_NAME)
admin.site.site_title = settings.NEWSROOM_SITE_NAME
admin.site.index_title = _("Content")


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
