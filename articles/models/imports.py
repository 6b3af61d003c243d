"""What each import run did, file by file."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One run of ``import_seeds``: what was asked and what happened, for editors to browse."""

    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    options = models.JSONField(_("options"), default=dict)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M:%S}"


class ImportRecord(models.Model):
    """The outcome of one file in an import run."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        UNCHANGED = "unchanged", _("unchanged")
        SKIPPED = "skipped", _("skipped")
        FAILED = "failed", _("failed")

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="records")
    path = models.CharField(_("file"), max_length=500)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    article = models.ForeignKey("Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    warnings = models.TextField(_("warnings"), blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("import record")
        verbose_name_plural = _("import records")
        ordering = ["run", "pk"]
        indexes = [models.Index(fields=["run", "outcome"], name="importrecord_run_outcome")]

    def __str__(self):
        return self.path
