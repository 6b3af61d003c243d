"""django-axes' sign-in throttling pages, in the admin's language.

django-axes has no Chinese catalogue, names its records with English f-strings and reports its
clean-up in an f-string that no catalogue can translate (and its clean-up action fails outside a
sign-in request): its texts are translated in this project's catalogue, and the record names and
the clean-up are given here.
"""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext, gettext_lazy as _, gettext_noop, ngettext


def when(moment):
    return date_format(localtime(moment), "DATETIME_FORMAT") if moment else "—"


AccessAttempt.__str__ = lambda self: gettext("Sign-in attempt at %(time)s") % {"time": when(self.attempt_time)}
AccessLog.__str__ = lambda self: gettext("Sign-in of %(user)s at %(time)s") % {
    "user": self.username, "time": when(self.attempt_time)}
AccessFailureLog.__str__ = lambda self: gettext("Failed sign-in of %(user)s at %(time)s from %(address)s") % {
    "user": self.username, "time": when(self.attempt_time), "address": self.ip_address}

apps.get_app_config("axes").verbose_name = _("Sign-in throttling")
AccessAttemptAdmin.status.short_description = _("Status")  # a column without a description


@admin.action(description=_("Clean up expired attempts"))
def cleanup_expired_attempts(model_admin, request, queryset):
    """Removes the attempts older than the cool-off time: they no longer count towards a lock."""
    count, _deleted = AccessAttempt.objects.filter(attempt_time__lte=timezone.now() - settings.AXES_COOLOFF_TIME).delete()
    model_admin.message_user(
        request,
        ngettext("%d expired attempt cleaned up.", "%d expired attempts cleaned up.", count) % count,
        messages.SUCCESS,
    )


AccessAttemptAdmin.cleanup_expired_attempts = cleanup_expired_attempts

# Texts of django-axes' admin pages, translated in this project's catalogue: listed so that
# makemessages keeps them.
AXES_TEXTS = [
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
]
