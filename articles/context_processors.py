from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info

from .models import Category


def sections(request):
    """Top-level categories for the site navigation (one query, evaluated only when shown)."""
    return {"sections": Category.objects.filter(parent__isnull=True).order_by("ordering", "name")}


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
