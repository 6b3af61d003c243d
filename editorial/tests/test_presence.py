"""Who else has an article's form open: recorded by the form, told to the others, forgotten when stale."""

import datetime as dt

from django.urls import reverse

from articles.tests.factories import ArticleFactory
from editorial.models import Presence
from editorial.presence import STALE

from .conftest import member


def beat(client, article, **data):
    return client.post(reverse("admin:articles_article_presence", args=[article.pk]), data)


def test_opening_the_form_tells_the_next_editor_who_is_there(client, db):
    """The second editor's form names the first, with the time they opened it; the first sees nobody."""
    article = ArticleFactory()
    wang, li = member("Editor", "王编辑"), member("Editor", "李编辑")
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(wang)
    first = client.get(url)
    assert first.context["present"] == []
    client.force_login(li)
    second = client.get(url)
    assert [other["name"] for other in second.context["present"]] == ["王编辑"]
    assert "王编辑（自" in second.content.decode()


def test_the_heartbeat_answers_who_else_is_there(client, db):
    """Each beat keeps the editor present and answers the others' names as JSON."""
    article = ArticleFactory()
    client.force_login(member("Editor", "王编辑"))
    assert beat(client, article).json() == {"others": []}
    client.force_login(member("Editor", "李编辑"))
    assert [other["name"] for other in beat(client, article).json()["others"]] == ["王编辑"]


def test_an_editor_who_stopped_beating_is_forgotten(client, db):
    """A form closed without saying so (a crash) stops counting after a minute without a beat."""
    article = ArticleFactory()
    wang = member("Editor", "王编辑")
    client.force_login(wang)
    beat(client, article)
    Presence.objects.filter(user=wang).update(seen_at=Presence.objects.get().seen_at - STALE - dt.timedelta(seconds=1))
    client.force_login(member("Editor", "李编辑"))
    assert beat(client, article).json() == {"others": []}


def test_leaving_the_page_ends_the_presence(client, db):
    """The page's last beat (on pagehide) removes the editor at once."""
    article = ArticleFactory()
    wang = member("Editor", "王编辑")
    client.force_login(wang)
    beat(client, article)
    beat(client, article, leave="1")
    assert not Presence.objects.filter(user=wang).exists()


def test_the_heartbeat_is_for_those_who_may_see_the_article(client, db):
    """Anonymous visitors are sent to sign in, and an unknown article is a 404; GET is refused."""
    article = ArticleFactory()
    assert beat(client, article).status_code == 302
    client.force_login(member("Editor"))
    assert client.get(reverse("admin:articles_article_presence", args=[article.pk])).status_code == 405
    assert client.post(reverse("admin:articles_article_presence", args=[article.pk + 100])).status_code == 404
