"""The editors' admin: one module per kind of thing they manage."""

from django.conf import settings
from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import articles, categories, images, imports  # noqa: F401 - each registers its admin

admin.site.site_header = format_lazy(_("{site}: administration"), site=settings.NEWSROOM_SITE_NAME)
admin.site.site_title = settings.NEWSROOM_SITE_NAME
admin.site.index_title = _("Content")
