"""Who else has an article's form open: each open form says so every ``BEAT`` seconds.

A row per editor and article, refreshed by the form's heartbeat (static/admin/newsroom/presence.js)
and stale after ``STALE``; nothing locks the article, the version check protects the save.
"""

import datetime
import functools

from django.http import Http404, JsonResponse
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from articles.models import Article

from .models import Presence

BEAT = 20  # seconds between heartbeats
STALE = datetime.timedelta(seconds=3 * BEAT)


def urls(model_admin):
    view = model_admin.admin_site.admin_view(functools.partial(heartbeat, model_admin=model_admin))
    return [path("<path:object_id>/presence/", view, name="articles_article_presence")]


def others(article, user):
    """``[{"name", "since", "text"}]`` of the other editors who have the article's form open."""
    now = timezone.now()
    rows = (
        Presence.objects.filter(article=article, seen_at__gte=now - STALE).exclude(user=user)
        .select_related("user").order_by("since")
    )
    found = []
    for row in rows:
        name = row.user.get_full_name() or row.user.get_username()
        since = formats.time_format(timezone.localtime(row.since), "H:i")
        found.append({"name": name, "since": since, "text": _("%(name)s (since %(time)s)") % {"name": name, "time": since}})
    return found


def here(article, user):
    """Record that ``user`` has the form open now."""
    now = timezone.now()
    updated = Presence.objects.filter(article=article, user=user, seen_at__gte=now - STALE).update(seen_at=now)
    if not updated:
        Presence.objects.update_or_create(article=article, user=user, defaults={"since": now, "seen_at": now})


@require_POST
def heartbeat(request, object_id, model_admin):
    """The form is still open (or, with ``leave``, closed): answers who else has it open."""
    article = Article.objects.filter(pk=object_id).first() if object_id.isdigit() else None
    if article is None or not model_admin.has_view_or_change_permission(request, article):
        raise Http404
    if "leave" in request.POST:
        Presence.objects.filter(article=article, user=request.user).delete()
        return JsonResponse({"others": []})
    here(article, request.user)
    return JsonResponse({"others": others(article, request.user)})


def form_context(request, article):
    if article is None:
        return {}
    here(article, request.user)
    return {"present": others(article, request.user), "presence_beat": BEAT}
