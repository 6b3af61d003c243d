from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.models import Tag

from editorial import history, source_updates
from editorial.admin import EditorialAdmin

from ..models import Article
from . import preview
from .chooser import ImageChooserWidget
from .editor import BodyEditorWidget, script_hashes
from .widgets import image_tag


def date_changed(form, name):
    """Whether the editor changed a date and time field: the form shows whole seconds, so a
    stored time with microseconds would otherwise count as changed by every save."""
    before, after = form.initial.get(name), form.cleaned_data.get(name)
    if before is None or after is None:
        return before != after
    return abs((after - before).total_seconds()) >= 1


@admin.register(Article)
class ArticleAdmin(EditorialAdmin):
    list_display = [
        "thumbnail_preview", "title", "status", "published_at", "date_estimated", "category_list", "source_name"
    ]
    list_display_links = ["thumbnail_preview", "title"]
    list_filter = [
        "status", ("categories", admin.RelatedOnlyFieldListFilter), "source_name", "published_at", "date_estimated",
        source_updates.WaitingSourceFilter,
    ]
    list_select_related = ["thumbnail", "head_image"]
    list_per_page = 50
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["categories"]
    readonly_fields = [
        "date_estimated",
        "updated_at",
        "source_file",
        "source_key",
        "content_hash",
        "imported_at",
        "edited_since_import",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "published_at", "date_estimated", "body", "excerpt"]}),
        (_("Review"), {"fields": ["change_note", "base_version"]}),
        (_("Filing"), {"fields": ["categories", "tags", "author", "source_name", "source_url", "language"]}),
        (_("Images"), {"fields": ["head_image", "thumbnail"]}),
        (_("Options"), {"fields": ["comments_enabled", "updated_at"]}),
        (
            _("Import provenance"),
            {
                "classes": ["collapse"],
                "fields": ["source_file", "source_key", "content_hash", "imported_at", "edited_since_import"],
            },
        ),
    ]


    def get_urls(self):
        return preview.urls(self) + history.urls(self) + source_updates.urls(self) + super().get_urls()

    def history_view(self, request, object_id, extra_context=None):
        return history.history_view(self, request, object_id, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(source_updates.form_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = BodyEditorWidget
            kwargs["help_text"] = _(
                "Unsaved text is kept in this browser until it is saved. The <> button shows the HTML. "
                "Scripts, styles, embeds and unknown markup are removed on save."
            )
        if db_field.name in ("head_image", "thumbnail"):  # the chooser also uploads: no "+" beside it
            return db_field.formfield(widget=ImageChooserWidget)
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

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        media = getattr(response, "context_data", None) and response.context_data.get("media")
        if media:  # the editor's import map is the page's one inline script
            response._csp_update = {"script-src": script_hashes(media)}
        return response

    @admin.display(description=_("image"))
    def thumbnail_preview(self, obj):
        return image_tag(obj.card_image, 60)

    @admin.display(description=_("categories"))
    def category_list(self, obj):
        return ", ".join(category.full_name for category in obj.categories.all())

    def save_model(self, request, obj, form, change):
        self.prepare(request, obj, form, change)
        super().save_model(request, obj, form, change)

    def prepare(self, request, obj, form, change):
        """What a save from the form sets besides the form's fields (a preview does it too)."""
        if change and obj.imported_at:
            obj.edited_since_import = True
        if date_changed(form, "published_at"):  # an editor's date is never an estimate
            obj.date_estimated = False
        if "excerpt" in form.changed_data and obj.excerpt.strip():  # typed by hand: it no longer follows the body
            obj.excerpt_from_body = False
        obj.updated_at = timezone.now()  # read-only here: the time of the last save
