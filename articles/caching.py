"""Whole-page caching for readers, invalidated by any content change.

Every change to an article, category, image or tag bumps one "content
version" in the cache; page keys include it, so a published change shows at
once. Keys also include a five-minute bucket, so that scheduled articles go
live within five minutes without any change being saved.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language

VERSION_KEY = "newsroom:content-version"
BUCKET_SECONDS = 300


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time(), None)
        version = cache.get(VERSION_KEY, time.time())
    return version


def bump_content_version(**kwargs):
    """Signal receiver: content changed, so every cached page is out of date."""
    cache.set(VERSION_KEY, time.time(), None)


class CachedPageMixin:
    """Serve anonymous GETs from the page cache, with ETag and Last-Modified."""

    def dispatch(self, request, *args, **kwargs):
        if (
            not settings.NEWSROOM_PAGE_CACHE
            or request.method not in ("GET", "HEAD")
            or request.user.is_authenticated
        ):
            return super().dispatch(request, *args, **kwargs)
        version = content_version()
        bucket = int(time.time() // BUCKET_SECONDS)
        identity = f"{version}:{bucket}:{get_language()}:{request.get_full_path()}"
        digest = hashlib.sha1(identity.encode()).hexdigest()
        # A scheduled article going live changes the page without any save.
        etag, last_modified = f'"{digest}"', max(int(version), bucket * BUCKET_SECONDS)
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return not_modified
        key = f"newsroom:page:{digest}"
        response = cache.get(key)
        if response is None:
            response = super().dispatch(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            if hasattr(response, "render"):
                response.render()
            response["ETag"] = etag
            response["Last-Modified"] = http_date(last_modified)
            patch_cache_control(response, public=True, max_age=60)
            cache.set(key, response, BUCKET_SECONDS)
        return response

