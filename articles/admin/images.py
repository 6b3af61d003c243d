from django import forms
from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

from ..images import validate_upload
from .chooser import chooser_view
from ..models import Image
from .widgets import image_tag


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

    def get_urls(self):
        chooser = self.admin_site.admin_view(lambda request: chooser_view(self, request))
        return [path("chooser/", chooser, name="articles_image_chooser"), *super().get_urls()]

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
