"""Sitemaps and robots.txt, read as a crawler reads them (XML parsed with xml.etree)."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.contrib.sitemaps import views as sitemap_views
from django.utils import timezone, translation

from articles.models import Article, Category
from articles.sitemaps import NewsSitemap

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}
HOST = "http://testserver"


@pytest.fixture(autouse=True)
def chinese_by_default():
    with translation.override("zh-hans"):
        yield


def xml_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def locations(root, element="sm:url"):
    return [node.findtext("sm:loc", namespaces=NS) for node in root.findall(element, NS)]


def absolute(obj):
    with translation.override("zh-hans"):
        return HOST + obj.get_absolute_url()


@pytest.fixture
def recent():
    """Articles of the last hour and of 47 and 49 hours ago, a draft and a scheduled one."""
    now = timezone.now()
    return {
        "hour": ArticleFactory(title="一小时前", published_at=now - dt.timedelta(hours=1)),
        "day2": ArticleFactory(title="四十七小时前", published_at=now - dt.timedelta(hours=47)),
        "day3": ArticleFactory(title="四十九小时前", published_at=now - dt.timedelta(hours=49)),
        "draft": ArticleFactory(title="草稿", status=Article.Status.DRAFT),
        "future": ArticleFactory(title="定时", published_at=now + dt.timedelta(hours=5)),
    }


def test_sitemap_index_lists_the_sections(client, recent):
    """/sitemap.xml is an index pointing at the article and category sitemaps, both reachable."""
    Category.objects.create(name="科技")
    root = xml_of(client, "/sitemap.xml")
    assert root.tag == "{%s}sitemapindex" % NS["sm"]
    listed = locations(root, "sm:sitemap")
    assert sorted(listed) == [f"{HOST}/sitemap-articles.xml", f"{HOST}/sitemap-categories.xml"]
    for url in listed:
        xml_of(client, url.removeprefix(HOST))


def test_article_sitemap_lists_published_articles_only(client, recent):
    """The article sitemap lists every published article's absolute URL with its lastmod, and no others."""
    root = xml_of(client, "/sitemap-articles.xml")
    assert root.tag == "{%s}urlset" % NS["sm"]
    expected = [absolute(recent[k]) for k in ("hour", "day2", "day3")]
    assert locations(root) == expected  # newest first
    for node in root.findall("sm:url", NS):
        assert node.findtext("sm:lastmod", namespaces=NS)


def test_category_sitemap_lists_every_category(client):
    """The category sitemap lists each category page, nested ones included."""
    tech = Category.objects.create(name="科技")
    phones = Category.objects.create(name="手机", parent=tech)
    assert locations(xml_of(client, "/sitemap-categories.xml")) == [absolute(tech), absolute(phones)]


def render_news_sitemap(rf):
    request = rf.get("/sitemap-news.xml")
    response = sitemap_views.sitemap(request, sitemaps={"news": NewsSitemap}, template_name="sitemap_news.xml")
    response.render()
    return ET.fromstring(response.content)


def test_news_sitemap_content_lists_the_last_two_days_with_titles(rf, recent):
    """The news sitemap (as rendered by its view) lists published articles of the last 48 hours with news:title."""
    root = render_news_sitemap(rf)
    assert locations(root) == [absolute(recent["hour"]), absolute(recent["day2"])]
    titles = [node.findtext("news:news/news:title", namespaces=NS) for node in root.findall("sm:url", NS)]
    assert titles == ["一小时前", "四十七小时前"]
    for node in root.findall("sm:url", NS):
        assert node.findtext("news:news/news:publication/news:name", namespaces=NS)
        assert node.findtext("news:news/news:publication_date", namespaces=NS)


def test_news_sitemap_escapes_titles(rf):
    """A title with markup stays well-formed XML and reads back as the same text."""
    title = '<script>alert(1)</script> & "quotes" \'单引号\''
    ArticleFactory(title=title)
    root = render_news_sitemap(rf)
    assert root.findtext("sm:url/news:news/news:title", namespaces=NS) == title


def test_news_sitemap_is_served_at_its_address(client, recent):
    """/sitemap-news.xml lists only the articles of the last two days, each with news:title."""
    root = xml_of(client, "/sitemap-news.xml")
    assert locations(root) == [absolute(recent["hour"]), absolute(recent["day2"])]
    assert root.findtext("sm:url/news:news/news:title", namespaces=NS) == "一小时前"


def test_robots_txt_names_the_sitemaps(client):
    """robots.txt is plain text naming the sitemap index and the news sitemap with absolute URLs."""
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    sitemaps = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Sitemap:")]
    assert sitemaps == [f"{HOST}/sitemap.xml", f"{HOST}/sitemap-news.xml"]
    assert "Disallow: /admin/" in lines


def test_every_sitemap_named_in_robots_txt_is_reachable(client, recent):
    """Each Sitemap: line of robots.txt leads to an XML sitemap."""
    lines = client.get("/robots.txt").content.decode().splitlines()
    for line in lines:
        if line.startswith("Sitemap:"):
            xml_of(client, line.split(":", 1)[1].strip().removeprefix(HOST))


def test_news_sitemap_leaves_out_articles_whose_date_is_estimated(rf, recent):
    """An article dated by its file's modification time is not fresh news, however recent that time is."""
    guessed = ArticleFactory(title="估计的日期", published_at=timezone.now() - dt.timedelta(minutes=1), date_estimated=True)
    assert absolute(guessed) not in locations(render_news_sitemap(rf))
    assert absolute(recent["hour"]) in locations(render_news_sitemap(rf))
