"""HTML pieces the public templates call: pictures, cards, JSON-LD and highlighted search terms."""

import json
import re

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from jinja2 import pass_context

from . import renditions
from .caching import render_cards, signed_in


def highlight(text, terms):
    """Escape ``text`` and wrap each search term in <mark>."""
    if not terms:
        return escape(text)
    pattern = re.compile("(" + "|".join(re.escape(term) for term in terms) + ")", re.I)
    parts = pattern.split(str(text))  # odd items are the matches
    return mark_safe(  # noqa: S308 - every part is escaped
        "".join(f"<mark>{escape(part)}</mark>" if i % 2 else escape(part) for i, part in enumerate(parts))
    )


def json_ld(data):
    """A JSON-LD script element; <, > and & are escaped so no value can end the script."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    # str.replace, not str.translate: translate looks up every character of the (Chinese) text.
    payload = payload.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


def article_json_ld(article, page_url, image_url="", logo_url=""):
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "datePublished": article.published_at,
        "dateModified": article.updated_at,
        "mainEntityOfPage": page_url,
        "description": article.excerpt,
        "publisher": {"@type": "Organization", "name": str(settings.NEWSROOM_SITE_NAME)},
    }
    if image_url:
        data["image"] = [image_url]
    if logo_url:
        data["publisher"]["logo"] = {"@type": "ImageObject", "url": logo_url}
    if article.author:
        authors = [{"@type": "Person" if name != article.source_name else "Organization", "name": name}
                   for name in article.authors]
        data["author"] = authors[0] if len(authors) == 1 else authors
    if article.date_estimated:  # the file gave no date: claim none
        del data["datePublished"]
    if article.language:
        data["inLanguage"] = article.language
    return json_ld(data)


def picture(image, kind="card", alt="", lead=False):
    """An <img> for an article image: resized renditions for uploads, no-referrer hotlinks for remote ones.

    The lead image of a page loads eagerly with high priority, the rest lazily.
    """
    widths, sizes = (
        (renditions.ARTICLE_WIDTHS, renditions.ARTICLE_SIZES)
        if kind == "article"
        else (renditions.CARD_WIDTHS, "(max-width: 48rem) 100vw, 20rem")
    )
    src, srcset = renditions.srcset(image, widths)
    loading = mark_safe('fetchpriority="high"' if lead else 'loading="lazy"')  # noqa: S308 - constants
    size = format_html(' width="{}" height="{}"', image.width, image.height) if image.width else ""
    extra = format_html(' srcset="{}" sizes="{}"', srcset, sizes) if srcset else ""
    return format_html(
        '<img src="{}"{} alt="{}" {} decoding="async" referrerpolicy="no-referrer"{}>',
        src, extra, alt, loading, size,
    )


@pass_context
def article_cards(context, articles, terms=None, template="includes/article_card.html"):
    """Cards for a list of articles, from the card cache for readers (search results highlighted).

    Signed-in staff get freshly rendered cards.
    """
    request = context.get("request")
    if request is not None and signed_in(request):
        return mark_safe(  # noqa: S308 - our template
            "".join(render_to_string(template, {"article": a, "terms": terms}) for a in articles)
        )
    return render_cards(articles, terms, template)
