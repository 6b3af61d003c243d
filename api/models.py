"""Staff tokens for the read API, and the request counts behind its rate limit."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

KEY_CHARS = 40


def key_digest(key):
    """SHA-256 of a key: keys are random (240 bits), so a fast hash is as safe as a slow one."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A key that lets a staff user's client read drafts, scheduled articles and articles in review.

    Only the key's digest is stored: the admin shows the key once, when the
    token is made, and nobody can read it back.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. “newsletter builder”."))
    prefix = models.CharField(
        _("key begins with"), max_length=8, editable=False, help_text=_("The first characters of the key, to tell tokens apart.")
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked = models.BooleanField(_("revoked"), default=False, help_text=_("A revoked token is refused at once."))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def new_key(self):
        """Give the token a fresh random key and return it: the only time it is seen."""
        key = secrets.token_urlsafe(30)  # 40 characters
        self.prefix, self.digest = key[:8], key_digest(key)
        return key


class RequestCount(models.Model):
    """Anonymous API requests of one client address in the current window of the rate limit.

    In the database, so that every process and server counts together in the
    default setup too (the default cache is each process's own memory). One
    row per address, reset when a new window starts.
    """

    client = models.CharField(max_length=64, unique=True)  # a digest of the address, not the address
    window_start = models.BigIntegerField(db_index=True)  # seconds since the epoch
    hits = models.PositiveIntegerField(default=0)
