"""How every API request is served: the token, the rate limit, then the page cache's rules.

Anonymous answers follow the pages' rules exactly (``articles.caching.serve_cached``):
built from one reading of the content version, kept under it whole, with an
ETag and Last-Modified from it, and 304 for a conditional GET that matches.
An admin save or an import in any process moves the version, so the next
request anywhere gets fresh data. Token answers are never cached, by us or
by anyone (``private, no-store``).

It is a middleware, ahead of sessions, locale, CSRF, authentication and the
rest: a kept answer is sent from here, without them and without ninja's
dispatch, none of which has anything to add to it (what they added when the
answer was built is kept with it). So an app's repeated request costs less
than a reader's cached page, which must go through them all.
"""

import functools

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from articles.caching import serve_cached

from .auth import staff_token
from .errors import API_PREFIX, ApiError, error_response
from .throttle import seconds_to_wait


@functools.cache
def _documents():
    """The API's description (OpenAPI document and docs page): code, not content; no token, count or cache."""
    return frozenset(reverse(name) for name in ("api:openapi-json", "api:openapi-view"))


def _shared(request):
    return False  # an anonymous API answer depends on nothing personal, not even a session cookie


class ApiServingMiddleware:
    """Token, rate limit and cache of every request under ``/api/``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX) or request.path in _documents():
            return self.get_response(request)
        # The cache key names the language: every API answer is in the site's own (see in_site_language).
        with translation.override(settings.LANGUAGE_CODE):
            return self._serve(request)

    def _serve(self, request):
        try:
            token, refused = staff_token(request), None
        except ApiError as error:
            token, refused = None, error
        if token is not None:
            response = self.get_response(request)
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
            request, lambda: self.get_response(request),
            personal=_shared, max_age=settings.API_MAX_AGE, vary=["Authorization"],
        )
        if not response.has_header("Cache-Control"):  # an answer not from the cache: an error, say
            patch_cache_control(response, public=True, max_age=settings.API_MAX_AGE)
        return response


def in_site_language(run):
    """Wraps an operation's ``run`` (NinjaAPI.add_decorator, mode "view"): addresses in answers are
    the site's canonical ones, in its default language, whatever the client's (the locale middleware
    has switched to the client's by then), and the answer says so."""

    @functools.wraps(run)
    def serve(request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            response = run(request, *args, **kwargs)
        response["Content-Language"] = settings.LANGUAGE_CODE
        return response

    return serve
