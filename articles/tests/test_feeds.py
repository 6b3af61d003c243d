"""RSS, Atom and JSON feeds, as a feed reader sees them (parsed by feedparser)."""

import calendar
import datetime as dt
import html
import io

import feedparser
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import parse_http_date
from PIL import Image as PILImage
from taggit.models import Tag

from articles.models import Article, Category, Image
from articles.text import html_to_text

from .factories import ArticleFactory, ImageFactory

pytestmark = pytest.mark.django_db

FEED_KINDS = ["rss", "atom"]


@pytest.fixture(autouse=True)
def chinese_by_default():
    with translation.override("zh-hans"):
        yield


def read_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def entry_titles(feed):
    return [entry.title for entry in feed.entries]


def absolute(article):
    with translation.override("zh-hans"):
        return "http://testserver" + article.get_absolute_url()


@pytest.fixture
def newsfeed():
    """Three live articles an hour apart, a draft and a scheduled one."""
    now = timezone.now()
    return {
        "old": ArticleFactory(title="最早的新闻", published_at=now - dt.timedelta(hours=3)),
        "mid": ArticleFactory(title="中间的新闻", published_at=now - dt.timedelta(hours=2)),
        "new": ArticleFactory(title="最新的新闻", published_at=now - dt.timedelta(hours=1)),
        "draft": ArticleFactory(title="草稿新闻", status=Article.Status.DRAFT),
        "future": ArticleFactory(title="定时新闻", published_at=now + dt.timedelta(days=1)),
    }


@pytest.mark.parametrize("kind", FEED_KINDS)
def test_site_feed_lists_published_articles_newest_first(client, newsfeed, kind):
    """The site feed parses cleanly and lists only published articles, newest first, linking to them."""
    feed = read_feed(client, f"/feeds/{kind}/")
    assert feed.version == ("rss20" if kind == "rss" else "atom10")
    assert entry_titles(feed) == ["最新的新闻", "中间的新闻", "最早的新闻"]
    assert [entry.link for entry in feed.entries] == [absolute(newsfeed[k]) for k in ("new", "mid", "old")]
    published = [calendar.timegm(entry.published_parsed) for entry in feed.entries]
    assert published == [int(newsfeed[k].published_at.timestamp()) for k in ("new", "mid", "old")]


def test_site_feed_holds_the_latest_thirty(client):
    """The site feed carries the 30 newest articles."""
    now = timezone.now()
    for i in range(35):
        ArticleFactory(title=f"新闻{i:02d}", published_at=now - dt.timedelta(minutes=i + 1))
    assert entry_titles(read_feed(client, "/feeds/rss/")) == [f"新闻{i:02d}" for i in range(30)]


@pytest.mark.parametrize("kind", FEED_KINDS)
def test_feed_entries_carry_the_full_sanitized_body(client, kind):
    """Each entry's content is the whole article body, sanitized, not just an excerpt."""
    paragraphs = "".join(f"<p>第{i}段：这是一段足够长的正文，用来确认全文都在订阅里。</p>" for i in range(40))
    ArticleFactory(
        title="全文新闻",
        body=paragraphs + '<p onclick="steal()">结尾<script>alert(1)</script><a href="javascript:x()">链接</a></p>',
    )
    (entry,) = read_feed(client, f"/feeds/{kind}/").entries
    (content,) = entry.content
    assert content.type == "text/html"
    body = content.value
    assert "第0段" in body and "第39段" in body and "结尾" in body
    assert "script" not in body and "alert" not in body and "onclick" not in body and "javascript" not in body
    assert html_to_text(body) == html_to_text(Article.objects.get().body)


@pytest.mark.parametrize("kind", FEED_KINDS)
def test_feed_entries_summarize_with_the_excerpt(client, kind):
    """Each entry's summary is the article's excerpt, as text (markup in it shows as written), beside the body."""
    ArticleFactory(title="摘要新闻", excerpt="AT&T 与 <芯片> 的短摘要", body="<p>很长的正文。</p>" * 50)
    (entry,) = read_feed(client, f"/feeds/{kind}/").entries
    assert html.unescape(entry.summary) == "AT&T 与 <芯片> 的短摘要"
    assert "很长的正文" not in entry.summary and "很长的正文" in entry.content[0].value


def test_atom_entries_have_what_the_format_requires(client):
    """The Atom feed has the ids, titles, dates and author Atom requires, and each entry a summary and HTML content."""
    ArticleFactory(title="无作者的新闻", author="", source_name="", excerpt="一句摘要。", body="<p>正文<b>加粗</b></p>")
    response = client.get("/feeds/atom/")
    feed = feedparser.parse(response.content)
    assert not feed.bozo and feed.version == "atom10"
    assert feed.feed.title and feed.feed.id and feed.feed.updated and feed.feed.author
    (entry,) = feed.entries
    assert entry.id and entry.title == "无作者的新闻" and entry.updated
    assert entry.summary == "一句摘要。" and entry.summary_detail.type == "text/html"
    assert [(c.type, c.value) for c in entry.content] == [("text/html", "<p>正文<b>加粗</b></p>")]
    entry_xml = response.content.decode().split("<entry>", 1)[1]
    assert entry_xml.count("<summary") == 1 and entry_xml.count("<content") == 1


@pytest.mark.parametrize("kind", FEED_KINDS)
@pytest.mark.parametrize(
    ("url", "mime"),
    [
        ("https://img.example.com/photo.jpg", "image/jpeg"),
        ("https://img.example.com/chart.png", "image/png"),
        ("https://img.example.com/photo.webp?w=800", "image/webp"),
        ("https://img.example.com/picture?id=42", "image/jpeg"),
    ],
)
def test_feed_entries_enclose_the_head_image(client, kind, url, mime):
    """An article's head image is its enclosure, with the image's URL and an image MIME type."""
    ArticleFactory(title="有图", head_image=ImageFactory(source_url=url))
    ArticleFactory(title="无图")
    by_title = {entry.title: entry for entry in read_feed(client, f"/feeds/{kind}/").entries}
    (enclosure,) = by_title["有图"].enclosures
    assert enclosure.href == url and enclosure.type == mime
    assert by_title["无图"].enclosures == []


def png_upload():
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "red").save(buffer, "PNG")
    return SimpleUploadedFile("head.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize("kind", FEED_KINDS)
def test_uploaded_head_image_enclosure_is_an_absolute_url(client, kind):
    """An uploaded head image is enclosed with an absolute URL a feed reader can fetch."""
    image = Image.objects.create(file=png_upload())
    ArticleFactory(head_image=image)
    (enclosure,) = read_feed(client, f"/feeds/{kind}/").entries[0].enclosures
    assert enclosure.type == "image/png"
    assert enclosure.href == "http://testserver" + image.url


@pytest.mark.parametrize("page_cache", [True, False])
@pytest.mark.parametrize("kind", FEED_KINDS)
def test_feed_links_point_at_the_address_it_was_read_from(client, settings, kind, page_cache):
    """The same feed read at two host names links each reader to the host they used."""
    settings.NEWSROOM_PAGE_CACHE = page_cache
    settings.ALLOWED_HOSTS = ["news.example.com", "mirror.example.org"]
    image = Image.objects.create(file=png_upload())
    ArticleFactory(head_image=image)
    for host in ("news.example.com", "mirror.example.org"):
        response = client.get(f"/feeds/{kind}/", HTTP_HOST=host)
        entry = feedparser.parse(response.content).entries[0]
        assert entry.link.startswith(f"http://{host}/articles/")
        assert entry.enclosures[0].href == f"http://{host}{image.url}"


def test_a_control_character_in_one_title_does_not_break_the_feed(client):
    """One title containing a control character does not take the whole feed down."""
    ArticleFactory(title="正常的新闻")
    ArticleFactory(title="带\x0b控制字符的标题")
    feed = read_feed(client, "/feeds/rss/")
    assert "正常的新闻" in entry_titles(feed)


@pytest.mark.parametrize("kind", FEED_KINDS)
def test_category_feed_lists_the_category_and_its_descendants(client, kind):
    """/feeds/category/<path>/ lists published articles of the category and its sub-categories only."""
    tech = Category.objects.create(name="科技")
    phones = Category.objects.create(name="手机", parent=tech)
    ArticleFactory(title="科技新闻", categories=[tech], published_at=timezone.now() - dt.timedelta(hours=2))
    ArticleFactory(title="手机新闻", categories=[phones])
    ArticleFactory(title="手机草稿", categories=[phones], status=Article.Status.DRAFT)
    ArticleFactory(title="体育新闻", categories=[Category.objects.create(name="体育")])
    feed = read_feed(client, f"/feeds/category/{tech.path}/{kind}/")
    assert entry_titles(feed) == ["手机新闻", "科技新闻"]
    assert "科技" in feed.feed.title
    assert entry_titles(read_feed(client, f"/feeds/category/{phones.path}/{kind}/")) == ["手机新闻"]


@pytest.mark.parametrize("kind", FEED_KINDS)
def test_tag_feed_lists_articles_with_the_tag(client, kind):
    """/feeds/tags/<slug>/ lists the published articles carrying that (Chinese) tag."""
    ArticleFactory(title="人工智能新闻", tags=["人工智能"])
    ArticleFactory(title="人工智能草稿", tags=["人工智能"], status=Article.Status.DRAFT)
    ArticleFactory(title="芯片新闻", tags=["芯片"])
    slug = Tag.objects.get(name="人工智能").slug
    feed = read_feed(client, f"/feeds/tags/{slug}/{kind}/")
    assert entry_titles(feed) == ["人工智能新闻"]
    assert "人工智能" in feed.feed.title


@pytest.mark.parametrize("kind", FEED_KINDS)
def test_an_article_in_several_feeds_shows_a_change_in_each(client, settings, kind):
    """An entry listed by the site, category and tag feeds shows a saved change in all of them."""
    settings.NEWSROOM_PAGE_CACHE = False  # entries are still kept, once per content version
    tech = Category.objects.create(name="科技")
    article = ArticleFactory(title="三处都有的新闻", categories=[tech], tags=["芯片"])
    urls = [f"/feeds/{kind}/", f"/feeds/category/{tech.path}/{kind}/",
            f"/feeds/tags/{Tag.objects.get(name='芯片').slug}/{kind}/"]
    for url in urls:
        assert entry_titles(read_feed(client, url)) == ["三处都有的新闻"]
    article.title = "三处都改了的新闻"
    article.save()
    for url in urls:
        (entry,) = read_feed(client, url).entries
        assert (entry.title, entry.link) == ("三处都改了的新闻", absolute(article))


@pytest.mark.parametrize("kind", FEED_KINDS)
def test_feed_titles_call_the_site_by_the_name_its_pages_use(client, kind):
    """Site, category and tag feeds (in the site's language) are titled 新闻编辑部, as the Chinese pages call the site."""
    tech = Category.objects.create(name="科技")
    ArticleFactory(categories=[tech], tags=["芯片"])
    slug = Tag.objects.get(name="芯片").slug
    for url in (f"/feeds/{kind}/", f"/feeds/category/{tech.path}/{kind}/", f"/feeds/tags/{slug}/{kind}/"):
        title = read_feed(client, url).feed.title
        assert title.startswith("新闻编辑部"), (url, title)


@pytest.mark.parametrize("kind", FEED_KINDS)
def test_a_configured_site_name_titles_the_feeds(client, settings, kind):
    """NEWSROOM_SITE_NAME, as written, titles the feeds and is the Atom feed's author."""
    settings.NEWSROOM_SITE_NAME = "Daily Planet"
    ArticleFactory()
    feed = read_feed(client, f"/feeds/{kind}/")
    assert feed.feed.title.startswith("Daily Planet") and "Daily Planet" in feed.feed.subtitle
    if kind == "atom":
        assert feed.feed.author == "Daily Planet"


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/category/没有这个分类/rss/",
        "/feeds/category/没有这个分类/atom/",
        "/feeds/category/科技/不存在/rss/",
        "/feeds/tags/没有这个标签/rss/",
        "/feeds/tags/没有这个标签/atom/",
    ],
)
def test_unknown_category_or_tag_feed_is_404(client, url):
    """A feed for a category or tag that does not exist is a 404."""
    Category.objects.create(name="科技")
    assert client.get(url).status_code == 404


def test_hostile_titles_stay_text_in_feeds(client):
    """Markup in a title or category name is text in the feed, not markup."""
    hostile = '<script>alert(1)</script>"onmouseover='
    category = Category.objects.create(name="分类" + hostile)
    ArticleFactory(title="标题" + hostile, categories=[category])
    for url in ("/feeds/rss/", "/feeds/atom/", f"/feeds/category/{category.path}/rss/"):
        feed = read_feed(client, url)
        assert feed.entries[0].title == "标题" + hostile
        assert "<script>" not in client.get(url).content.decode()


def test_feed_is_handed_to_the_server_in_one_piece(client):
    """The feed body is one chunk, so the server sends it in a few packets, not one per XML fragment."""
    for _ in range(3):
        ArticleFactory()
    response = client.get("/feeds/rss/")
    assert response.status_code == 200
    assert len(list(response)) == 1


@pytest.mark.parametrize("kind", FEED_KINDS)
def test_entries_are_filed_under_their_categories_then_tags(client, kind):
    """A feed reader sees an entry's categories, then its tags, as the entry's categories."""
    article = ArticleFactory(categories=[Category.objects.create(name="科技")])
    article.tags.add("芯片", "手机")
    (entry,) = read_feed(client, f"/feeds/{kind}/").entries
    names = [tag.term for tag in entry.tags]
    assert names[0] == "科技" and sorted(names[1:]) == ["手机", "芯片"]


def test_feed_says_when_its_newest_entry_changed(client):
    """Last-Modified is the newest entry's update time, so readers and proxies can ask "changed since?"."""
    ArticleFactory(published_at=timezone.now() - dt.timedelta(hours=2))
    newest = ArticleFactory(published_at=timezone.now() - dt.timedelta(hours=1))
    response = client.get("/feeds/rss/")
    expected = calendar.timegm(Article.objects.get(pk=newest.pk).updated_at.utctimetuple())
    assert parse_http_date(response["Last-Modified"]) == expected


# --- JSON Feed ----------------------------------------------------------------------------------


def read_json_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/feed+json; charset=utf-8"
    return response.json()


def test_json_feed_follows_version_1_1(client):
    """The site's JSON Feed has the fields JSON Feed 1.1 requires, its items newest first with their bodies."""
    older = ArticleFactory(title="较早", published_at=timezone.now() - dt.timedelta(days=2))
    newer = ArticleFactory(title="较新", body="<p>正文<script>alert(1)</script></p>", excerpt="摘要",
                           author="王五", tags=["科技"])
    feed = read_json_feed(client, "/feeds/json/")
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["title"].startswith("新闻编辑部")
    assert feed["feed_url"] == "http://testserver/feeds/json/" and feed["home_page_url"] == "http://testserver/"
    assert [item["title"] for item in feed["items"]] == ["较新", "较早"]
    item = feed["items"][0]
    assert item["url"] == item["id"] == f"http://testserver{newer.get_absolute_url()}"
    assert item["content_html"] == newer.body and "<script" not in item["content_html"]
    assert item["summary"] == "摘要" and item["authors"] == [{"name": "王五"}] and "科技" in item["tags"]
    published = dt.datetime.fromisoformat(item["date_published"])
    assert published.utcoffset() is not None and abs((published - newer.published_at).total_seconds()) < 1
    assert older.title in {i["title"] for i in feed["items"]}


def test_json_feed_items_carry_the_head_image(client):
    """An item's image is its article's head image, as an absolute URL."""
    ArticleFactory(head_image=ImageFactory(source_url="https://img.example.com/photo.jpg"))
    (item,) = read_json_feed(client, "/feeds/json/")["items"]
    assert item["image"] == "https://img.example.com/photo.jpg"


def test_json_feeds_of_a_category_and_a_tag_list_only_theirs(client):
    """The category feed holds its subtree's articles; the tag feed those with the tag; unknown ones are 404."""
    parent = Category.objects.create(name="科技")
    child = Category.objects.create(name="手机", parent=parent)
    ArticleFactory(title="手机新闻", categories=[child], tags=["苹果"])
    ArticleFactory(title="别的新闻")
    assert [i["title"] for i in read_json_feed(client, f"/feeds/category/{parent.path}/json/")["items"]] == ["手机新闻"]
    tag = Tag.objects.get(name="苹果")
    assert [i["title"] for i in read_json_feed(client, f"/feeds/tags/{tag.slug}/json/")["items"]] == ["手机新闻"]
    assert client.get("/feeds/tags/no-such-tag/json/").status_code == 404


def test_pages_advertise_the_json_feeds(client):
    """Every page's head links the site's JSON Feed; category and tag pages also their own."""
    category = Category.objects.create(name="科技")
    ArticleFactory(categories=[category], tags=["苹果"])
    home = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/feed+json"' in home and 'href="/feeds/json/"' in home
    page = client.get(category.get_absolute_url()).content.decode()
    assert f'href="{reverse("feed_category_json", args=[category.path])}"' in page


def test_json_feed_shows_an_edit_at_once(client, settings):
    """A changed title is in the (cached) JSON Feed on the next request."""
    settings.NEWSROOM_PAGE_CACHE = True
    article = ArticleFactory(title="初稿")
    assert read_json_feed(client, "/feeds/json/")["items"][0]["title"] == "初稿"
    article.title = "改稿"
    article.save()
    assert read_json_feed(client, "/feeds/json/")["items"][0]["title"] == "改稿"
