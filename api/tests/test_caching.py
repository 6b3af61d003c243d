"""Anonymous answers are cached like pages: ETag and Last-Modified from the content version, 304s, fresh after edits."""

import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import caching
from articles.models import Article
from articles.tests.factories import ArticleFactory

from .conftest import titles

pytestmark = pytest.mark.django_db
LIST = "/api/v1/articles"


def another_process_saves(article_pk, **changes):
    """An edit committed by another process (a gunicorn worker, an import): the row changes without this
    process's signals, and the shared content version moves, in the version file or in Redis."""
    Article.objects.filter(pk=article_pk).update(**changes)
    moved = time.time() + 1
    if settings.NEWSROOM_VERSION_FILE:
        caching.VersionFile(settings.NEWSROOM_VERSION_FILE).set(moved)
    else:
        cache.set(caching.VERSION_KEY, moved, None)


@pytest.mark.parametrize("url", [LIST, "/api/v1/categories", "/api/v1/tags", "/api/v1/sources", "/api/v1/authors"])
def test_anonymous_answers_carry_validators_and_a_short_public_max_age(client, settings, url):
    """ETag, Last-Modified and Cache-Control: public, max-age=API_MAX_AGE on every anonymous list."""
    settings.API_MAX_AGE = 45
    ArticleFactory(tags=["芯片"], author="张三")
    response = client.get(url)
    assert response.status_code == 200 and response.has_header("ETag") and response.has_header("Last-Modified")
    assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"public", "max-age=45"}
    assert "Authorization" in response["Vary"] and "Accept-Language" not in response["Vary"]


def test_a_matching_if_none_match_is_a_304(client):
    """The same ETag back gets 304 Not Modified with no body, still telling how long to keep it."""
    article = ArticleFactory()
    etag = client.get(f"{LIST}/{article.pk}")["ETag"]
    response = client.get(f"{LIST}/{article.pk}", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response.content == b""
    assert response["ETag"] == etag and "max-age" in response["Cache-Control"]


def test_an_if_modified_since_at_the_last_change_is_a_304(client):
    """Last-Modified is the content version's time: asking since then is a 304."""
    ArticleFactory()
    modified = client.get(LIST)["Last-Modified"]
    assert client.get(LIST, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304


def test_an_admin_save_shows_on_the_next_request(admin_client, client):
    """An editor's save in the admin changes the ETag, and the next request gets the new title."""
    article = ArticleFactory(title="旧标题")
    etag = client.get(LIST)["ETag"]
    from articles.tests.testdata import form_data

    response = admin_client.post(reverse("admin:articles_article_change", args=[article.pk]),
                                 form_data(article, title="新标题"))
    assert response.status_code == 302
    fresh = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and titles(fresh) == ["新标题"] and fresh["ETag"] != etag


def test_an_edit_in_another_process_shows_on_the_next_request(client):
    """When another process moves the shared content version, the answer cached here gives way at once."""
    article = ArticleFactory(title="旧标题")
    first = client.get(f"{LIST}/{article.pk}")
    Article.objects.filter(pk=article.pk).update(title="悄悄改了")  # no signal: the version stays
    assert client.get(f"{LIST}/{article.pk}").json()["title"] == "旧标题"  # the cached answer
    another_process_saves(article.pk, title="新标题")
    fresh = client.get(f"{LIST}/{article.pk}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200 and fresh.json()["title"] == "新标题"


def test_a_repeat_request_is_answered_from_the_cache(client):
    """The second identical request runs only the rate limit's count: the answer is kept whole."""
    ArticleFactory(tags=["芯片"])
    first = client.get(LIST)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(LIST)
    assert second.content == first.content and len(queries) == 1 and "api_requestcount" in queries[0]["sql"]


def test_a_scheduled_article_appears_at_its_time(client):
    """A scheduled article going live moves the version, as for pages: the cached list gives way."""
    import datetime as dt

    from django.utils import timezone

    ArticleFactory(title="现在")
    ArticleFactory(title="稍后", status=Article.Status.SCHEDULED, published_at=timezone.now() + dt.timedelta(seconds=1))
    assert titles(client.get(LIST)) == ["现在"]
    time.sleep(1.1)
    assert titles(client.get(LIST)) == ["稍后", "现在"]


def test_without_the_page_cache_a_list_reads_no_rows_until_content_changes(client, settings):
    """The page cache off, a repeated list or article reads no rows (a page's ids, an article's visibility
    and its JSON are kept under the content version, as the pages' are); an edit in another process shows at once."""
    settings.NEWSROOM_PAGE_CACHE = False
    settings.API_RATE_LIMIT = ""
    article = ArticleFactory(title="旧标题")
    client.get(LIST), client.get(f"{LIST}/{article.pk}")
    with CaptureQueriesContext(connection) as queries:
        assert titles(client.get(LIST)) == ["旧标题"]
        assert client.get(f"{LIST}/{article.pk}").json()["title"] == "旧标题"
    assert len(queries) == 0
    another_process_saves(article.pk, title="新标题")
    assert titles(client.get(LIST)) == ["新标题"]
    assert client.get(f"{LIST}/{article.pk}").json()["title"] == "新标题"


def test_a_kept_answer_is_the_answer_as_built_headers_and_all(client):
    """A repeat request, answered before the rest of the middleware, gets the body and every header
    the first one got (security headers, language, validators), not a thinner copy."""
    article = ArticleFactory()
    for url in (LIST, f"{LIST}/{article.pk}"):
        first, second = client.get(url), client.get(url)
        assert second.content == first.content
        assert dict(second.items()) == dict(first.items())
        assert {"X-Frame-Options", "Content-Security-Policy", "X-Content-Type-Options"} <= set(first.headers)


def test_answers_are_in_the_site_language_whoever_asked_first(client):
    """A client asking in English first does not make the kept answer English for everyone:
    addresses are the site's canonical ones and the answer says it is in the site's language."""
    ArticleFactory(title="标题")
    english = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get(LIST, HTTP_ACCEPT_LANGUAGE="zh-hans")
    for response in (english, chinese):
        assert response["Content-Language"] == settings.LANGUAGE_CODE
        assert "/en/" not in response.json()["items"][0]["url"]
    assert chinese.content == english.content
