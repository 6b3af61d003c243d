"""``Authorization: Bearer <key>``: a staff user's token, checked on every request."""

import datetime

from django.utils import timezone

from .errors import ApiError
from .models import ApiToken, key_digest

LAST_USED_STEP = datetime.timedelta(minutes=1)  # last_used_at is written at most once a minute per token


def staff_token(request):
    """The request's valid staff token, or None for an anonymous request.

    A key that is unknown, revoked or whose user is inactive is a 401; a user
    who may not view articles in the admin (no longer staff, say) is a 403.
    The answer is kept on the request: the API asks more than once.
    """
    if not hasattr(request, "_api_token"):
        request._api_token = _check(request.META.get("HTTP_AUTHORIZATION"))  # not request.headers: it parses them all
    return request._api_token


def _check(header):
    if header is None:
        return None
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ApiError(401, "unauthorized", "Send the token as “Authorization: Bearer <key>”.")
    token = ApiToken.objects.select_related("user").filter(digest=key_digest(key.strip())).first()
    if token is None or token.revoked or not token.user.is_active:
        raise ApiError(401, "unauthorized", "The token is unknown or revoked.")
    if not (token.user.is_staff and token.user.has_perm("articles.view_article")):
        raise ApiError(403, "forbidden", "The token's user may not view articles.")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_STEP:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
