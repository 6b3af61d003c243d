"""The editors' admin: one module per kind of thing they manage."""

from axes.admin import AccessAttemptAdmin
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from . import articles, categories, dashboard, images, imports  # noqa: F401 - each registers its admin

admin.site.site_header = format_lazy(_("{site}: administration"), site=settings.NEWSROOM_SITE_NAME)
admin.site.site_title = settings.NEWSROOM_SITE_NAME
admin.site.index_title = _("Content")
admin.site.index = dashboard.index  # the editor's lists above the app list

# django-axes names its app "Axes", untranslated, and one column "Status" without a description.
apps.get_app_config("axes").verbose_name = _("Sign-in throttling")
AccessAttemptAdmin.status.short_description = _("Status")

# Texts of other apps' admin pages that their Chinese catalogues lack (django-axes has none),
# translated in this project's: listed so that makemessages keeps them.
OTHER_APPS_TEXTS = [
    # django-axes
    gettext_noop("access attempt"), gettext_noop("access attempts"),
    gettext_noop("access log"), gettext_noop("access logs"),
    gettext_noop("access failure"), gettext_noop("access failures"),
    gettext_noop("access attempt expiration"), gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"), gettext_noop("Attempt Time"), gettext_noop("User Agent"),
    gettext_noop("IP Address"), gettext_noop("HTTP Accept"), gettext_noop("Path"),
    gettext_noop("GET Data"), gettext_noop("POST Data"), gettext_noop("Failed Logins"),
    gettext_noop("Access lock out"), gettext_noop("Logout Time"), gettext_noop("Session key hash (sha256)"),
    gettext_noop("Expires At"), gettext_noop("Form Data"), gettext_noop("Meta Data"),
    gettext_noop("Locked Out"), gettext_noop("Attempt Remaining"), gettext_noop("Not set"),
    gettext_noop("Clean up expired attempts"),
    # Django's app list, for screen readers
    gettext_noop("Model name"), gettext_noop("Add link"), gettext_noop("Change or view list link"),
]

# A history message ("Changed Title and Status.") stores the English labels of the fields
# that changed, as the forms show them (capitalized), and translates them when it is shown.
# These are the labels of the admin's forms that no catalogue translates otherwise.
FORM_LABELS = [
    gettext_noop("Title"), gettext_noop("Slug"), gettext_noop("Status"), gettext_noop("Published at"),
    gettext_noop("Body"), gettext_noop("Excerpt"), gettext_noop("Original URL"), gettext_noop("Head image"),
    gettext_noop("Thumbnail"), gettext_noop("Comments enabled"),
    gettext_noop("Name"), gettext_noop("Parent"), gettext_noop("Description"), gettext_noop("Ordering"),
    gettext_noop("Source URL"), gettext_noop("Alt text"), gettext_noop("Caption"), gettext_noop("Credit"),
    # Django's user form
    gettext_noop("Username"), gettext_noop("First name"), gettext_noop("Last name"), gettext_noop("Active"),
    gettext_noop("Staff status"), gettext_noop("Superuser status"), gettext_noop("Groups"),
    gettext_noop("User permissions"), gettext_noop("Last login"), gettext_noop("Date joined"),
]
