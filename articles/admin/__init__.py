"""The editors' admin: one module per kind of thing they manage."""

from django.conf import settings
from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from . import articles, categories, dashboard, images, imports, signins  # noqa: F401 - each registers its admin

admin.site.site_header = format_lazy(_("{site}: administration"), site=settings.NEWSROOM_SITE_NAME)
admin.site.site_title = settings.NEWSROOM_SITE_NAME
admin.site.index_title = _("Content")
admin.site.index = dashboard.index  # the editor's lists above the app list

# Texts of Django's app list, for screen readers, that its Chinese catalogue lacks: listed so
# that makemessages keeps them.
OTHER_APPS_TEXTS = [
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
