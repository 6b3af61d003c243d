"""How every API operation is served: the token, the rate limit, then the page cache's rules.

Anonymous answers follow the pages' rules exactly (``articles.caching.serve_cached``):
built from one reading of the content version, kept under it whole, with an
ETag and Last-Modified from it, and 304 for a conditional GET that matches.
An admin save or an import in any process moves the version, so the next
request anywhere gets fresh data. Token answers are never cached, by us or
by anyone (``private, no-store``).
"""

import functools

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from articles.caching import serve_cached

from .auth import staff_token
from .errors import ApiError, error_response
from .throttle import seconds_to_wait


def _shared(request):
    return False  # an anonymous API answer depends on nothing personal, not even a session cookie


def served_like_pages(run):
    """Wraps an operation's ``run`` (see NinjaAPI.add_decorator, mode "view")."""

    @functools.wraps(run)
    def serve(request, *args, **kwargs):
        # Addresses in answers are the site's canonical ones, in its default language, whatever the client's.
        if translation.get_language() == settings.LANGUAGE_CODE:  # most requests: nothing to switch
            return _serve(run, request, *args, **kwargs)
        with translation.override(settings.LANGUAGE_CODE):
            return _serve(run, request, *args, **kwargs)

    return serve


def _serve(run, request, *args, **kwargs):
    try:
        token, refused = staff_token(request), None
    except ApiError as error:
        token, refused = None, error
    if token is not None:
        response = run(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ["Authorization"])
        return response
    wait = seconds_to_wait(request)  # a refused token counts too: nobody tries keys for free
    if wait is not None:
        response = error_response(429, "too_many_requests", f"Too many requests: try again in {wait} s.")
        response["Retry-After"] = str(wait)
        patch_cache_control(response, no_store=True)
        return response
    if refused is not None:
        response = error_response(refused.status, refused.code, refused.message, refused.field)
        if refused.status == 401:
            response["WWW-Authenticate"] = "Bearer"
        return response
    response = serve_cached(
        request, lambda: run(request, *args, **kwargs),
        personal=_shared, max_age=settings.API_MAX_AGE, vary=["Authorization"],
    )
    if not response.has_header("Cache-Control"):  # an answer not from the cache: an error, say
        patch_cache_control(response, public=True, max_age=settings.API_MAX_AGE)
    return response
