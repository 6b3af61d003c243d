import functools

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.encoding import escape_uri_path
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
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
    """This page in every language: hreflang alternates for the head, and the language switcher."""
    query = request.META.get("QUERY_STRING", "")
    origin = f"{request.scheme}://{request.get_host()}"
    return _language_links(request.path_info, query, origin, get_script_prefix(), get_language())


@functools.lru_cache(maxsize=1024)
def _language_links(path, query, origin, script_prefix, current):
    """Rendered here, as the section links are, and remembered per address: quoting a
    long Chinese path and two template loops over it cost a tenth of an article page.

    Chinese lives at ``/``, every other language under ``/<code>/`` (``i18n_patterns``
    without a prefix for the default language), so the other addresses are found
    by swapping that prefix: no URL resolving.
    """
    path = escape_uri_path(path)
    first = path.split("/", 2)[1]
    if first != settings.LANGUAGE_CODE and first in dict(settings.LANGUAGES):
        path = path[len(first) + 1 :] or "/"
    query = f"?{query}" if query else ""
    root = script_prefix.rstrip("/")
    alternates, switcher = [], []
    for code, _name in settings.LANGUAGES:
        url = root + ("" if code == settings.LANGUAGE_CODE else f"/{code}") + path + query
        name = get_language_info(code)["name_local"]
        alternates.append(format_html('<link rel="alternate" hreflang="{}" href="{}">\n  ', code, origin + url))
        if code == current:
            switcher.append(format_html('<span aria-current="true">{}</span>', name))
        else:
            switcher.append(format_html('<a href="{}" hreflang="{}" lang="{}">{}</a>', url, code, code, name))
    return {"alternate_links": mark_safe("".join(alternates)), "language_switcher": mark_safe("".join(switcher))}  # noqa: S308


@functools.cache
def _site_links(language, script_prefix):  # the arguments are the cache key: reverse() reads both itself
    names = {"home": "articles:home", "archive": "articles:archive", "search": "articles:search",
             "rss": "feed_rss", "atom": "feed_atom", "json_feed": "feed_json"}
    return {key: reverse(name) for key, name in names.items()}


def site_links(request):
    """The site's name, and the links in every page's header and footer, reversed once per language
    and process: seven ``reverse()`` calls under ``i18n_patterns`` were a tenth of an uncached page."""
    return {"site": _site_links(get_language(), get_script_prefix()), "site_name": str(settings.NEWSROOM_SITE_NAME)}
