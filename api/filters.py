"""The article list's query parameters, read as the site's filter form reads them (see articles.filters)."""

import datetime
from typing import Literal

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from ninja import Field, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from articles.filters import named_category, tags_named
from articles.models import Article, TaggedArticle
from articles.search import MIN_TERM_CHARS, matching, terms_of

from .errors import ApiError

MAX_LIMIT = 100
YEARS = range(1900, 2201)  # as the site's filter: outside them, moving to UTC could overflow
DATE_HINT = "Use an ISO 8601 date or date and time, e.g. 2024-05-01 or 2024-05-01T08:00:00+08:00."


class ArticleFilters(Schema):
    category: str | None = Field(
        None, description="A category's path (新媒体/cnbeta), id or top-level name, in any case; its descendants too."
    )
    tag: str | None = Field(None, description="A tag's name or slug, in any case.")
    source: str | None = Field(None, description="A source's name, in any case.")
    author: str | None = Field(None, description="One author's name, exactly.")
    language: str | None = Field(None, description="The article's language as stored, e.g. zh-CN, in any case.")
    published_after: datetime.datetime | None = Field(
        None, description="Published at or after: a date (from its start) or a date and time (without an offset, "
        "in the site's time zone)."
    )
    published_before: datetime.datetime | None = Field(
        None, description="Published at or before: a date (to its end, as the site's filter) or a date and time."
    )
    q: str | None = Field(
        None, description=f"The site's search: every term (separated by spaces, {MIN_TERM_CHARS} characters or "
        "more; Chinese needs no spaces between words) in the title or the text. Newest first, as every list here."
    )
    status: Literal["published", "scheduled", "review", "draft"] | None = Field(
        None, description="Staff tokens only; without it, a token sees every status."
    )
    cursor: str | None = Field(None, description="From the previous page's `next`.")
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description=f"Articles per page, at most {MAX_LIMIT}.")

    @field_validator("published_after", "published_before", mode="before")
    @classmethod
    def read_date(cls, value, info):
        """A date, or a date and time (naive ones in the site's time zone), like posts' dates."""
        if not isinstance(value, str):
            return value
        try:
            day = parse_date(value.strip())
            moment = None if day else parse_datetime(value.strip())
        except ValueError:
            day = moment = None
        if day is not None:
            time = datetime.time.max if info.field_name == "published_before" else datetime.time.min
            moment = datetime.datetime.combine(day, time)
        if moment is None:
            raise PydanticCustomError("date", DATE_HINT)
        if moment.year not in YEARS:
            raise PydanticCustomError("date", "The year must be between 1900 and 2200.")
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def filter_articles(articles, filters, staff):
    """``articles`` narrowed by ``filters``; a value that names nothing is a 400 naming its parameter."""
    if filters.status:
        if not staff:
            raise ApiError(400, "invalid", "Filtering by status needs a staff token.", "status")
        articles = by_status(articles, filters.status)
    if filters.category:
        category = named_category(filters.category)
        if category is None:
            raise ApiError(400, "not_found", f"There is no category “{filters.category}”.", "category")
        articles = articles.in_category(category)
    if filters.tag:
        tags = tags_named(filters.tag.strip())
        if not tags:
            raise ApiError(400, "not_found", f"There is no tag “{filters.tag}”.", "tag")
        articles = articles.filter(Exists(TaggedArticle.objects.filter(content_object_id=OuterRef("pk"), tag_id__in=tags)))
    if filters.source:
        articles = articles.filter(source_name__iexact=filters.source.strip())
    if filters.author:
        articles = articles.by_author(filters.author.strip())
    if filters.language:
        articles = articles.filter(language__iexact=filters.language.strip())
    if filters.published_after:
        articles = articles.filter(published_at__gte=filters.published_after)
    if filters.published_before:
        articles = articles.filter(published_at__lte=filters.published_before)
    if filters.q is not None and filters.q.strip():
        terms = terms_of(filters.q)
        if not terms:
            raise ApiError(400, "invalid", f"Search terms need {MIN_TERM_CHARS} characters or more.", "q")
        articles = matching(articles, terms)
    return articles


def by_status(articles, status):
    """What each status means to a reader: published is what readers see now, scheduled what they will."""
    if status == "published":
        return articles.published()
    if status == "scheduled":
        return articles.filter(status__in=Article.SHOWN_WHEN_DUE, published_at__gt=timezone.now())
    return articles.filter(status=status)
