from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language_info

from .caching import remember
from .models import Category


def _top_categories():
    return list(Category.objects.filter(parent__isnull=True).order_by("ordering", "name"))


def sections(request):
    """Top-level categories for the site navigation: cached until content changes, read only when shown."""
    return {"sections": SimpleLazyObject(lambda: remember("newsroom:sections:", compute=_top_categories))}


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
