"""What the API answers, as pydantic schemas: they make the OpenAPI document and shape each response.

Addresses are absolute (``request.build_absolute_uri``), dates are ISO 8601
in the site's time zone with its offset, as the pages' JSON-LD has them.
"""

import datetime

from django.utils import timezone
from ninja import Field, Schema

from articles import renditions
from articles.caching import cached_reverse


def absolute(context, url):
    return context["request"].build_absolute_uri(url)


class Rendition(Schema):
    url: str
    width: int


class Picture(Schema):
    """An article's picture; ``renditions`` are resized WebP copies of an uploaded one (none for a linked one)."""

    url: str
    width: int | None
    height: int | None
    alt: str
    caption: str
    credit: str
    renditions: list[Rendition]


def picture(image, widths, context):
    if image is None:
        return None
    copies = [{"url": absolute(context, url), "width": width} for url, width in renditions.renditions(image, widths)]
    return {
        "url": absolute(context, image.url), "width": image.width, "height": image.height,
        "alt": image.alt_text, "caption": image.caption, "credit": image.credit, "renditions": copies,
    }


class Person(Schema):
    name: str
    url: str = Field(description="The site's page of the author's articles.")


class Source(Schema):
    name: str
    url: str | None = Field(description="The site's page of the source's articles.")
    original_url: str | None = Field(description="The article at its source.")


class CategoryRef(Schema):
    id: int
    name: str
    path: str = Field(description="Slugs from the top-level category down, e.g. 新媒体/cnbeta.")
    url: str

    @staticmethod
    def resolve_url(obj, context):
        return absolute(context, obj.get_absolute_url())


class TagRef(Schema):
    name: str
    slug: str
    url: str

    @staticmethod
    def resolve_url(obj, context):
        return absolute(context, cached_reverse("articles:tag", slug=obj.slug))


class ArticleSummary(Schema):
    """An article as lists give it: everything but the body."""

    id: int
    title: str
    slug: str
    url: str = Field(description="The article's canonical page.")
    excerpt: str
    status: str = Field(description="published for readers; staff tokens also see draft, review and scheduled.")
    language: str
    published_at: datetime.datetime
    updated_at: datetime.datetime
    authors: list[Person]
    source: Source | None
    categories: list[CategoryRef]
    tags: list[TagRef]
    head_image: Picture | None
    thumbnail: Picture | None

    @staticmethod
    def resolve_url(obj, context):
        return absolute(context, obj.get_absolute_url())

    @staticmethod
    def resolve_status(obj):
        if obj.status not in obj.SHOWN_WHEN_DUE:
            return obj.status
        return "published" if obj.is_visible() else "scheduled"

    @staticmethod
    def resolve_published_at(obj):
        return timezone.localtime(obj.published_at)

    @staticmethod
    def resolve_updated_at(obj):
        return timezone.localtime(obj.updated_at)

    @staticmethod
    def resolve_authors(obj, context):
        return [{"name": name, "url": absolute(context, cached_reverse("articles:author", name=name))}
                for name in obj.authors]

    @staticmethod
    def resolve_source(obj, context):
        if not (obj.source_name or obj.source_url):
            return None
        page = absolute(context, obj.get_source_url()) if obj.source_name else None
        return {"name": obj.source_name, "url": page, "original_url": obj.source_url or None}

    @staticmethod
    def resolve_categories(obj):
        return list(obj.categories.all())  # prefetched

    @staticmethod
    def resolve_tags(obj):
        return list(obj.tags.all())  # prefetched

    @staticmethod
    def resolve_head_image(obj, context):
        return picture(obj.head_image, renditions.ARTICLE_WIDTHS, context)

    @staticmethod
    def resolve_thumbnail(obj, context):
        return picture(obj.thumbnail, renditions.CARD_WIDTHS, context)


class Article(ArticleSummary):
    """A whole article."""

    body: str = Field(description="The stored HTML, sanitized on every save.")


class ArticlePage(Schema):
    items: list[ArticleSummary]
    limit: int
    next: str | None = Field(description="The next page's address; null on the last page.")


class Category(Schema):
    id: int
    name: str
    slug: str
    path: str
    full_name: str
    parent: int | None = Field(description="The parent's id; null for a top-level category.")
    depth: int
    url: str
    article_count: int = Field(description="Published articles filed under it or its descendants, each once.")

    @staticmethod
    def resolve_parent(obj):
        return obj.parent_id

    @staticmethod
    def resolve_url(obj, context):
        return absolute(context, obj.get_absolute_url())

    @staticmethod
    def resolve_article_count(obj):
        return obj.article_total or 0


class Tag(TagRef):
    article_count: int = Field(description="Published articles with the tag.")


class Named(Schema):
    name: str
    url: str
    article_count: int = Field(description="Published articles.")


class Categories(Schema):
    items: list[Category]


class Tags(Schema):
    items: list[Tag]


class NamedList(Schema):
    items: list[Named]


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = Field(description="The query parameter at fault, if one is.")


class Error(Schema):
    error: ErrorDetail
