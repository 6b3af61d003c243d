"""Search as readers use it: Chinese and English terms, ranking, highlighting, hints, pages.

Terms of two characters are matched by ``icontains`` on every database; terms of three or
more go through the FTS5 trigram index on SQLite (pg_trgm on PostgreSQL). These tests only
look at the pages, so they hold on either database.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db

HINT = "请至少输入两个字。"  # "Type at least two characters."
NO_ARTICLES = "暂无文章。"  # "No articles yet."


@pytest.fixture(autouse=True)
def chinese_by_default():
    with translation.override("zh-hans"):
        yield


def search(client, query, **params):
    with translation.override("zh-hans"):
        url = reverse("articles:search")
    response = client.get(url, {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode()


def found(page):
    """Titles of the result cards, in order, without highlighting."""
    titles = re.findall(r'<h2 class="card-title"><a href="[^"]*">(.*?)</a></h2>', page, re.S)
    return [re.sub(r"</?mark>", "", title) for title in titles]


@pytest.fixture
def news():
    now = timezone.now()
    return {
        "taliban": ArticleFactory(
            title="塔利班宣布新政策", body="<p>喀布尔消息，塔利班发言人周二表示。</p>",
            published_at=now - dt.timedelta(hours=3),
        ),
        "kabul": ArticleFactory(
            title="喀布尔机场恢复航班", body="<p>航班恢复，塔利班控制机场。</p>",
            published_at=now - dt.timedelta(hours=2),
        ),
        "tower": ArticleFactory(
            title="埃菲尔铁塔重新开放", body="<p>巴黎铁塔本周开放。</p>",
            published_at=now - dt.timedelta(hours=1),
        ),
        "english": ArticleFactory(
            title="Taliban Announce Cabinet", body="<p>The new AI policy was announced in Kabul.</p>",
            published_at=now - dt.timedelta(hours=4),
        ),
    }


def test_two_character_chinese_term_finds_titles_and_bodies(client, news):
    """"塔利" finds articles with it in the title or only in the body, and nothing else."""
    assert set(found(search(client, "塔利"))) == {"塔利班宣布新政策", "喀布尔机场恢复航班"}


def test_three_character_chinese_term(client, news):
    """"塔利班" finds the articles that contain it, and not those with only "塔"."""
    assert set(found(search(client, "塔利班"))) == {"塔利班宣布新政策", "喀布尔机场恢复航班"}


def test_longer_chinese_phrase_matches_exactly(client, news):
    """"塔利班发言人" finds only the article containing that whole phrase."""
    assert found(search(client, "塔利班发言人")) == ["塔利班宣布新政策"]


@pytest.mark.parametrize("query", ["ai", "AI", "Ai"])
def test_two_letter_english_term_ignores_case(client, news, query):
    """A two-letter English word is found whatever its case."""
    assert found(search(client, query)) == ["Taliban Announce Cabinet"]


@pytest.mark.parametrize("query", ["taliban", "TALIBAN", "TaLiBaN", "kabul"])
def test_english_word_ignores_case(client, news, query):
    """An English word is found whatever its case, in the title or the body."""
    assert found(search(client, query)) == ["Taliban Announce Cabinet"]


def test_every_two_character_term_is_required(client, news):
    """With several terms, only articles containing all of them are found."""
    assert found(search(client, "塔利 机场")) == ["喀布尔机场恢复航班"]
    assert found(search(client, "塔利 铁塔")) == []


def test_every_longer_term_is_required(client, news):
    """Several longer terms, mixed with a short one, must all be present."""
    assert set(found(search(client, "塔利班 喀布尔"))) == {"塔利班宣布新政策", "喀布尔机场恢复航班"}
    assert found(search(client, "塔利班 机场")) == ["喀布尔机场恢复航班"]
    assert found(search(client, "塔利班 Kabul")) == []


def test_title_matches_come_before_body_only_matches(client):
    """An article with the term in its title ranks above newer ones that have it only in the body."""
    now = timezone.now()
    ArticleFactory(title="标题里有火箭", body="<p>无关</p>", published_at=now - dt.timedelta(days=3))
    ArticleFactory(title="较新的新闻", body="<p>正文提到火箭。</p>", published_at=now - dt.timedelta(hours=1))
    ArticleFactory(title="最新的新闻", body="<p>又是火箭。</p>", published_at=now - dt.timedelta(minutes=5))
    assert found(search(client, "火箭")) == ["标题里有火箭", "最新的新闻", "较新的新闻"]


def test_title_matches_come_first_for_longer_terms(client):
    """Ranking holds for terms of three or more characters too."""
    now = timezone.now()
    ArticleFactory(title="长征火箭发射", body="<p>无关</p>", published_at=now - dt.timedelta(days=3))
    ArticleFactory(title="较新的新闻", body="<p>提到长征火箭。</p>", published_at=now - dt.timedelta(hours=1))
    assert found(search(client, "长征火箭")) == ["长征火箭发射", "较新的新闻"]


@pytest.mark.parametrize("query", ["秘密", "秘密计划"])
def test_drafts_and_scheduled_articles_are_never_found(client, query):
    """Drafts and scheduled articles stay out of search results."""
    ArticleFactory(title="公开的秘密计划")
    ArticleFactory(title="草稿：秘密计划", status=Article.Status.DRAFT)
    ArticleFactory(title="定时：秘密计划", published_at=timezone.now() + dt.timedelta(days=1))
    assert found(search(client, query)) == ["公开的秘密计划"]


def test_edited_article_is_found_by_its_new_words_only(client):
    """After an edit, the new words find the article and the old ones no longer do."""
    article = ArticleFactory(title="旧标题关于火星", body="<p>火星探测。</p>")
    article.title, article.body = "新标题关于木星", "<p>木星探测。</p>"
    article.save()
    assert found(search(client, "木星探测")) == ["新标题关于木星"]
    assert found(search(client, "火星探测")) == []


def test_results_are_highlighted(client):
    """Each term is wrapped in <mark> in titles and excerpts, keeping the text's own case."""
    ArticleFactory(title="AI 芯片与塔利班", body="<p>新一代 Ai 芯片发布。</p>")
    page = search(client, "ai 芯片")
    assert '<a href="' in page and "<mark>AI</mark> <mark>芯片</mark>与塔利班</a>" in page
    assert '<p class="excerpt">新一代 <mark>Ai</mark> <mark>芯片</mark>发布。</p>' in page


@pytest.mark.parametrize("query", ["linux", "LINUX", "LiNuX 内核"])
def test_english_terms_match_in_any_case(client, query):
    """Latin-script terms match titles and bodies whatever the case of the query or the text."""
    ArticleFactory(title="Linux 内核发布", body="<p>新版 LINUX 内核。</p>")
    ArticleFactory(title="无关", body="<p>Windows.</p>")
    assert found(search(client, query)) == ["Linux 内核发布"]


def test_cached_cards_keep_lists_and_searches_apart(client):
    """A card cached for the home page is not reused for a search (no highlight), nor the reverse."""
    ArticleFactory(title="火星车着陆成功", body="<p>火星车。</p>")
    assert "<mark>" not in client.get("/").content.decode()
    assert "<mark>火星</mark>车着陆成功" in search(client, "火星")
    assert "<mark>着陆</mark>" in search(client, "着陆")
    assert "<mark>" not in client.get("/").content.decode()


def test_highlighting_never_breaks_escaped_characters(client):
    """Highlighting a term that is also part of an HTML entity ("lt" in "&lt;") keeps the text readable."""
    ArticleFactory(title="Results: 3 < 5", body="<p>x</p>")
    page = search(client, "lt")
    assert "Resu<mark>lt</mark>s: 3 &lt; 5" in page


@pytest.mark.parametrize("query", ["塔", "a", " 塔 "])
def test_one_character_query_shows_a_hint_and_no_results(client, news, query):
    """A one-character query lists nothing and asks for at least two characters."""
    page = search(client, query)
    assert found(page) == []
    assert HINT in page


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_query_shows_a_hint_and_no_results(client, news, query):
    """An empty search lists nothing, gives a hint, and does not claim the site has no articles."""
    page = search(client, query)
    assert found(page) == []
    assert HINT in page and NO_ARTICLES not in page


@pytest.mark.parametrize(
    "query", ['"塔利班"', "塔利班*", "塔利班 OR 铁塔", "NEAR(塔利班", "a\"b'c", "-塔利班", "^塔利班", "塔" * 300]
)
def test_query_syntax_characters_never_500(client, news, query):
    """Quotes, operators and over-long queries are searched as text, never a server error."""
    search(client, query)


def test_results_are_paginated(client):
    """25 matches make two pages of 20 and 5, newest first; a third page is a 404."""
    now = timezone.now()
    for i in range(25):
        ArticleFactory(title=f"分页新闻{i:02d}", published_at=now - dt.timedelta(minutes=i + 1))
    first, second = search(client, "分页"), search(client, "分页", page=2)
    assert found(first) == [f"分页新闻{i:02d}" for i in range(20)]
    assert found(second) == [f"分页新闻{i:02d}" for i in range(20, 25)]
    assert "“分页”的搜索结果：25 条" in first
    with translation.override("zh-hans"):
        url = reverse("articles:search")
    assert client.get(url, {"q": "分页", "page": 3}).status_code == 404
