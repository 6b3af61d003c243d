"""The page cache as readers and editors meet it: fast repeats, 304s, changes showing at once."""

import datetime as dt
import re
import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from taggit.models import Tag

from articles import caching
from articles.models import Article, Category

from .factories import ArticleFactory, ImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese_by_default():
    with translation.override("zh-hans"):
        yield


def url_of(obj):
    with translation.override("zh-hans"):
        return obj.get_absolute_url()


def text(response):
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def site():
    category = Category.objects.create(name="科技")
    article = ArticleFactory(
        title="缓存测试新闻", categories=[category], tags=["芯片"], thumbnail=ImageFactory(), source_name="新华社"
    )
    ArticleFactory(title="另一条新闻", categories=[category])
    return {"category": category, "article": article}


PAGES = {
    "home": lambda s: "/",
    "home-en": lambda s: "/en/",
    "home-page-param": lambda s: "/?page=1",
    "category": lambda s: url_of(s["category"]),
    "article": lambda s: url_of(s["article"]),
    "tag": lambda s: f"/tags/{Tag.objects.get(name='芯片').slug}/",
    "search": lambda s: "/search/?q=缓存",
    "archive": lambda s: "/archive/",
}


@pytest.mark.parametrize("kind", PAGES)
def test_second_anonymous_get_runs_no_queries(client, site, django_assert_num_queries, kind):
    """A reader's repeat visit is served from the cache without touching the database."""
    url = PAGES[kind](site)
    first = text(client.get(url))
    with django_assert_num_queries(0):
        second = text(client.get(url))
    assert second == first


def test_first_get_does_query_the_database(client, site):
    """The first visit builds the page from the database (the cache is really empty at start)."""
    with CaptureQueriesContext(connection) as queries:
        text(client.get("/"))
    assert len(queries) > 0


def test_pages_in_two_languages_are_cached_apart(client, site):
    """The Chinese and English home pages are each cached in their own language."""
    text(client.get("/"))
    text(client.get("/en/"))
    assert '<html lang="zh-hans">' in text(client.get("/"))
    assert '<html lang="en">' in text(client.get("/en/"))


@pytest.mark.parametrize("kind", ["home", "article"])
def test_pages_read_at_two_host_names_are_cached_apart(client, site, settings, kind):
    """A page cached for one host name keeps its absolute links to itself: the other host gets its own."""
    settings.ALLOWED_HOSTS = ["news.example.com", "mirror.example.org"]
    url = PAGES[kind](site)
    for host in ("news.example.com", "mirror.example.org", "news.example.com"):
        page = text(client.get(url, HTTP_HOST=host))
        assert f'<link rel="canonical" href="http://{host}/' in page


def test_response_carries_etag_last_modified_and_public_cache_control(client, site):
    """Cached pages tell browsers how to revalidate them."""
    response = client.get("/")
    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    assert response["Last-Modified"].endswith("GMT")
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    assert client.get("/en/")["ETag"] != response["ETag"]


@pytest.mark.parametrize("kind", ["home", "category", "article"])
def test_conditional_get_with_the_etag_is_304(client, site, django_assert_num_queries, kind):
    """Asking again with the returned ETag gets a bodiless 304 Not Modified, without queries."""
    url = PAGES[kind](site)
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(0):
        response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""


@pytest.mark.parametrize("kind", ["home", "article"])
def test_cached_pages_say_they_vary_by_cookie(client, site, kind):
    """Fresh, cached and 304 answers all tell shared caches that a signed-in editor gets another page."""
    url = PAGES[kind](site)
    first, second = client.get(url), client.get(url)
    not_modified = client.get(url, headers={"if-none-match": first["ETag"]})
    assert not_modified.status_code == 304
    for response in (first, second, not_modified):
        assert "Cookie" in response["Vary"]


def test_conditional_get_with_another_pages_etag_is_200(client, site):
    """An ETag of one page does not validate another page."""
    etag = client.get("/")["ETag"]
    assert client.get(url_of(site["category"]), headers={"if-none-match": etag}).status_code == 200


def test_old_etag_is_200_after_a_change(client, site):
    """After an article changes, the old ETag no longer validates and the new page is sent."""
    etag = client.get("/")["ETag"]
    site["article"].title = "改过的标题"
    site["article"].save()
    response = client.get("/", headers={"if-none-match": etag})
    assert response.status_code == 200 and "改过的标题" in response.content.decode()
    assert response["ETag"] != etag


def test_publishing_a_draft_shows_at_once(client, site):
    """Publishing a draft (save) makes it appear on the next visit to cached pages."""
    draft = ArticleFactory(title="刚发布的新闻", status=Article.Status.DRAFT, categories=[site["category"]])
    home, category = text(client.get("/")), text(client.get(url_of(site["category"])))
    assert "刚发布的新闻" not in home and "刚发布的新闻" not in category
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert "刚发布的新闻" in text(client.get("/"))
    assert "刚发布的新闻" in text(client.get(url_of(site["category"])))


def test_editing_an_article_shows_at_once(client, site):
    """Editing an article's title (save) shows the new title on the home and article pages."""
    article = site["article"]
    text(client.get("/"))
    text(client.get(url_of(article)))
    article.title = "更新后的标题"
    article.save()
    assert "更新后的标题" in text(client.get("/"))
    assert "<h1>更新后的标题</h1>" in text(client.get(url_of(article)))


def test_unpublishing_an_article_hides_it_at_once(client, site):
    """Turning an article back into a draft takes it off cached pages and makes its page a 404."""
    article = site["article"]
    url = url_of(article)
    text(client.get("/"))
    text(client.get(url))
    article.status = Article.Status.DRAFT
    article.save()
    assert "缓存测试新闻" not in text(client.get("/"))
    assert client.get(url).status_code == 404


def test_deleting_an_article_hides_it_at_once(client, site):
    """A deleted article disappears from the cached home page."""
    text(client.get("/"))
    site["article"].delete()
    assert "缓存测试新闻" not in text(client.get("/"))


def test_renaming_a_category_shows_at_once(client, site):
    """Renaming a category changes the navigation and the category page on the next visit."""
    category = site["category"]
    text(client.get("/"))
    text(client.get(url_of(category)))
    category.name = "科学技术"
    category.save()
    assert ">科学技术</a>" in text(client.get("/"))
    assert "科学技术" in text(client.get(url_of(category)))


def test_filing_an_article_under_a_category_shows_at_once(client, site):
    """Adding an article to a category (m2m change only) shows it on that category's cached page."""
    other = Category.objects.create(name="体育")
    text(client.get(url_of(other)))
    site["article"].categories.add(other)
    assert "缓存测试新闻" in text(client.get(url_of(other)))


def test_tagging_an_article_shows_at_once(client, site):
    """Adding a tag to an article shows it on the cached article page."""
    url = url_of(site["article"])
    text(client.get(url))
    site["article"].tags.add("量子计算")
    assert "#量子计算" in text(client.get(url))
    site["article"].tags.remove("量子计算")
    assert "#量子计算" not in text(client.get(url))


def test_cache_really_serves_stale_content_without_a_signal(client, site):
    """A change that bypasses save() (queryset.update) is not seen by readers until the cache expires."""
    text(client.get("/"))
    Article.objects.filter(pk=site["article"].pk).update(title="悄悄改的标题")
    assert "悄悄改的标题" not in text(client.get("/"))  # proves the page came from the cache


def test_logged_in_staff_are_not_served_cached_pages(client, site, admin_user):
    """Staff see the current database, not the page cached for readers."""
    text(client.get("/"))
    Article.objects.filter(pk=site["article"].pk).update(title="悄悄改的标题")
    client.force_login(admin_user)
    staff_page = text(client.get("/"))
    assert "悄悄改的标题" in staff_page
    assert "ETag" not in client.get("/")


def test_staff_preview_of_a_draft_is_not_cached_for_readers(client, admin_user):
    """After staff preview a draft, readers asking for the same address still get a 404."""
    draft = ArticleFactory(title="内部草稿", status=Article.Status.DRAFT)
    url = url_of(draft)
    client.force_login(admin_user)
    assert "内部草稿" in text(client.get(url))
    client.logout()
    assert client.get(url).status_code == 404


def test_staff_pages_do_not_fill_the_reader_cache(client, admin_user):
    """A page rendered for staff is not stored and later served to readers."""
    article = ArticleFactory(title="第一版")
    client.force_login(admin_user)
    text(client.get("/"))
    client.logout()
    Article.objects.filter(pk=article.pk).update(title="第二版")
    assert "第二版" in text(client.get("/"))


def test_if_modified_since_alone_sees_a_scheduled_article_go_live(client, site, monkeypatch):
    """A client revalidating with If-Modified-Since only gets the new page once a scheduled article is live."""
    scheduled = ArticleFactory(title="定时发布的新闻", published_at=timezone.now() + dt.timedelta(minutes=2))
    first = client.get("/")
    assert "定时发布的新闻" not in text(first)
    # Ten minutes later: the article's time has passed, nothing was saved.
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - dt.timedelta(minutes=8))
    later = time.time() + 600
    monkeypatch.setattr(caching, "time", SimpleNamespace(time=lambda: later))
    response = client.get("/", headers={"if-modified-since": first["Last-Modified"]})
    assert response.status_code == 200 and "定时发布的新闻" in response.content.decode()


def test_scheduled_article_goes_live_at_its_time_without_a_save(client, site, monkeypatch):
    """A scheduled article shows on every page from its publication time on, with nothing saved."""
    due = timezone.now() + dt.timedelta(minutes=2)
    scheduled = ArticleFactory(title="定时发布的新闻", published_at=due)
    assert "定时发布的新闻" not in text(client.get("/"))
    # Time passes for the database; the page cache's clock is moved by hand below.
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - dt.timedelta(seconds=1))
    just_before = due.timestamp() - 1
    monkeypatch.setattr(caching, "time", SimpleNamespace(time=lambda: just_before))
    assert "定时发布的新闻" not in text(client.get("/"))  # not its time yet: still the cached page
    just_after = due.timestamp() + 1
    monkeypatch.setattr(caching, "time", SimpleNamespace(time=lambda: just_after))
    assert "定时发布的新闻" in text(client.get("/"))


def test_a_process_started_after_an_article_went_live_still_shows_it(client, site, monkeypatch):
    """A process that first looks after a scheduled article's time (a restart, the shared copy gone) still shows it."""
    due = timezone.now() + dt.timedelta(minutes=2)
    ArticleFactory(title="定时发布的新闻", published_at=due)
    assert "定时发布的新闻" not in text(client.get("/"))
    monkeypatch.setattr(caching, "_due_box", (None, None))
    monkeypatch.setattr(caching, "_recent_box", (None, {}))
    cache.delete(f"newsroom:next-due:{caching.content_version()}")
    after = due + dt.timedelta(seconds=1)
    monkeypatch.setattr(caching, "time", SimpleNamespace(time=after.timestamp))
    monkeypatch.setattr(timezone, "now", lambda: after)
    assert "定时发布的新闻" in text(client.get("/"))


def test_nothing_expires_on_a_timer_without_scheduled_articles(client, site, monkeypatch, django_assert_num_queries):
    """With no article waiting for its time, a cached page is still served, query-free, an hour later."""
    ArticleFactory(title="普通新闻")
    assert "普通新闻" in text(client.get("/"))
    an_hour_later = time.time() + 3600
    monkeypatch.setattr(caching, "time", SimpleNamespace(time=lambda: an_hour_later))
    with django_assert_num_queries(0):
        assert "普通新闻" in text(client.get("/"))


def test_list_totals_and_pages_follow_new_articles(client):
    """A new article updates the result count and opens a second page at once."""
    for i in range(20):
        ArticleFactory(title=f"计数新闻{i}")
    assert "“计数”的搜索结果：20 条" in text(client.get("/search/", {"q": "计数"}))
    assert client.get("/", {"page": 2}).status_code == 404
    ArticleFactory(title="计数新闻第二十一条")
    assert "“计数”的搜索结果：21 条" in text(client.get("/search/", {"q": "计数"}))
    assert len(re.findall(r'<article class="card">', text(client.get("/", {"page": 2})))) == 1


def test_list_total_is_not_shared_between_filters(client):
    """Two filters of the same list each get their own count and pages."""
    for _ in range(21):
        ArticleFactory(source_name="新华社")
    ArticleFactory(source_name="路透社")
    assert client.get("/", {"source": "新华社", "page": 2}).status_code == 200
    assert client.get("/", {"source": "路透社", "page": 2}).status_code == 404


def test_feeds_are_served_from_the_page_cache(client, django_assert_num_queries):
    """A feed fetched twice by anonymous readers runs no query the second time."""
    ArticleFactory(title="订阅里的新闻")
    first = client.get("/feeds/rss/")
    with django_assert_num_queries(0):
        second = client.get("/feeds/rss/")
    assert second.content == first.content and "订阅里的新闻" in second.content.decode()


# --- Without the page cache: fragments and data kept until content changes ---------------------


@pytest.mark.parametrize("kind", PAGES)
def test_warm_pages_run_no_queries_without_the_page_cache(client, site, settings, django_assert_num_queries, kind):
    """With the page cache off, a page whose pieces were all read before is rebuilt without a query."""
    settings.NEWSROOM_PAGE_CACHE = False
    url = PAGES[kind](site)
    first = text(client.get(url))
    with django_assert_num_queries(0):
        second = text(client.get(url))
    assert second == first


@pytest.mark.parametrize("kind", ["home", "category", "article", "tag", "search"])
def test_a_change_saved_on_another_server_shows_at_once(client, site, settings, kind):
    """Each process's own copy of cached pieces gives way as soon as the shared version moves.

    Another server's save is played here by changing the row without signals
    and moving the shared version only.
    """
    settings.NEWSROOM_PAGE_CACHE = False
    url = PAGES[kind](site)
    assert "测试新闻" in text(client.get(url))
    Article.objects.filter(pk=site["article"].pk).update(title="缓存测试新闻改过了")
    assert "改过了" not in text(client.get(url))  # this process's copy was used
    caching._bump()  # what a commit in another process does
    assert "测试新闻改过了" in text(client.get(url))


def test_feed_without_the_page_cache_follows_changes(client, settings, django_assert_num_queries):
    """A feed's entries are worked out once per content version, and a saved change shows at once."""
    settings.NEWSROOM_PAGE_CACHE = False
    article = ArticleFactory(title="订阅里的新闻")
    for url in ("/feeds/rss/", "/feeds/atom/"):
        client.get(url)
        with django_assert_num_queries(0):
            assert "订阅里的新闻" in client.get(url).content.decode()
    article.title = "订阅里的新闻改了"
    article.save()
    for url in ("/feeds/rss/", "/feeds/atom/"):
        assert "订阅里的新闻改了" in client.get(url).content.decode()


def test_each_process_keeps_a_bounded_number_of_pieces():
    """However many different pieces are read, a process's own copies stay under the limit."""
    for n in range(caching._RECENT_MAX + 500):
        assert caching.remember("test:bounded:", n, compute=lambda n=n: n * 2) == n * 2
    assert 0 < len(caching._recent_box[1]) <= caching._RECENT_MAX


@pytest.mark.django_db(transaction=True)
def test_the_version_moves_again_when_a_change_commits():
    """A reader served between a save and its commit saw the old rows: the commit moves the version again."""
    article = ArticleFactory(title="提交之前")
    with transaction.atomic():
        article.title = "提交之后"
        article.save()
        Category.objects.create(name="同一事务")
        during = caching.content_version()
    assert caching.content_version() != during


def test_the_version_file_gives_back_what_was_written(tmp_path):
    """The version written to the file is the one every process reads back."""
    store = caching.VersionFile(tmp_path / "state" / "content-version")
    assert store.get() is None  # nothing written yet
    store.set(1_800_000_000.123456)
    assert store.get() == 1_800_000_000.123456
    store.set(1_800_000_001.5)
    assert store.get() == 1_800_000_001.5


def test_a_version_caught_half_written_is_not_taken_for_one(tmp_path, settings):
    """A read that catches a write half done fails its checksum: no half version is ever used as a key."""
    path = tmp_path / "content-version"
    store = caching.VersionFile(path)
    store.set(1_800_000_000.0)
    written = path.read_bytes()
    path.write_bytes(b"0001799999999.999999" + written[20:])  # new digits, old checksum
    assert store.get() is None
    settings.NEWSROOM_VERSION_FILE = str(path)
    assert caching.content_version() not in (None, 1_799_999_999.999999)  # a fresh version instead
    assert store.get() == caching.content_version()
