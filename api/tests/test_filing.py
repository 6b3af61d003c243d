"""The category tree, tags, sources and authors, with counts of what readers see."""

import pytest

from articles.models import Article, Category
from articles.tests.factories import ArticleFactory

from .conftest import items

pytestmark = pytest.mark.django_db


def test_categories_are_the_tree_with_subtree_counts(client):
    """Each category has its parent's id and counts the published articles of its subtree, each once."""
    top = Category.objects.create(name="新媒体", slug="新媒体")
    cnbeta = Category.objects.create(name="cnBeta", slug="cnbeta", parent=top)
    latest = Category.objects.create(name="最新", slug="latest", parent=cnbeta)
    empty = Category.objects.create(name="体育", slug="sports")
    ArticleFactory(categories=[top])
    ArticleFactory(categories=[cnbeta, latest])  # twice in the subtree, counted once
    ArticleFactory(categories=[latest], status=Article.Status.DRAFT)  # readers do not see it
    found = {item["path"]: item for item in items(client.get("/api/v1/categories"))}
    assert list(found) == ["sports", "新媒体", "新媒体/cnbeta", "新媒体/cnbeta/latest"]  # by path
    assert {path: item["article_count"] for path, item in found.items()} == {
        "sports": 0, "新媒体": 2, "新媒体/cnbeta": 1, "新媒体/cnbeta/latest": 1}
    assert found["新媒体/cnbeta/latest"]["parent"] == cnbeta.pk and found["新媒体"]["parent"] is None
    assert found["新媒体/cnbeta/latest"]["full_name"] == "新媒体 › cnBeta › 最新"
    assert found["sports"]["id"] == empty.pk and found["sports"]["url"] == "http://testserver/category/sports/"


def test_tags_count_published_articles_and_hide_the_others(client):
    """Tags come most used first; a tag only drafts have is not listed (it would tell of them)."""
    ArticleFactory(tags=["芯片", "AI"])
    ArticleFactory(tags=["芯片"])
    ArticleFactory(tags=["秘密项目"], status=Article.Status.DRAFT)
    assert [(t["name"], t["slug"], t["article_count"]) for t in items(client.get("/api/v1/tags"))] == [
        ("芯片", "芯片", 2), ("AI", "ai", 1)]


def test_sources_count_published_articles(client):
    """Sources with their page on the site and their count, most first; none without a name."""
    ArticleFactory(source_name="新华社")
    ArticleFactory(source_name="新华社")
    ArticleFactory(source_name="cnBeta")
    ArticleFactory(source_name="")
    ArticleFactory(source_name="内部", status=Article.Status.REVIEW)
    sources = items(client.get("/api/v1/sources"))
    assert [(s["name"], s["article_count"]) for s in sources] == [("新华社", 2), ("cnBeta", 1)]
    assert sources[1]["url"] == "http://testserver/sources/cnBeta/"


def test_authors_count_each_article_for_each_of_its_authors(client):
    """An article by 张三 and 李四 counts for both; authors of drafts only are not listed."""
    ArticleFactory(author="张三, 李四")
    ArticleFactory(author="李四")
    ArticleFactory(author="王五", status=Article.Status.DRAFT)
    authors = items(client.get("/api/v1/authors"))
    assert [(a["name"], a["article_count"]) for a in authors] == [("李四", 2), ("张三", 1)]
    assert authors[0]["url"].startswith("http://testserver/authors/")
