import functools

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.encoding import escape_uri_path
from django.utils.html import format_html_join
from django.utils.translation import get_language, get_language_info

from .caching import remember
from .models import Category


def _section_links():
    sections = Category.objects.filter(parent__isnull=True).order_by("ordering", "name")
    return format_html_join("", '<a href="{}">{}</a>', ((c.get_absolute_url(), c.name) for c in sections))


def sections(request):
    """Links to the top-level categories for the site navigation: rendered once per content version
    and language, read only when shown."""
    return {"section_links": SimpleLazyObject(lambda: remember("newsroom:sections:", get_language(), compute=_section_links))}


def languages(request):
    """This page in every language: links for the switcher and hreflang alternates.

    Chinese lives at ``/``, every other language under ``/<code>/`` (``i18n_patterns``
    without a prefix for the default language), so the other addresses are found
    by swapping that prefix: no URL resolving on every page.
    """
    path = escape_uri_path(request.path_info)
    first = path.split("/", 2)[1]
    if first != settings.LANGUAGE_CODE and first in dict(settings.LANGUAGES):
        path = path[len(first) + 1 :] or "/"
    query = request.META.get("QUERY_STRING", "")
    query = f"?{query}" if query else ""
    root = get_script_prefix().rstrip("/")
    origin = f"{request.scheme}://{request.get_host()}"
    links = []
    for code, _name in settings.LANGUAGES:
        url = root + ("" if code == settings.LANGUAGE_CODE else f"/{code}") + path + query
        links.append({"code": code, "name": get_language_info(code)["name_local"], "url": url, "absolute_url": origin + url})
    return {"language_links": links}


@functools.cache
def _site_links(language, script_prefix):  # the arguments are the cache key: reverse() reads both itself
    names = {"home": "articles:home", "archive": "articles:archive", "search": "articles:search",
             "rss": "feed_rss", "atom": "feed_atom"}
    return {key: reverse(name) for key, name in names.items()}


def site_links(request):
    """The links in every page's header and footer, reversed once per language and process:
    seven ``reverse()`` calls under ``i18n_patterns`` were a tenth of an uncached page."""
    return {"site": _site_links(get_language(), get_script_prefix())}
