import datetime as dt
import html
import json
import re
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.views.defaults import server_error
from markupsafe import escape
from PIL import Image as PILImage
from taggit.models import Tag

from articles import caching
from articles.models import Article, Category

from .factories import ArticleFactory, CategoryFactory, ImageFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_home_lists_published_articles_only(client):
    """The home page shows live articles and hides drafts and scheduled ones."""
    ArticleFactory(title="已发布的新闻")
    ArticleFactory(title="草稿新闻", status=Article.Status.DRAFT)
    page = client.get("/").content.decode()
    assert "已发布的新闻" in page and "草稿新闻" not in page


def test_home_with_one_article_shows_it_as_the_lead_without_an_empty_list_message(client):
    """A single published article is the lead story; the page does not also say there are no articles."""
    ArticleFactory(title="唯一的新闻")
    page = get_page(client, "/en/")
    assert 'class="lead"' in page and "唯一的新闻" in page
    assert "No articles yet." not in page
    Article.objects.all().delete()
    assert "No articles yet." in get_page(client, "/en/")


def test_home_query_count_does_not_grow_with_articles(client):
    """The home page costs the same number of queries for 3 or 20 articles."""
    def add(n):
        for _ in range(n):
            image = ImageFactory()
            ArticleFactory(thumbnail=image, categories=[CategoryFactory()], tags=["甲", "乙"])
    add(3)
    few = count_queries(client, "/")
    add(17)
    assert count_queries(client, "/") == few


def test_article_page_shows_the_sanitized_body(client):
    """An article's page shows its title and body, without anything executable."""
    article = ArticleFactory(title="标题", body='<p>正文<img src="x.jpg" onerror="alert(1)"></p>')
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<h1>标题</h1>" in page and "正文" in page and "onerror" not in page


def test_wrong_slug_redirects_permanently_to_the_current_url(client):
    """An old or wrong slug in an article URL redirects (301) to the current one."""
    article = ArticleFactory(title="新闻")
    response = client.get(reverse("articles:detail", kwargs={"pk": article.pk, "slug": "old-slug"}))
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_drafts_are_404_for_readers_and_previewed_by_staff(client, admin_user):
    """Readers get 404 for a draft; staff see it with a preview banner."""
    draft = ArticleFactory(status=Article.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(admin_user)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert 'class="preview-banner"' in response.content.decode()


def test_category_page_lists_descendants_with_breadcrumb(client):
    """A category page lists articles of its sub-categories and shows the path to it."""
    root = Category.objects.create(name="新媒体")
    leaf = Category.objects.create(name="cnBeta", parent=Category.objects.create(name="科技", parent=root))
    ArticleFactory(title="叶子里的新闻", categories=[leaf])
    page = client.get(root.get_absolute_url()).content.decode()
    assert "叶子里的新闻" in page
    leaf_page = client.get(leaf.get_absolute_url()).content.decode()
    assert root.get_absolute_url() in leaf_page and "科技" in leaf_page


def test_unknown_category_is_404(client):
    """A category path that does not exist is a clean 404."""
    assert client.get("/category/没有/这个/").status_code == 404


def test_chinese_tag_page(client):
    """Tags with Chinese slugs have working pages."""
    ArticleFactory(title="带标签", tags=["人工智能"])
    tag = Tag.objects.get(name="人工智能")
    url = reverse("articles:tag", kwargs={"slug": tag.slug})
    assert "带标签" in client.get(url).content.decode()


@pytest.mark.parametrize("page", ["0", "999", "abc"])
def test_bad_page_numbers_never_500(client, page):
    """Out-of-range or non-numeric page numbers give a 404, not a server error."""
    ArticleFactory()
    assert client.get("/", {"page": page}).status_code == 404


def test_language_switcher_sets_english(client):
    """Choosing English makes the page speak English and say so in <html lang>."""
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.content.decode()
    assert "Latest news" in response.content.decode()


# --- Helpers for the reader pages -------------------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOSTILE = '<script>alert(1)</script>"onmouseover=alert(2) x="'


def get_page(client, url, data=None):
    response = client.get(url, data or {})
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


class Elements(HTMLParser):
    """The start tags of a page with their (unescaped) attributes, and the text of each script."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags, self.scripts, self._script = [], [], None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "script":
            self._script = {"attrs": attrs, "text": ""}
            self.scripts.append(self._script)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"] += data

    def find(self, tag, **wanted):
        return [attrs for name, attrs in self.tags if name == tag and all(attrs.get(k) == v for k, v in wanted.items())]


def json_ld_blocks(page):
    return [json.loads(s["text"]) for s in Elements(page).scripts if s["attrs"].get("type") == "application/ld+json"]


def cards(page):
    """The article cards of a list page, as HTML snippets."""
    return re.findall(r'<article class="card">.*?</article>', page, re.S)


def section(page, css_class):
    match = re.search(rf'<section class="{css_class}">(.*?)</section>', page, re.S)
    return match.group(1) if match else ""


def in_zh(viewname, **kwargs):
    with translation.override("zh-hans"):
        return reverse(viewname, kwargs=kwargs)


def in_en(viewname, **kwargs):
    with translation.override("en"):
        return reverse(viewname, kwargs=kwargs)


def en_url(article):
    with translation.override("en"):
        return article.get_absolute_url()


@pytest.fixture(autouse=True)
def chinese_by_default():
    """URLs built in a test are the Chinese ones, whatever language an earlier request activated."""
    with translation.override("zh-hans"):
        yield


def at(*args):
    """An aware datetime in the site's time zone (Asia/Shanghai)."""
    return dt.datetime(*args, tzinfo=SHANGHAI)


# --- Only published articles, on every page ---------------------------------------------------


@pytest.fixture
def world():
    """One live article, a draft and a scheduled one, all alike: same category, tag, source, author."""
    root = Category.objects.create(name="国际")
    child = Category.objects.create(name="亚洲", parent=root)
    common = {"categories": [child], "tags": ["人工智能"], "source_name": "新华社", "author": "张三"}
    live = ArticleFactory(title="已发布的人工智能新闻", **common)
    draft = ArticleFactory(title="草稿的人工智能新闻", status=Article.Status.DRAFT, **common)
    future = ArticleFactory(
        title="定时的人工智能新闻", published_at=timezone.now() + dt.timedelta(days=1), **common
    )
    local = timezone.localtime(live.published_at)
    return SimpleNamespace(
        root=root, child=child, live=live, draft=draft, future=future,
        tag=Tag.objects.get(name="人工智能"), year=local.year, month=local.month,
    )


LIST_PAGES = {
    "home": lambda w: "/",
    "home-en": lambda w: "/en/",
    "category": lambda w: w.root.get_absolute_url(),
    "sub-category": lambda w: w.child.get_absolute_url(),
    "tag": lambda w: in_zh("articles:tag", slug=w.tag.slug),
    "source": lambda w: in_zh("articles:source", name="新华社"),
    "author": lambda w: in_zh("articles:author", name="张三"),
    "archive-year": lambda w: in_zh("articles:archive_year", year=w.year),
    "archive-month": lambda w: in_zh("articles:archive_month", year=w.year, month=w.month),
    "search": lambda w: in_zh("articles:search") + "?q=智能",
}


@pytest.mark.parametrize("kind", LIST_PAGES)
def test_list_pages_show_published_articles_only(client, world, kind):
    """Every list page shows the live article and hides the draft and the scheduled one."""
    page = re.sub(r"</?mark>", "", get_page(client, LIST_PAGES[kind](world)))  # search highlights
    assert world.live.title in page
    assert world.draft.title not in page
    assert world.future.title not in page


def test_draft_and_scheduled_articles_are_404_for_readers(client, world):
    """The address of a draft or a scheduled article is a 404 for readers."""
    assert client.get(world.draft.get_absolute_url()).status_code == 404
    assert client.get(world.future.get_absolute_url()).status_code == 404
    assert client.get(world.live.get_absolute_url()).status_code == 200


def test_scheduled_article_appears_once_its_time_has_come(client, world):
    """A scheduled article whose time has passed shows, although nobody saved it again."""
    Article.objects.filter(pk=world.future.pk).update(published_at=timezone.now() - dt.timedelta(minutes=1))
    assert Article.objects.get(pk=world.future.pk).status == Article.Status.SCHEDULED
    assert world.future.title in get_page(client, "/")
    assert client.get(world.future.get_absolute_url()).status_code == 200


# --- Home -------------------------------------------------------------------------------------


def test_home_leads_with_the_newest_story_and_its_image_loaded_first(client):
    """The newest article is the lead, its head image loads with high priority; the rest are lazy cards."""
    now = timezone.now()
    older = ArticleFactory(
        title="次条新闻", thumbnail=ImageFactory(source_url="https://img.example.com/card.jpg"),
        published_at=now - dt.timedelta(hours=2),
    )
    lead = ArticleFactory(
        title="头条新闻", head_image=ImageFactory(source_url="https://img.example.com/lead.jpg"),
        published_at=now - dt.timedelta(minutes=5),
    )
    page = get_page(client, "/")
    elements = Elements(page)
    (lead_img,) = elements.find("img", src="https://img.example.com/lead.jpg")
    assert lead_img.get("fetchpriority") == "high" and "loading" not in lead_img
    (card_img,) = elements.find("img", src="https://img.example.com/card.jpg")
    assert card_img.get("loading") == "lazy" and "fetchpriority" not in card_img
    lead_block = re.search(r'<article class="lead">.*?</article>', page, re.S).group(0)
    assert lead.title in lead_block and lead.get_absolute_url() in lead_block
    assert page.index(lead_block) < page.index(older.title)
    assert [older.get_absolute_url() in card for card in cards(page)] == [True]  # the lead is not a card too


def test_home_second_page_has_no_lead(client):
    """Page 2 of the home page lists cards only, without a lead story."""
    for _ in range(25):
        ArticleFactory()
    page = get_page(client, "/", {"page": 2})
    assert '<article class="lead">' not in page
    assert len(cards(page)) == 5


# --- Category ---------------------------------------------------------------------------------


def test_category_page_lists_descendants_only_with_breadcrumb_and_subcategories(client):
    """A category lists its own and its descendants' articles, a breadcrumb and links to sub-categories."""
    world_ = Category.objects.create(name="世界")
    asia = Category.objects.create(name="亚洲", parent=world_)
    china = Category.objects.create(name="中国", parent=asia)
    japan = Category.objects.create(name="日本", parent=asia)
    europe = Category.objects.create(name="欧洲", parent=world_)
    ArticleFactory(title="北京的新闻", categories=[china])
    ArticleFactory(title="亚洲综述", categories=[asia])
    ArticleFactory(title="巴黎的新闻", categories=[europe])
    page = get_page(client, asia.get_absolute_url())
    assert "北京的新闻" in page and "亚洲综述" in page and "巴黎的新闻" not in page
    crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', page, re.S).group(0)
    assert f'href="{in_zh("articles:home")}"' in crumbs
    assert f'href="{world_.get_absolute_url()}"' in crumbs
    assert '<span aria-current="page">亚洲</span>' in crumbs
    subs = re.search(r'<ul class="subcategories">.*?</ul>', page, re.S).group(0)
    assert china.get_absolute_url() in subs and japan.get_absolute_url() in subs
    assert europe.get_absolute_url() not in subs


def test_category_page_offers_its_feed(client):
    """A category page links its own RSS feed in the head."""
    category = Category.objects.create(name="科技")
    ArticleFactory(categories=[category])
    page = get_page(client, category.get_absolute_url())
    assert Elements(page).find("link", type="application/rss+xml", href="/feeds/category/%E7%A7%91%E6%8A%80/rss/")


# --- Article ----------------------------------------------------------------------------------


def test_article_page_shows_tags_original_link_and_reading_time(client):
    """An article shows its tags as links, a link to the original and its reading time."""
    article = ArticleFactory(
        title="长篇报道", body="<p>" + "字" * 2000 + "</p>", tags=["人工智能", "芯片"],
        source_url="https://www.example.com/original/42?ref=rss",
    )
    page = get_page(client, en_url(article))
    tags = re.search(r'<ul class="tags">.*?</ul>', page, re.S).group(0)
    for name in ("人工智能", "芯片"):
        assert f'href="{in_en("articles:tag", slug=Tag.objects.get(name=name).slug)}"' in tags
        assert f"#{name}" in tags
    (original,) = Elements(page).find("a", href="https://www.example.com/original/42?ref=rss")
    assert "noopener" in original["rel"]
    assert "5 min read" in page  # 2000 Chinese characters at 400 a minute


def test_article_page_speaks_each_language_whichever_is_read_first(client):
    """Date, reading time and links follow the page's language, also once the other language was shown."""
    category = Category.objects.create(name="科技")
    moment = dt.datetime(2024, 3, 5, 14, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    article = ArticleFactory(body="<p>" + "字" * 800 + "</p>", categories=[category], tags=["芯片"],
                             source_name="新华社", published_at=moment)
    english = get_page(client, en_url(article))
    with translation.override("zh-hans"):
        chinese = get_page(client, article.get_absolute_url())
    assert "阅读约需 2 分钟" in chinese and "2 min read" in english
    assert "2024年3月5日" in chinese and "March 5, 2024" in english
    for page in (chinese, english):
        assert '<time datetime="2024-03-05T14:30:00+08:00">' in page
    tag = Tag.objects.get(name="芯片")
    with translation.override("zh-hans"):
        assert f'href="{reverse("articles:tag", kwargs={"slug": tag.slug})}"' in chinese
    assert f'href="{in_en("articles:tag", slug=tag.slug)}"' in english
    assert 'href="/en/category/' in english and 'href="/category/' in chinese
    assert 'href="/en/sources/' in english and 'href="/sources/' in chinese


def test_article_page_without_original_has_no_original_link(client):
    """An article without an original URL shows no "read the original" link."""
    article = ArticleFactory(source_url="")
    page = get_page(client, en_url(article))
    assert "Read the original" not in page


def test_article_page_lists_related_articles_sharing_tags_or_categories(client):
    """Related articles share a tag or a category; unrelated ones, drafts and the article itself are not listed."""
    category = Category.objects.create(name="经济")
    article = ArticleFactory(title="主文章", tags=["股市"], categories=[category])
    by_tag = ArticleFactory(title="同标签文章", tags=["股市"])
    by_category = ArticleFactory(title="同分类文章", categories=[category])
    ArticleFactory(title="无关文章", tags=["体育"], categories=[Category.objects.create(name="体育")])
    ArticleFactory(title="草稿相关文章", tags=["股市"], status=Article.Status.DRAFT)
    related = section(get_page(client, article.get_absolute_url()), "related")
    assert by_tag.title in related and by_category.title in related
    assert "无关文章" not in related and "草稿相关文章" not in related and "主文章" not in related
    assert related.count('<article class="card">') == 2


def test_related_articles_sharing_more_tags_come_first(client):
    """Among related articles, the one sharing the most tags is listed first."""
    article = ArticleFactory(title="主文章", tags=["股市", "央行"])
    shares_two = ArticleFactory(
        title="共享两个标签", tags=["股市", "央行"], published_at=timezone.now() - dt.timedelta(days=2)
    )
    shares_one = ArticleFactory(title="共享一个标签", tags=["股市", "足球", "篮球"])
    related = section(get_page(client, article.get_absolute_url()), "related")
    assert related.index(shares_two.title) < related.index(shares_one.title)


def test_related_score_is_not_inflated_by_unrelated_categories(client):
    """A related article sharing two tags is listed before one sharing a single tag but filed in many categories."""
    article = ArticleFactory(title="主文章", tags=["股市", "央行"])
    shares_two = ArticleFactory(
        title="共享两个标签", tags=["股市", "央行"], published_at=timezone.now() - dt.timedelta(days=2)
    )
    shares_one = ArticleFactory(title="共享一个标签", tags=["股市"], categories=[CategoryFactory() for _ in range(3)])
    related = section(get_page(client, article.get_absolute_url()), "related")
    assert related.index(shares_two.title) < related.index(shares_one.title)


def test_related_articles_follow_a_newly_published_article(client, settings):
    """An article page viewed before a related article is published lists it once it is."""
    settings.NEWSROOM_PAGE_CACHE = True
    article = ArticleFactory(title="主文章", tags=["股市"])
    assert "新的相关文章" not in section(get_page(client, article.get_absolute_url()), "related")
    ArticleFactory(title="新的相关文章", tags=["股市"])
    assert "新的相关文章" in section(get_page(client, article.get_absolute_url()), "related")


@pytest.mark.parametrize("change", ["add tag", "remove tag", "add category", "rename category"])
def test_article_page_shows_filing_changes_at_once(client, settings, change):
    """Tags and categories changed after an article page was viewed show on it at the next view."""
    settings.NEWSROOM_PAGE_CACHE = True
    category = Category.objects.create(name="旧分类")
    article = ArticleFactory(tags=["旧标签"], categories=[category])
    get_page(client, article.get_absolute_url())
    if change == "add tag":
        article.tags.add("新标签")
        expected, gone = "新标签", None
    elif change == "remove tag":
        article.tags.remove("旧标签")
        expected, gone = None, "旧标签"
    elif change == "add category":
        article.categories.add(Category.objects.create(name="新分类"))
        expected, gone = "新分类", None
    else:
        category.name = "改名分类"
        category.save()
        expected, gone = "改名分类", "旧分类"
    page = get_page(client, article.get_absolute_url())
    if expected:
        assert expected in page
    if gone:
        assert gone not in page


def test_list_page_with_cached_cards_loads_no_article_rows(client, settings):
    """A list viewed again takes its cards from the card cache and loads no article rows."""
    settings.NEWSROOM_PAGE_CACHE = False
    for _ in range(5):
        ArticleFactory(tags=["科技"])
    url = reverse("articles:tag", kwargs={"slug": Tag.objects.get(name="科技").slug})
    first = get_page(client, url)
    with CaptureQueriesContext(connection) as queries:
        again = get_page(client, url)
    assert again == first and first.count('<article class="card">') == 5
    row_loads = [q["sql"] for q in queries if '"articles_article"."title"' in q["sql"]]
    assert row_loads == []


def test_article_page_links_previous_and_next_in_its_category(client):
    """Previous/next links go to the neighbours in the same category, skipping other categories and drafts."""
    now = timezone.now()
    category, other = Category.objects.create(name="体育"), Category.objects.create(name="文化")
    first = ArticleFactory(title="第一篇", categories=[category], published_at=now - dt.timedelta(hours=4))
    ArticleFactory(title="别的分类", categories=[other], published_at=now - dt.timedelta(hours=3, minutes=30))
    middle = ArticleFactory(title="第二篇", categories=[category], published_at=now - dt.timedelta(hours=3))
    ArticleFactory(
        title="草稿", categories=[category], status=Article.Status.DRAFT, published_at=now - dt.timedelta(hours=2)
    )
    last = ArticleFactory(title="第三篇", categories=[category], published_at=now - dt.timedelta(hours=1))
    elements = Elements(get_page(client, middle.get_absolute_url()))
    assert [a["href"] for a in elements.find("a", rel="prev")] == [first.get_absolute_url()]
    assert [a["href"] for a in elements.find("a", rel="next")] == [last.get_absolute_url()]
    newest = Elements(get_page(client, last.get_absolute_url()))
    assert newest.find("a", rel="next") == [] and len(newest.find("a", rel="prev")) == 1


def test_previous_and_next_links_carry_whole_titles(client):
    """A long neighbouring title is given whole (the stylesheet fits it to one line), not cut in the page."""
    category = Category.objects.create(name="体育")
    long_title = "长" * 70 + "的标题结尾"
    ArticleFactory(title=long_title, categories=[category], published_at=timezone.now() - dt.timedelta(hours=2))
    newer = ArticleFactory(title="较新的一篇", categories=[category], published_at=timezone.now() - dt.timedelta(hours=1))
    page = get_page(client, newer.get_absolute_url())
    assert f'rel="prev" href="{Article.objects.get(title=long_title).get_absolute_url()}">← {long_title}</a>' in page


def test_article_page_has_news_article_json_ld_og_title_and_canonical(client):
    """The article head carries NewsArticle JSON-LD, og:title and a canonical link to itself."""
    article = ArticleFactory(
        title="结构化数据", author="李四", source_name="新华社",
        head_image=ImageFactory(source_url="https://img.example.com/head.jpg"), language="zh",
        published_at=at(2024, 3, 1, 8, 30),
    )
    page = get_page(client, article.get_absolute_url())
    (data,) = json_ld_blocks(page)
    url = "http://testserver" + article.get_absolute_url()
    assert data["@type"] == "NewsArticle" and data["@context"] == "https://schema.org"
    assert data["headline"] == "结构化数据"
    assert data["mainEntityOfPage"] == url
    assert data["image"] == ["https://img.example.com/head.jpg"]
    assert data["author"] == {"@type": "Person", "name": "李四"}
    assert dt.datetime.fromisoformat(data["datePublished"].replace("Z", "+00:00")) == at(2024, 3, 1, 8, 30)
    elements = Elements(page)
    assert [m["content"] for m in elements.find("meta", property="og:title")] == ["结构化数据"]
    assert [m["content"] for m in elements.find("meta", property="og:image")] == ["https://img.example.com/head.jpg"]
    assert [link["href"] for link in elements.find("link", rel="canonical")] == [url]


def test_article_description_and_link_previews_are_the_excerpt_cut_short(client):
    """The meta description, og:description and twitter:description show the excerpt cut at 160 characters."""
    article = ArticleFactory(excerpt="长" * 300)
    elements = Elements(get_page(client, article.get_absolute_url()))
    found = [m["content"] for m in elements.find("meta", name="description")]
    found += [m["content"] for m in elements.find("meta", property="og:description")]
    found += [m["content"] for m in elements.find("meta", name="twitter:description")]
    assert len(found) == 3 and len(set(found)) == 1  # one text for all three
    assert len(found[0]) == 160 and found[0].startswith("长" * 150) and not found[0].endswith("长")  # ends with an ellipsis


@pytest.mark.parametrize(("language", "name"), [("zh-hans", "新闻编辑部"), ("en", "Newsroom")])
def test_pages_call_the_site_by_one_name(client, language, name):
    """By default the site is 新闻编辑部 in Chinese and Newsroom in English in every place a page names it."""
    article = ArticleFactory(title="署名新闻")
    with translation.override(language):
        home_url, article_url = reverse("articles:home"), article.get_absolute_url()
    home, detail = get_page(client, home_url), get_page(client, article_url)
    assert f"<title>{name}</title>" in home and f'<a class="brand" href="{home_url}">{name}</a>' in home
    assert f'<footer class="site-footer"><p>{name} · ' in home
    feeds = [link["title"] for link in Elements(home).find("link", rel="alternate") if "type" in link]
    assert len(feeds) == 3 and all(title.startswith(name) for title in feeds), feeds
    assert f"<title>署名新闻 · {name}</title>" in detail
    assert [m["content"] for m in Elements(detail).find("meta", property="og:site_name")] == [name]
    assert json_ld_blocks(detail)[0]["publisher"]["name"] == name


def test_a_configured_site_name_is_used_as_given_in_every_language(client, settings):
    """NEWSROOM_SITE_NAME names the site as written, untranslated, on Chinese and English pages alike."""
    settings.NEWSROOM_SITE_NAME = "Daily Planet"
    article = ArticleFactory(title="署名新闻")
    for language in ("zh-hans", "en"):
        with translation.override(language):
            home_url, article_url = reverse("articles:home"), article.get_absolute_url()
        assert f'<a class="brand" href="{home_url}">Daily Planet</a>' in get_page(client, home_url)
        detail = get_page(client, article_url)
        assert "<title>署名新闻 · Daily Planet</title>" in detail
        assert [m["content"] for m in Elements(detail).find("meta", property="og:site_name")] == ["Daily Planet"]
        assert json_ld_blocks(detail)[0]["publisher"]["name"] == "Daily Planet"


def test_article_json_ld_publisher_has_a_logo(client):
    """The JSON-LD publisher has a logo: an absolute URL of a PNG of at least 112x112 pixels in the static files."""
    article = ArticleFactory()
    logo = json_ld_blocks(get_page(client, article.get_absolute_url()))[0]["publisher"]["logo"]
    assert logo["@type"] == "ImageObject" and logo["url"] == "http://testserver" + static("logo.png")
    with PILImage.open(finders.find("logo.png")) as picture:
        assert picture.format == "PNG" and min(picture.size) >= 112


def test_source_and_author_pages_list_their_articles(client):
    """/sources/<name>/ and /authors/<name>/ list that source's or author's articles only."""
    ArticleFactory(title="新华社张三的稿", source_name="新华社", author="张三")
    ArticleFactory(title="路透社李四的稿", source_name="路透社", author="李四")
    source = get_page(client, in_zh("articles:source", name="新华社"))
    assert "新华社张三的稿" in source and "路透社李四的稿" not in source
    author = get_page(client, in_zh("articles:author", name="李四"))
    assert "路透社李四的稿" in author and "新华社张三的稿" not in author
    article = get_page(client, Article.objects.get(author="张三").get_absolute_url())
    assert f'href="{in_zh("articles:author", name="张三")}"' in article
    assert f'href="{in_zh("articles:source", name="新华社")}"' in article


@pytest.mark.parametrize("kind", ["source", "author"])
def test_unknown_source_or_author_is_404(client, kind):
    """A source or author without published articles is a 404."""
    ArticleFactory(source_name="新华社", author="张三", status=Article.Status.DRAFT)
    assert client.get(in_zh(f"articles:{kind}", name="没有这个")).status_code == 404
    name = "新华社" if kind == "source" else "张三"
    assert client.get(in_zh(f"articles:{kind}", name=name)).status_code == 404  # drafts only


def test_unknown_tag_is_404(client):
    """A tag that does not exist is a 404."""
    assert client.get(in_zh("articles:tag", slug="没有这个标签")).status_code == 404


def test_source_name_with_a_slash_does_not_break_pages(client):
    """Articles whose source is "Reuters/AP" still list on the home page and link to their source page."""
    ArticleFactory(title="第一条", source_name="Reuters/AP")
    ArticleFactory(title="第二条", source_name="Reuters/AP")
    page = get_page(client, "/")
    assert "第一条" in page and "第二条" in page


# --- Archive ----------------------------------------------------------------------------------


@pytest.fixture
def archive():
    """Articles in January and March 2024, one on the evening of 31 March UTC (1 April in Shanghai)."""
    return SimpleNamespace(
        jan=ArticleFactory(title="一月新闻", published_at=at(2024, 1, 15, 9)),
        mar1=ArticleFactory(title="三月新闻甲", published_at=at(2024, 3, 1, 0, 30)),
        mar2=ArticleFactory(title="三月新闻乙", published_at=at(2024, 3, 20, 12)),
        apr=ArticleFactory(title="四月一日凌晨", published_at=dt.datetime(2024, 3, 31, 17, tzinfo=dt.UTC)),
        draft=ArticleFactory(title="三月草稿", published_at=at(2024, 3, 5), status=Article.Status.DRAFT),
        old=ArticleFactory(title="去年新闻", published_at=at(2023, 12, 31, 23)),
    )


def test_archive_index_counts_published_articles_per_month(client, archive):
    """The archive lists months newest first with their number of published articles, in local time."""
    page = get_page(client, in_zh("articles:archive"))
    found = re.findall(r'<a href="/archive/(\d+)/(\d+)/">[^<]*</a> <span class="count">\((\d+)\)</span>', page)
    assert found == [("2024", "4", "1"), ("2024", "3", "2"), ("2024", "1", "1"), ("2023", "12", "1")]


def test_archive_year_page_lists_that_year(client, archive):
    """/archive/2024/ lists the 2024 articles and nothing from 2023 or drafts."""
    page = get_page(client, in_zh("articles:archive_year", year=2024))
    for article in (archive.jan, archive.mar1, archive.mar2, archive.apr):
        assert article.title in page
    assert "去年新闻" not in page and "三月草稿" not in page


def test_archive_month_page_lists_that_month_in_local_time(client, archive):
    """/archive/2024/3/ lists March in Shanghai time: not the article of 1 April 01:00, nor drafts."""
    page = get_page(client, in_zh("articles:archive_month", year=2024, month=3))
    assert "三月新闻甲" in page and "三月新闻乙" in page
    assert "四月一日凌晨" not in page and "一月新闻" not in page and "三月草稿" not in page
    assert "四月一日凌晨" in get_page(client, in_zh("articles:archive_month", year=2024, month=4))


@pytest.mark.parametrize(
    "year",
    [
        10000,
        0,
    ],
)
def test_archive_year_out_of_range_is_404(client, year):
    """An archive year no date can have (0, 10000) is a 404, not a server error."""
    ArticleFactory()
    assert client.get(f"/archive/{year}/").status_code == 404


# --- English pages and language links ---------------------------------------------------------


@pytest.fixture
def english(db):
    category = Category.objects.create(name="科技")
    article = ArticleFactory(title="双语新闻", categories=[category], tags=["芯片"])
    return SimpleNamespace(
        home=("articles:home", {}),
        category=("articles:category", {"path": category.path}),
        article=("articles:detail", {"pk": article.pk, "slug": article.slug}),
        tag=("articles:tag", {"slug": Tag.objects.get(name="芯片").slug}),
        archive=("articles:archive", {}),
    )


@pytest.mark.parametrize("kind", ["home", "category", "article", "tag", "archive"])
def test_english_pages_say_so_and_link_their_chinese_version(client, english, kind):
    """Pages under /en/ have <html lang="en"> and hreflang links to both language versions."""
    name, kwargs = getattr(english, kind)
    zh_url, en_url = in_zh(name, **kwargs), in_en(name, **kwargs)
    assert en_url.startswith("/en/") and not zh_url.startswith("/en/")
    page = get_page(client, en_url)
    assert '<html lang="en">' in page
    elements = Elements(page)
    alternates = {link["hreflang"]: link["href"] for link in elements.find("link", rel="alternate") if "hreflang" in link}
    assert alternates == {"zh-hans": "http://testserver" + zh_url, "en": "http://testserver" + en_url}
    assert elements.find("a", href=zh_url, hreflang="zh-hans")  # the switcher offers Chinese
    zh_page = get_page(client, zh_url)
    assert '<html lang="zh-hans">' in zh_page
    assert Elements(zh_page).find("a", href=en_url, hreflang="en")


def test_language_links_keep_the_query_string(client):
    """Switching language keeps the filter or search in the address."""
    ArticleFactory(source_name="新华社")
    page = get_page(client, "/en/", {"source": "新华社"})
    (link,) = Elements(page).find("a", hreflang="zh-hans")
    assert urlsplit(link["href"]).path == "/"
    assert parse_qs(urlsplit(link["href"]).query) == {"source": ["新华社"]}


# --- Query budgets ----------------------------------------------------------------------------


def fresh_count(client, url):
    caching.bump_content_version()  # measure the view, not the page cache
    return count_queries(client, url)


def add_listed_articles(n, category):
    for _ in range(n):
        ArticleFactory(
            title=f"预算新闻{Article.objects.count()}",
            thumbnail=ImageFactory(), head_image=ImageFactory(),
            categories=[category, CategoryFactory()], tags=["预算", f"标签{Article.objects.count()}"],
            source_name="新华社", author="张三",
        )


BUDGET_PAGES = {
    "home": lambda c: "/",
    "category": lambda c: c.parent.get_absolute_url(),
    "tag": lambda c: in_zh("articles:tag", slug="预算"),
    "source": lambda c: in_zh("articles:source", name="新华社"),
    "author": lambda c: in_zh("articles:author", name="张三"),
    "search": lambda c: in_zh("articles:search") + "?q=预算",
    "archive-year": lambda c: in_zh(
        "articles:archive_year", year=timezone.localtime(timezone.now() - dt.timedelta(hours=1)).year
    ),
}


@pytest.mark.parametrize("kind", BUDGET_PAGES)
def test_list_page_queries_do_not_grow_with_articles(client, kind):
    """A list page runs as many queries for 5 articles as for 30."""
    child = Category.objects.create(name="子分类", parent=Category.objects.create(name="父分类"))
    url = BUDGET_PAGES[kind](child)
    add_listed_articles(5, child)
    fresh_count(client, url)  # warm up
    few = fresh_count(client, url)
    add_listed_articles(25, child)
    many = fresh_count(client, url)
    assert len(cards(get_page(client, url))) >= 19  # the page really lists more
    assert many == few


def test_article_page_queries_do_not_grow_with_tags_categories_and_related(client):
    """An article page runs as many queries with 5 tags, categories and related articles as with 30."""
    article = ArticleFactory(head_image=ImageFactory())

    def grow(n):
        for _ in range(n):
            category = CategoryFactory()
            tag = f"标签{category.pk}"
            article.categories.add(category)
            article.tags.add(tag)
            ArticleFactory(thumbnail=ImageFactory(), categories=[category], tags=[tag])

    grow(5)
    fresh_count(client, article.get_absolute_url())
    few = fresh_count(client, article.get_absolute_url())
    grow(25)
    assert fresh_count(client, article.get_absolute_url()) == few
    assert get_page(client, article.get_absolute_url()).count('rel="tag"') == 30


# --- Pagination ---------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["0", "999", "abc", "-1", "1.5"])
@pytest.mark.parametrize("kind", [k for k in LIST_PAGES if k != "home-en"])
def test_bad_page_numbers_on_list_pages_are_404(client, world, kind, page):
    """Page 0, a page past the end or a non-number is a 404 on every list page, never a server error."""
    url = LIST_PAGES[kind](world)
    separator = "&" if "?" in url else "?"
    assert client.get(f"{url}{separator}page={page}").status_code == 404


def next_link(page):
    (link,) = Elements(page).find("a", rel="next")
    return link["href"]


def test_page_two_link_keeps_the_filter(client):
    """The "older" link of a filtered list keeps the filter and leads to its second page."""
    for _ in range(25):
        ArticleFactory(source_name="新华社")
    for _ in range(3):
        ArticleFactory(source_name="路透社")
    href = next_link(get_page(client, "/", {"source": "新华社"}))
    assert parse_qs(urlsplit(href).query) == {"source": ["新华社"], "page": ["2"]}
    second = get_page(client, "/" + href)
    assert len(cards(second)) == 5  # 25 from 新华社: 20 on page 1, 5 on page 2


def test_search_page_two_link_keeps_the_query(client):
    """The "older" link of search results keeps the query."""
    for _ in range(21):
        ArticleFactory(title="分页搜索测试")
    href = next_link(get_page(client, in_zh("articles:search"), {"q": "分页"}))
    assert parse_qs(urlsplit(href).query) == {"q": ["分页"], "page": ["2"]}
    assert len(cards(get_page(client, in_zh("articles:search") + href))) == 1


# --- Filtering on the home page -----------------------------------------------------------------


def titles(page):
    return set(re.findall(r'class="card-title"><a href="[^"]*">([^<]*)</a>', page))


def test_filter_by_category_includes_descendants(client):
    """Filtering by a category shows its articles and those of its sub-categories, as cards without a lead."""
    parent = Category.objects.create(name="科技")
    child = Category.objects.create(name="手机", parent=parent)
    ArticleFactory(title="父分类新闻", categories=[parent])
    ArticleFactory(title="子分类新闻", categories=[child])
    ArticleFactory(title="别处新闻", categories=[Category.objects.create(name="体育")])
    page = get_page(client, "/", {"category": parent.pk})
    assert titles(page) == {"父分类新闻", "子分类新闻"}
    assert '<article class="lead">' not in page


def test_filter_by_tag_slug(client):
    """Filtering by a tag slug (Chinese too) shows only articles with that tag."""
    ArticleFactory(title="有标签", tags=["人工智能"])
    ArticleFactory(title="别的标签", tags=["芯片"])
    assert titles(get_page(client, "/", {"tag": Tag.objects.get(name="人工智能").slug})) == {"有标签"}


def test_filter_by_source(client):
    """Filtering by source shows only that publication's articles."""
    ArticleFactory(title="新华社稿", source_name="新华社")
    ArticleFactory(title="路透社稿", source_name="路透社")
    assert titles(get_page(client, "/", {"source": "路透社"})) == {"路透社稿"}


def test_filter_by_date_range_includes_whole_days_in_local_time(client):
    """published_after/published_before keep articles of those days, both ends included, in Shanghai time."""
    ArticleFactory(title="太早", published_at=at(2024, 3, 9, 23, 59))
    ArticleFactory(title="第一天早上", published_at=at(2024, 3, 10, 0, 1))
    ArticleFactory(title="中间", published_at=at(2024, 3, 15, 12))
    ArticleFactory(title="最后一天晚上", published_at=at(2024, 3, 20, 23, 30))
    ArticleFactory(title="太晚", published_at=at(2024, 3, 21, 0, 1))
    page = get_page(client, "/", {"published_after": "2024-03-10", "published_before": "2024-03-20"})
    assert titles(page) == {"第一天早上", "中间", "最后一天晚上"}
    assert titles(get_page(client, "/", {"published_after": "2024-03-16"})) == {"最后一天晚上", "太晚"}
    assert titles(get_page(client, "/", {"published_before": "2024-03-09"})) == {"太早"}


def test_filter_form_keeps_its_state_from_the_url(client):
    """The filter form is open and shows the chosen category, tag, source and dates taken from the URL."""
    category = Category.objects.create(name="科技")
    ArticleFactory(categories=[category], tags=["芯片"], source_name="新华社", published_at=at(2024, 3, 15))
    params = {
        "category": category.pk, "tag": Tag.objects.get(name="芯片").slug, "source": "新华社",
        "published_after": "2024-03-01", "published_before": "2024-03-31",
    }
    page = get_page(client, "/", params)
    assert '<details class="filters" open>' in page
    form = re.search(r'<form method="get">.*?</form>', page, re.S).group(0)
    elements = Elements(form)
    (selected,) = [o for o in elements.find("option") if "selected" in o]
    assert selected["value"] == str(category.pk)
    for name in ("tag", "source", "published_after", "published_before"):
        (field,) = elements.find("input", name=name)
        assert field.get("value") == str(params[name]), name
    assert titles(page) == {Article.objects.get().title}


@pytest.mark.parametrize(
    "params",
    [
        {"category": "abc"},
        {"category": "999999"},
        {"published_after": "not-a-date"},
        {"published_before": "2024-02-30"},
        {"published_after": "0001-01-01"},
    ],
    ids=["category-text", "category-unknown", "date-text", "date-impossible", "date-year-1"],
)
def test_malformed_filter_values_never_500(client, params):
    """Malformed filter values give a page (possibly empty), never a server error."""
    ArticleFactory()
    assert client.get("/", params).status_code == 200


def test_an_invalid_filter_says_why_and_lists_nothing(client):
    """A filter value that cannot be read is named in the open filter panel, and no article is listed for it."""
    ArticleFactory(title="不应出现")
    page = get_page(client, "/?category=abc")
    assert '<details class="filters" open>' in page
    assert '<p class="errors">' in page and "不应出现" not in page
    plain = get_page(client, "/?page=1")
    assert '<details class="filters">' in plain and '<p class="errors">' not in plain and "不应出现" in plain


# --- Hostile values -----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["tag", "source", "published_after", "published_before", "category"])
def test_hostile_filter_values_are_escaped_in_the_form(client, field):
    """A filter value from the URL is shown back in the form as text, never as markup."""
    ArticleFactory()
    response = client.get("/", {field: HOSTILE})
    assert response.status_code == 200
    page = response.content.decode()
    assert_nothing_injected(page)
    assert "<script>alert(1)</script>" not in page
    form = Elements(re.search(r'<form method="get">.*?</form>', page, re.S).group(0))
    if field != "category":
        (box,) = form.find("input", name=field)
        assert box.get("value") == HOSTILE


def assert_nothing_injected(page):
    """No script element other than JSON-LD, no onmouseover attribute, whatever the data said."""
    elements = Elements(page)
    assert [s["attrs"] for s in elements.scripts] in ([], [{"type": "application/ld+json"}])
    for tag, attrs in elements.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    for block in elements.scripts:
        assert "<" not in block["text"]


def test_hostile_title_category_and_tag_are_escaped_everywhere(client):
    """Markup in a title, category or tag name shows as text on lists, the article, its meta tags and JSON-LD."""
    category = Category.objects.create(name="分类" + HOSTILE)
    article = ArticleFactory(title="标题" + HOSTILE, categories=[category], tags=["标签" + HOSTILE], author="")
    ArticleFactory(title="第二篇", categories=[category])  # so the hostile one is also a card, not only the lead
    tag = Tag.objects.get(name="标签" + HOSTILE)
    escaped_title = escape("标题" + HOSTILE)
    urls = ["/", "/en/", category.get_absolute_url(), in_zh("articles:tag", slug=tag.slug), article.get_absolute_url()]
    for url in urls:
        page = get_page(client, url)
        assert_nothing_injected(page)
        assert escaped_title in page, url
    detail = get_page(client, article.get_absolute_url())
    elements = Elements(detail)
    assert [m["content"] for m in elements.find("meta", property="og:title")] == ["标题" + HOSTILE]
    assert [m["content"] for m in elements.find("meta", property="article:tag")] == ["标签" + HOSTILE]
    assert json_ld_blocks(detail)[0]["headline"] == "标题" + HOSTILE
    assert escape("分类" + HOSTILE) in detail and escape("标签" + HOSTILE) in detail
    search = get_page(client, in_zh("articles:search"), {"q": "标题"})
    assert_nothing_injected(search)
    assert "<mark>标题</mark>" + html.escape(HOSTILE) in search


def test_hostile_author_is_escaped_on_the_article_page(client):
    """Markup in an author name shows as text on the article page and in its JSON-LD."""
    article = ArticleFactory(author="作者" + HOSTILE)
    page = get_page(client, article.get_absolute_url())
    assert_nothing_injected(page)
    assert escape("作者" + HOSTILE) in page
    assert json_ld_blocks(page)[0]["author"]["name"] == "作者" + HOSTILE


def test_hostile_author_without_a_slash_is_escaped(client):
    """An author name with quotes and angle brackets (but no slash) shows as text and in JSON-LD."""
    author = '<b onmouseover="alert(1)">作者'
    article = ArticleFactory(author=author)
    page = get_page(client, article.get_absolute_url())
    assert_nothing_injected(page)
    assert escape(author) in page
    assert json_ld_blocks(page)[0]["author"]["name"] == author


def test_article_with_an_emoji_tag_still_renders(client):
    """An article tagged "🔥" still opens."""
    article = ArticleFactory(title="热门", tags=["🔥"])
    assert "热门" in get_page(client, article.get_absolute_url())


# --- Not found --------------------------------------------------------------------------------


def test_server_error_page_is_the_sites_own(rf, settings):
    """A crash shows the site's bilingual error page with its stylesheet, whatever failed before it."""
    response = server_error(rf.get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错了" in page and "Something went wrong" in page
    assert f'href="{settings.STATIC_URL}css/site.css"' in page


def test_404_page_is_in_the_site_style(client):
    """A missing page is a 404 with the site's header, brand and search box, in the page's language."""
    home = get_page(client, "/")
    brand = re.search(r'<a class="brand" href="/">([^<]+)</a>', home).group(1)
    response = client.get("/category/没有这个分类/")
    assert response.status_code == 404
    page = response.content.decode()
    assert f'<a class="brand" href="/">{brand}</a>' in page
    assert '<form class="search-box"' in page and '<html lang="zh-hans">' in page
    english = client.get("/en/no-such-page/")
    assert english.status_code == 404
    assert '<a class="brand" href="/en/">Newsroom</a>' in english.content.decode()


# --- Imported details: several authors, estimated dates, a head image repeated in the body -----


def test_each_author_of_an_article_is_a_link_to_their_own_page(client):
    """An article by two people names both, each linking to a page that lists the article."""
    article = ArticleFactory(title="合写的报道", author="王五, Jane Doe", source_name="新华社")
    ArticleFactory(title="别人的报道", author="王五五")
    links = re.findall(r'<a class="author" href="([^"]+)">([^<]+)</a>', get_page(client, article.get_absolute_url()))
    assert [name for _url, name in links] == ["王五", "Jane Doe"]
    for url, _name in links:
        page = get_page(client, url)
        assert "合写的报道" in page and "别人的报道" not in page


def test_an_estimated_date_never_makes_the_lead_story_nor_shows_a_time(client):
    """An article dated by its file's modification time is listed, but the lead is the newest dated one."""
    ArticleFactory(title="有日期的新闻", published_at=timezone.now() - dt.timedelta(days=1))
    guessed = ArticleFactory(title="日期是估计的", published_at=timezone.now() - dt.timedelta(minutes=5),
                             date_estimated=True)
    home = get_page(client, "/")
    lead = home.split('<article class="lead">', 1)[1].split("</article>", 1)[0]
    assert "有日期的新闻" in lead and "日期是估计的" not in lead
    assert "日期是估计的" in home  # still listed, in date order
    card = home.split("日期是估计的", 1)[1].split("</article>", 1)[0]
    assert "<time" not in card
    page = get_page(client, guessed.get_absolute_url())
    meta = page.split('<p class="meta">', 1)[1].split("</p>", 1)[0]
    assert "<time" not in meta
    (data,) = json_ld_blocks(page)
    assert "datePublished" not in data


def test_a_head_image_that_opens_the_body_is_shown_once(client):
    """When the head image is also the body's first picture, the article page shows the picture once."""
    url = "https://img.36krcdn.com/20220414/v2_c38309_img_000"
    article = ArticleFactory(head_image=ImageFactory(source_url=url),
                             body=f'<p>导语</p><p><img src="{url}"></p><p>正文</p>')
    page = get_page(client, article.get_absolute_url())
    assert 'class="head-image"' not in page and page.split('<div class="body">', 1)[1].count(url) == 1
    other = ArticleFactory(head_image=ImageFactory(), body=f'<p><img src="{url}"></p>')
    assert 'class="head-image"' in get_page(client, other.get_absolute_url())


def test_every_sample_article_page_has_one_h1_headings_in_order_and_alt_on_every_picture(client, settings):
    """What accessibility and SEO audits check, over every sample post: one <h1>, no skipped level, alt everywhere."""
    from django.core.management import call_command

    from conftest import ROOT

    settings.NEWSROOM_PAGE_CACHE = False
    call_command("import_seeds", str(ROOT / "fixtures" / "seeds"), verbosity=0)
    articles = list(Article.objects.published())
    assert len(articles) >= 15
    for article in articles:
        page = get_page(client, article.get_absolute_url())
        main = page.split("<main", 1)[1].split("</main>", 1)[0]
        levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", main)]
        assert levels.count(1) == 1 and levels[0] == 1, (article.title, levels)
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), (article.title, levels)
        assert all(" alt=" in tag for tag in re.findall(r"<img\b[^>]*>", main)), article.title
