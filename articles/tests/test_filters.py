"""The home page's filters, read as readers and links write them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from taggit.models import Tag

from articles import caching
from articles.models import Category

from .factories import ArticleFactory, ImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese_by_default():
    with translation.override("zh-hans"):
        yield


def home(client, **params):
    response = client.get("/", params)
    assert response.status_code == 200
    return response.content.decode()


def titles(page):
    return set(re.findall(r'class="card-title"><a href="[^"]*">([^<]*)</a>', page))


def errors(page):
    match = re.search(r'<p class="errors">(.*?)</p>', page, re.S)
    return match.group(1) if match else ""


@pytest.fixture
def sections():
    """新媒体 › cnBeta › 最新, and 体育, each with an article."""
    media = Category.objects.create(name="新媒体")
    cnbeta = Category.objects.create(name="cnBeta", parent=media)
    latest = Category.objects.create(name="最新", parent=cnbeta)
    ArticleFactory(title="新媒体的新闻", categories=[media])
    ArticleFactory(title="最新的新闻", categories=[latest])
    ArticleFactory(title="体育新闻", categories=[Category.objects.create(name="体育")])
    return {"media": media, "cnbeta": cnbeta}


@pytest.mark.parametrize("value", ["JavaScript", "javascript", "JAVASCRIPT"])
def test_tag_is_found_by_its_name_or_slug_in_any_case(client, value):
    """?tag=JavaScript, ?tag=javascript and ?tag=JAVASCRIPT all list the articles tagged JavaScript."""
    ArticleFactory(title="脚本新闻", tags=["JavaScript"])
    ArticleFactory(title="别的新闻", tags=["Python"])
    assert Tag.objects.get(name="JavaScript").slug == "javascript"
    assert titles(home(client, tag=value)) == {"脚本新闻"}


def test_source_is_found_in_any_case(client):
    """?source=cnbeta lists the articles from cnBeta."""
    ArticleFactory(title="cnBeta 的稿", source_name="cnBeta")
    ArticleFactory(title="路透社的稿", source_name="路透社")
    assert titles(home(client, source="cnbeta")) == {"cnBeta 的稿"}


@pytest.mark.parametrize("value", ["新媒体/cnbeta", "新媒体/cnBeta/", "/新媒体/cnbeta/"])
def test_category_is_found_by_its_path(client, sections, value):
    """?category=新媒体/cnbeta lists that category and its descendants, and the form shows it chosen."""
    page = home(client, category=value)
    assert titles(page) == {"最新的新闻"}
    assert f'<option value="{sections["cnbeta"].pk}" selected>' in page


@pytest.mark.parametrize("value", ["新媒体", lambda s: str(s["media"].pk)], ids=["name", "id"])
def test_top_level_category_is_found_by_its_name_or_id(client, sections, value):
    """?category=新媒体 (a top-level category's name) lists what its id does: it and all its descendants."""
    page = home(client, category=value if isinstance(value, str) else value(sections))
    assert titles(page) == {"新媒体的新闻", "最新的新闻"}
    assert f'<option value="{sections["media"].pk}" selected>' in page and errors(page) == ""


@pytest.mark.parametrize(("field", "value"), [("category", "没有这个分类"), ("category", "999999"), ("tag", "没有这个标签")])
def test_a_name_that_finds_nothing_is_said_in_the_form(client, sections, field, value):
    """A category or tag that does not exist is named in the open filter form's message, and nothing is listed."""
    page = home(client, **{field: value})
    assert value in errors(page)
    assert '<details class="filters" open>' in page and titles(page) == set()


def filtered_count(client, params):
    caching.bump_content_version()  # measure the view, not the caches
    with CaptureQueriesContext(connection) as queries:
        page = home(client, **params)
    return len(queries), page


def test_filtered_home_page_queries_do_not_grow_with_articles(client, sections):
    """The home page filtered by category path, tag name and source costs as many queries for 5 articles as for 30."""
    params = {"category": "新媒体/cnbeta", "tag": "JavaScript", "source": "cnbeta"}

    def add(n):
        for _ in range(n):
            ArticleFactory(thumbnail=ImageFactory(), categories=[sections["cnbeta"]], tags=["JavaScript"],
                           source_name="cnBeta")

    add(5)
    filtered_count(client, params)  # warm up
    few, _page = filtered_count(client, params)
    add(25)
    many, page = filtered_count(client, params)
    assert len(titles(page)) == 20
    assert many == few


def test_a_filtered_page_seen_before_runs_no_query_without_the_page_cache(client, sections, settings,
                                                                          django_assert_num_queries):
    """With the page cache off, a repeat of a filtered home page is rebuilt from cached pieces without a query."""
    settings.NEWSROOM_PAGE_CACHE = False
    first = home(client, category="新媒体", source="CNBETA")
    assert titles(first) == {"新媒体的新闻", "最新的新闻"}
    with django_assert_num_queries(0):
        assert home(client, category="新媒体", source="CNBETA") == first
