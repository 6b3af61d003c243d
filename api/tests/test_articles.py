"""Articles through the API: what each one says, and every filter of the list."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from articles.models import Article, Category, Image
from articles.tests.factories import ArticleFactory, ImageFactory
from articles.tests.test_models import png_bytes

from .conftest import error_of, items, titles

pytestmark = pytest.mark.django_db
LIST = "/api/v1/articles"


@pytest.fixture
def tree():
    top = Category.objects.create(name="新媒体", slug="新媒体")
    cnbeta = Category.objects.create(name="cnBeta", slug="cnbeta", parent=top)
    latest = Category.objects.create(name="最新", parent=cnbeta)
    other = Category.objects.create(name="体育")
    return {"top": top, "cnbeta": cnbeta, "latest": latest, "other": other}


def test_an_article_says_everything_a_client_needs(client):
    """The detail has the fields of the page: absolute addresses, dates with offsets, filing, pictures, the body."""
    category = Category.objects.create(name="科技")
    photo = Image.objects.create(
        file=SimpleUploadedFile("big.png", png_bytes(1600, 900)), alt_text="芯片", caption="新芯片", credit="新华社"
    )
    article = ArticleFactory(
        title="国产芯片发布", body="<p>正文。</p>", author="张三, 李四", source_name="新华社",
        source_url="https://news.example.com/1", language="zh-CN", categories=[category], tags=["芯片"],
        head_image=photo, thumbnail=ImageFactory(source_url="https://img.example.com/t.jpg"),
    )
    data = client.get(f"{LIST}/{article.pk}").json()
    assert data["url"] == "http://testserver" + quote(f"/articles/{article.pk}-国产芯片发布/")
    assert data["body"] == article.body and data["excerpt"] == "正文。" and data["status"] == "published"
    assert data["published_at"].endswith("+08:00") and data["updated_at"].endswith("+08:00")
    assert dt.datetime.fromisoformat(data["published_at"]) == article.published_at.replace(
        microsecond=article.published_at.microsecond // 1000 * 1000)
    assert [a["name"] for a in data["authors"]] == ["张三", "李四"]
    assert data["authors"][0]["url"] == "http://testserver" + quote("/authors/张三/")
    assert data["source"] == {"name": "新华社", "url": "http://testserver" + quote("/sources/新华社/"),
                              "original_url": "https://news.example.com/1"}
    assert data["categories"] == [{"id": category.pk, "name": "科技", "path": category.path,
                                   "url": "http://testserver" + quote(f"/category/{category.path}/")}]
    assert data["tags"] == [{"name": "芯片", "slug": "芯片", "url": "http://testserver" + quote("/tags/芯片/")}]
    head = data["head_image"]
    assert head["url"] == "http://testserver" + photo.file.url and (head["width"], head["height"]) == (1600, 900)
    assert (head["alt"], head["caption"], head["credit"]) == ("芯片", "新芯片", "新华社")
    assert [r["width"] for r in head["renditions"]] == [640, 960, 1280]
    assert all(r["url"].startswith("http://testserver/media/renditions/") for r in head["renditions"])
    assert data["thumbnail"]["url"] == "https://img.example.com/t.jpg" and data["thumbnail"]["renditions"] == []


def test_an_article_without_pictures_or_source_says_null(client):
    """No head image, thumbnail or source: null, not an empty object."""
    article = ArticleFactory(source_name="", author="")
    data = client.get(f"{LIST}/{article.pk}").json()
    assert data["head_image"] is None and data["thumbnail"] is None and data["source"] is None
    assert data["authors"] == [] and data["categories"] == [] and data["tags"] == []


def test_an_article_is_found_by_its_chinese_slug(client):
    """/articles/by-slug/ takes the slug percent-encoded, as a browser sends it."""
    article = ArticleFactory(title="塔利班达成协议")
    response = client.get(f"{LIST}/by-slug/" + quote(article.slug))
    assert response.status_code == 200 and response.json()["id"] == article.pk
    assert error_of(client.get(f"{LIST}/by-slug/nothing-here"), 404)["code"] == "not_found"


def test_the_list_is_newest_first_and_leaves_the_body_out(client):
    """List items are the article without its body (a page of 100 bodies would be megabytes)."""
    now = timezone.now()
    ArticleFactory(title="旧", published_at=now - dt.timedelta(days=2))
    ArticleFactory(title="新", published_at=now - dt.timedelta(hours=1))
    response = client.get(LIST)
    assert titles(response) == ["新", "旧"]
    assert "body" not in items(response)[0] and "excerpt" in items(response)[0]


def test_category_filter_takes_a_path_and_includes_descendants(client, tree):
    """category=新媒体/cnbeta lists its own articles and those of 最新 below it, not its parent's or others'."""
    ArticleFactory(title="顶层", categories=[tree["top"]])
    ArticleFactory(title="中层", categories=[tree["cnbeta"]])
    ArticleFactory(title="底层", categories=[tree["latest"]])
    ArticleFactory(title="体育新闻", categories=[tree["other"]])
    assert sorted(titles(client.get(LIST, {"category": "新媒体/cnbeta"}))) == ["中层", "底层"]
    assert sorted(titles(client.get(LIST, {"category": "新媒体/CNBETA/"}))) == ["中层", "底层"]
    assert sorted(titles(client.get(LIST, {"category": "新媒体"}))) == ["中层", "底层", "顶层"]
    assert titles(client.get(LIST, {"category": str(tree["other"].pk)})) == ["体育新闻"]


def test_an_article_in_two_categories_of_one_subtree_is_listed_once(client, tree):
    """Filed under a category and its child, an article still appears once."""
    ArticleFactory(title="两处", categories=[tree["cnbeta"], tree["latest"]])
    assert titles(client.get(LIST, {"category": "新媒体"})) == ["两处"]


def test_tag_filter_takes_a_name_or_a_slug_in_any_case(client):
    """tag=JavaScript finds the tag named so by its name, and by its slug javascript."""
    ArticleFactory(title="前端", tags=["JavaScript"])
    ArticleFactory(title="后端", tags=["Python"])
    assert titles(client.get(LIST, {"tag": "JavaScript"})) == ["前端"]
    assert titles(client.get(LIST, {"tag": "javascript"})) == ["前端"]


def test_source_author_and_language_filters(client):
    """source (any case), author (one of several) and language each narrow the list."""
    ArticleFactory(title="甲", source_name="cnBeta", author="张三, 李四", language="zh-CN")
    ArticleFactory(title="乙", source_name="36氪", author="李四", language="en")
    ArticleFactory(title="丙", source_name="36氪", author="王五", language="zh-CN")
    assert titles(client.get(LIST, {"source": "CNBETA"})) == ["甲"]
    assert sorted(titles(client.get(LIST, {"author": "李四"}))) == ["乙", "甲"]
    assert titles(client.get(LIST, {"author": "张"})) == []  # a name, not a part of one
    assert sorted(titles(client.get(LIST, {"language": "zh-cn"}))) == ["丙", "甲"]
    assert titles(client.get(LIST, {"source": "36氪", "language": "en"})) == ["乙"]


def test_date_filters_take_dates_and_date_times(client):
    """A date bound covers its whole day (in the site's time zone); a date and time is used as given."""
    at = timezone.make_aware(dt.datetime(2024, 5, 1, 9, 30))
    ArticleFactory(title="四月", published_at=at - dt.timedelta(days=1))
    ArticleFactory(title="五一", published_at=at)
    ArticleFactory(title="五二", published_at=at + dt.timedelta(days=1))
    assert titles(client.get(LIST, {"published_after": "2024-05-01", "published_before": "2024-05-01"})) == ["五一"]
    assert titles(client.get(LIST, {"published_after": "2024-05-01T09:30:01"})) == ["五二"]
    assert titles(client.get(LIST, {"published_before": "2024-05-01T01:30:00Z"})) == ["五一", "四月"]  # 09:30 +08
    assert titles(client.get(LIST, {"published_before": "2024-04-30T23:59:59+08:00"})) == ["四月"]


def test_search_finds_chinese_terms_newest_first(client):
    """q is the site's search: two-character Chinese terms, several terms all matching, newest first."""
    now = timezone.now()
    ArticleFactory(title="旧闻", body="<p>塔利班与美国会谈。</p>", published_at=now - dt.timedelta(days=1))
    ArticleFactory(title="塔利班新闻", body="<p>多哈的消息。</p>", published_at=now - dt.timedelta(days=2))
    ArticleFactory(title="最新", body="<p>美国塔利班达成协议。</p>", published_at=now - dt.timedelta(hours=1))
    ArticleFactory(title="无关", body="<p>别的内容。</p>")
    assert titles(client.get(LIST, {"q": "塔利"})) == ["最新", "旧闻", "塔利班新闻"]
    assert titles(client.get(LIST, {"q": "塔利班 美国"})) == ["最新", "旧闻"]


@pytest.mark.parametrize("query, field", [
    ({"category": "没有这个分类"}, "category"),
    ({"tag": "没有这个标签"}, "tag"),
    ({"published_after": "2024-13-01"}, "published_after"),
    ({"published_before": "yesterday"}, "published_before"),
    ({"published_after": "0001-01-01"}, "published_after"),
    ({"q": "塔"}, "q"),
    ({"limit": "abc"}, "limit"),
    ({"status": "draft"}, "status"),  # staff tokens only
    ({"categroy": "新媒体"}, "categroy"),  # a misspelt filter is not silently ignored
])
def test_a_bad_filter_is_a_400_naming_its_parameter(client, query, field):
    """Every bad filter value answers 400 with the parameter's name and the reason."""
    error = error_of(client.get(LIST, query), 400)
    assert error["field"] == field and error["message"]


def test_filters_never_reveal_drafts(client, tree):
    """Whatever the filter, anonymous lists hold only what readers see."""
    ArticleFactory(title="草稿", status=Article.Status.DRAFT, categories=[tree["top"]], tags=["秘密"])
    ArticleFactory(title="定时", status=Article.Status.SCHEDULED, categories=[tree["top"]],
                   published_at=timezone.now() + dt.timedelta(days=1))
    for query in ({}, {"category": "新媒体"}, {"q": "草稿"}, {"source": "cnBeta"}, {"tag": "秘密"}):
        assert titles(client.get(LIST, query)) == []
