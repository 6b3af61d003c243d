from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    """Editorial work on articles: their revisions (through django-reversion)."""

    name = "editorial"
    verbose_name = _("Editorial")

    def ready(self):
        from . import revisions

        revisions.register()
