from django.conf import settings
from django.core.cache import cache
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language_info

from .caching import BUCKET_SECONDS, fresh_key
from .models import Category


def _top_categories():
    key = fresh_key("newsroom:sections:")
    found = cache.get(key)
    if found is None:
        found = list(Category.objects.filter(parent__isnull=True).order_by("ordering", "name"))
        cache.set(key, found, BUCKET_SECONDS)
    return found


def sections(request):
    """Top-level categories for the site navigation: cached until content changes, read only when shown."""
    return {"sections": SimpleLazyObject(_top_categories)}


def languages(request):
    """This page in every language: links for the switcher and hreflang alternates."""
    query = request.META.get("QUERY_STRING", "")
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(request.path, code)
        links.append(
            {"code": code, "name": get_language_info(code)["name_local"], "url": url + (f"?{query}" if query else "")}
        )
    return {"language_links": links}
