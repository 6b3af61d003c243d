"""The picture library: uploaded pictures and the remote ones articles point to."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..images import sha256_of


class Image(models.Model):
    """A picture used by articles: an uploaded file or a remote URL, stored once."""

    file = models.ImageField(
        _("file"),
        upload_to="images/%Y/%m/",
        width_field="width",
        height_field="height",
        blank=True,
        help_text=_("JPEG, PNG, GIF or WebP. Leave empty to use a remote URL instead."),
    )
    source_url = models.URLField(
        _("source URL"),
        max_length=2000,
        blank=True,
        help_text=_("Where the picture lives on the web, when it is not uploaded."),
    )
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True, editable=False)
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    fetch_error = models.CharField(
        _("download failed"),
        max_length=500,
        blank=True,
        editable=False,
        help_text=_("Why the last download of the source URL failed; a later import with --fetch-images tries again."),
    )
    fetch_failed_at = models.DateTimeField(_("download failed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_url"],
                condition=~Q(source_url=""),
                name="image_unique_source_url",
                violation_error_message=_("An image with this URL already exists."),
            ),
            models.UniqueConstraint(
                fields=["sha256"], condition=~Q(sha256=""), name="image_unique_file_content"
            ),
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(source_url=""),
                name="image_has_file_or_url",
                violation_error_message=_("Upload a file or give a source URL."),
            ),
        ]

    def __str__(self):
        return self.alt_text or self.caption or (self.file.name if self.file else self.source_url)

    @property
    def url(self):
        return self.file.url if self.file else self.source_url

    def save(self, *args, **kwargs):
        if self.file and not self.sha256 and not self.source_url:  # uploads are stored once
            self.sha256 = sha256_of(self.file)
        super().save(*args, **kwargs)
