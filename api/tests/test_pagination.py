"""Keyset pages of the article list: first, middle, last and past the end, bad cursors, limits, queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.pagination import encode_cursor
from articles.models import Category
from articles.tests.factories import ArticleFactory, ImageFactory

from .conftest import error_of, items

pytestmark = pytest.mark.django_db
LIST = "/api/v1/articles"


def make_articles(count, **fields):
    now = timezone.now()
    return [ArticleFactory(title=f"第{n}条", published_at=now - dt.timedelta(minutes=n), **fields) for n in range(count)]


def walk(client, url, params):
    """Every page from ``url`` on, following ``next``: the titles of each page."""
    pages = []
    response = client.get(url, params)
    while True:
        body = response.json()
        pages.append([item["title"] for item in body["items"]])
        if body["next"] is None:
            return pages
        response = client.get(body["next"])


def test_limit_defaults_to_20_and_next_is_an_absolute_address(client):
    """Without limit a page holds 20 articles, and next is a whole URL that keeps the filters."""
    make_articles(21, source_name="新华社")
    body = client.get(LIST, {"source": "新华社"}).json()
    assert len(body["items"]) == 20 and body["limit"] == 20
    assert body["next"].startswith("http://testserver/api/v1/articles?") and "source=" in body["next"]


def test_walking_the_pages_gives_every_article_once_in_order(client):
    """Pages of 3 over 7 articles: 3, 3, 1, newest first, nothing repeated or skipped; the last has no next."""
    make_articles(7)
    pages = walk(client, LIST, {"limit": 3})
    assert [len(page) for page in pages] == [3, 3, 1]
    assert sum(pages, []) == [f"第{n}条" for n in range(7)]


def test_a_full_last_page_has_no_next(client):
    """When the articles end with a page, that page says so: no next pointing at an empty page."""
    make_articles(4)
    assert [len(page) for page in walk(client, LIST, {"limit": 2})] == [2, 2]


def test_articles_of_the_same_moment_are_split_by_id(client):
    """Ties on the publication time are ordered by id, so a page break between them loses none."""
    moment = timezone.now() - dt.timedelta(hours=1)
    same = [ArticleFactory(published_at=moment) for _ in range(5)]
    pages = walk(client, LIST, {"limit": 2})
    assert [title for page in pages for title in page] == [a.title for a in sorted(same, key=lambda a: -a.pk)]


def test_a_cursor_past_the_end_gives_an_empty_last_page(client):
    """A cursor after the oldest article answers an empty page without next, not an error."""
    oldest = make_articles(2)[-1]
    body = client.get(LIST, {"cursor": encode_cursor(oldest)}).json()
    assert body == {"items": [], "limit": 20, "next": None}


def test_a_page_does_not_shift_when_an_article_is_published_meanwhile(client):
    """New articles go on page one: the next page of a reader already paging is unchanged."""
    make_articles(4)
    first = client.get(LIST, {"limit": 2}).json()
    ArticleFactory(title="新来的", published_at=timezone.now())
    assert [item["title"] for item in client.get(first["next"]).json()["items"]] == ["第2条", "第3条"]


@pytest.mark.parametrize("cursor", ["nonsense", "!!!", "MTIz", "YS5i", "OTk5OTk5OTk5OTk5OTk5OTk5OTkuMQ"])
def test_an_invalid_cursor_is_a_400(client, cursor):
    """A cursor not made by the API (garbage, not base64, wrong contents, out of range) is a 400 on cursor."""
    assert error_of(client.get(LIST, {"cursor": cursor}), 400)["field"] == "cursor"


@pytest.mark.parametrize("limit", ["0", "101", "-1"])
def test_a_limit_outside_1_to_100_is_a_400(client, limit):
    """limit is documented as at most 100: more (or less than 1) is refused, naming limit."""
    assert error_of(client.get(LIST, {"limit": limit}), 400)["field"] == "limit"
    assert len(items(client.get(LIST, {"limit": "100"}))) == 0


def test_the_list_runs_as_many_queries_for_50_articles_as_for_5(client):
    """Categories, tags and pictures come in one query each, and articles already written none: the page
    size does not change the count."""
    now = timezone.now()
    category, other = Category.objects.create(name="科技"), Category.objects.create(name="财经")
    for n in range(50):
        ArticleFactory(published_at=now - dt.timedelta(minutes=n), categories=[category, other], tags=["芯片", f"t{n}"],
                       head_image=ImageFactory(), thumbnail=ImageFactory())
    client.get(LIST, {"limit": 1})  # what is read once per content version (the next scheduled article)
    counts = {}
    for limit in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            assert len(items(client.get(LIST, {"limit": limit}))) == limit
        counts[limit] = len(queries)
    # The rate limit's count, the page's ids, the articles not written yet with pictures, categories, tags.
    assert counts[5] == counts[50] == 5
    with CaptureQueriesContext(connection) as queries:  # another address than the pages kept whole so far
        assert len(items(client.get(LIST, {"limit": 49}))) == 49
    assert len(queries) == 2  # all of them written before: the count and the ids


def test_page_500_is_one_index_walk_from_the_cursor(client):
    """A later page is found from its cursor alone: no OFFSET, the same query as page one with a bound."""
    articles = make_articles(6)
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST, {"limit": 2, "cursor": encode_cursor(articles[3])})
    listing = next(q["sql"] for q in queries if "articles_article" in q["sql"] and "LIMIT" in q["sql"])
    assert "OFFSET" not in listing.upper() and "LIMIT 3" in listing.upper()
