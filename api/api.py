"""The read API: /api/v1/ (django-ninja). Its OpenAPI document and docs come from the schemas here."""

import json
from collections import Counter

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from ninja import NinjaAPI, Query, Swagger
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from taggit.models import Tag

from articles.caching import cached_reverse, remember, remember_many
from articles.models import Article, Category

from . import schemas
from .auth import staff_token
from .errors import ApiError, register_handlers
from .filters import MAX_LIMIT, ArticleFilters, filter_articles
from .pagination import keyset_page
from .serving import in_site_language

DESCRIPTION = f"""
Read-only JSON of what the site's readers see: published articles, the category
tree, tags, sources and authors. Lists of articles are newest first, in keyset
pages (`limit`, at most {MAX_LIMIT}; follow `next`), and give everything but the
body, which the article itself has.

Anonymous answers are cached like the site's pages (ETag, Last-Modified,
`Cache-Control: public`) and rate-limited per address (429 with `Retry-After`).
A staff token (`Authorization: Bearer <key>`, made in the admin) also sees
drafts, articles in review and scheduled ones; its answers are never cached.
Every error is `{{"error": {{"code", "message", "field"}}}}`.
"""


class ReadApi(NinjaAPI):
    """Ninja's API with the staff token in its OpenAPI document (the token is checked in ``serving``,
    before the cache, so ninja's own auth is not used) and operation ids that are the views' names."""

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        schema["components"]["securitySchemes"] = {"staffToken": {"type": "http", "scheme": "bearer"}}
        schema["security"] = [{}, {"staffToken": []}]  # anonymous, or a staff token
        return schema

    def get_openapi_operation_id(self, operation):
        return operation.view_func.__name__


class Utf8Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Chinese as itself: a third of the size of \\u escapes


with translation.override(settings.LANGUAGE_CODE):  # not the language of whichever request loads the URLs
    TITLE = f"{settings.NEWSROOM_SITE_NAME} API"

api = ReadApi(
    title=TITLE,
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    renderer=Utf8Renderer(),
    docs=Swagger(settings={"validatorUrl": None}),  # no badge fetched from a validator elsewhere
)
api.add_decorator(in_site_language, mode="view")
register_handlers(api)
ERRORS = {400: schemas.Error, 401: schemas.Error, 403: schemas.Error, 404: schemas.Error, 429: schemas.Error}


def visible_articles(request):
    """What the request may see: what readers see, or everything for a staff token."""
    return Article.objects.all() if staff_token(request) else Article.objects.published()


@api.get("/articles", response={200: schemas.ArticlePage, **ERRORS}, url_name="articles", tags=["articles"])
def list_articles(request, filters: Query[ArticleFilters]):
    """Articles, newest first, without their bodies; every filter narrows the list."""
    unknown = sorted(set(request.GET) - set(ArticleFilters.model_fields))
    if unknown:
        raise ApiError(400, "invalid", "Unknown parameter.", unknown[0])
    staff = bool(staff_token(request))

    def page():
        return keyset_page(filter_articles(visible_articles(request), filters, staff=staff), filters.cursor, filters.limit)

    # As the pages' ids (ArticlePaginator): kept until content changes, so a list reads no rows.
    query = tuple((name, tuple(values)) for name, values in sorted(request.GET.lists()))
    pks, cursor = remember("newsroom:api-page:", staff, query, compute=page)
    following = None
    if cursor:
        query = request.GET.copy()
        query["cursor"] = cursor
        following = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    tail = json.dumps({"limit": filters.limit, "next": following}, ensure_ascii=False)
    pieces = written(request, schemas.ArticleSummary, pks)
    return json_response('{"items": [' + ", ".join(pieces) + "], " + tail[1:])


def written(request, schema, pks):
    """The articles of ``pks`` as ``schema`` writes them in JSON, each made once per content version,
    host and shape, as the pages' article cards are: a list then reads only its articles' ids and
    dates, and shaping twenty articles, most of its time, is done once."""

    def write(keys):
        articles = Article.objects.filter(pk__in=[pk for *_shape, pk in keys]).select_related("head_image", "thumbnail")
        articles = articles.defer("search_text", *(["body"] if schema is schemas.ArticleSummary else []))
        by_pk = {article.pk: article for article in articles.prefetch_related("categories", "tags")}
        return {
            key: json.dumps(  # as ninja's renderer writes it (dates to the millisecond)
                schema.from_orm(by_pk[key[-1]], context={"request": request}).model_dump(), cls=NinjaJSONEncoder,
                ensure_ascii=False,
            )
            for key in keys
        }

    shape = (schema.__name__, request.scheme, request.get_host())
    keys = [(*shape, pk) for pk in pks]
    found = remember_many("newsroom:api-article:", keys, compute=write)
    return [found[key] for key in keys]


def json_response(text):
    """An answer already in the shape its schema documents (the schemas wrote its pieces)."""
    return HttpResponse(text, content_type="application/json; charset=utf-8")


@api.get("/articles/{int:id}", response={200: schemas.Article, **ERRORS}, url_name="article", tags=["articles"])
def get_article(request, id: int):
    """One article, with its body."""
    return json_response(written(request, schemas.Article, [visible_pk(request, pk=id)])[0])


@api.get("/articles/by-slug/{slug}", response={200: schemas.Article, **ERRORS}, url_name="article-by-slug",
         tags=["articles"])
def get_article_by_slug(request, slug: str):
    """One article by its slug (Chinese slugs percent-encoded in the address)."""
    return json_response(written(request, schemas.Article, [visible_pk(request, slug=slug)])[0])


def visible_pk(request, **lookup):
    """The id of the article of ``lookup`` that the request may see (kept until content changes), or a 404."""
    staff = bool(staff_token(request))
    return remember("newsroom:api-pk:", staff, *sorted(lookup.items()), compute=lambda: get_object_or_404(
        visible_articles(request).values_list("pk", flat=True), **lookup))


@api.get("/categories", response={200: schemas.Categories, **ERRORS}, url_name="categories", tags=["filing"])
def list_categories(request):
    """Every category, by path: the tree, each with its parent's id and the published articles under it."""
    categories = Category.objects.with_article_totals(Article.objects.published()).order_by("path")
    return {"items": list(categories)}


@api.get("/tags", response={200: schemas.Tags, **ERRORS}, url_name="tags", tags=["filing"])
def list_tags(request):
    """Tags of published articles, the most used first."""
    published = Article.objects.published()
    tags = (
        Tag.objects.filter(articles_taggedarticle_items__content_object__in=published)
        .annotate(article_count=Count("articles_taggedarticle_items"))
        .order_by("-article_count", "name")
    )
    return {"items": list(tags)}


def named(request, counts, view):
    return {"items": [
        {"name": name, "url": request.build_absolute_uri(cached_reverse(view, name=name)), "article_count": total}
        for name, total in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]}


@api.get("/sources", response={200: schemas.NamedList, **ERRORS}, url_name="sources", tags=["filing"])
def list_sources(request):
    """Sources (publications) of published articles, the most published first."""
    rows = Article.objects.published().exclude(source_name="").values_list("source_name").annotate(n=Count("pk"))
    return named(request, dict(rows.order_by()), "articles:source")


@api.get("/authors", response={200: schemas.NamedList, **ERRORS}, url_name="authors", tags=["filing"])
def list_authors(request):
    """Authors of published articles, the most published first; an article of several authors counts for each."""
    rows = Article.objects.published().exclude(author="").values_list("author").annotate(n=Count("pk"))
    counts = Counter()
    for joined, total in rows.order_by():  # one row per distinct list of authors, split here
        for name in Article(author=joined).authors:
            counts[name] += total
    return named(request, counts, "articles:author")
