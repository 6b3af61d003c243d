"""What editorial work keeps beside the article: source versions waiting for an editor, and who has a form open."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceUpdate(models.Model):
    """A newer version of an article's source file, met by an import after an editor had changed the article.

    The import leaves the article alone and keeps the incoming post here; an
    editor sees the difference on the article's form and accepts it (it becomes
    the current version, as a new revision) or dismisses it.
    """

    article = models.OneToOneField(
        "articles.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="source_update"
    )
    run = models.ForeignKey(
        "articles.ImportRun", verbose_name=_("import run"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), auto_now=True)
    content_hash = models.CharField(_("content hash"), max_length=64)
    post = models.JSONField(_("incoming post"), help_text=_("The normalized post, as the import would have written it."))

    class Meta:
        verbose_name = _("waiting source version")
        verbose_name_plural = _("waiting source versions")

    def __str__(self):
        return str(self.article)


class Presence(models.Model):
    """Someone has the article's change form open: refreshed by the form's heartbeat, stale after a minute."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(_("since"))
    seen_at = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("open form")
        verbose_name_plural = _("open forms")
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="presence_article_user")]
