from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The read-only JSON API under /api/v1/ (django-ninja), and the staff tokens that open drafts to it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = _("API")
