"""Two editors, one article: a save over a newer one is refused, and nothing typed is lost."""

import threading

import pytest
from django.db import connection, connections
from django.db.models import F
from django.urls import reverse

from articles.models import Article
from articles.tests.factories import ArticleFactory
from articles.tests.testdata import form_data
from editorial import forms as editorial_forms

from .conftest import member


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_a_save_over_someone_elses_newer_save_is_refused_with_who_and_when(client, db):
    """B opened the form before A saved: B's save is refused naming A, B's text stays in the form."""
    article = ArticleFactory(title="原稿")
    wang, li = member("Editor", "王编辑"), member("Editor", "李编辑")
    opened = form_data(article)  # both open the form at this version
    client.force_login(wang)
    assert client.post(change_url(article), {**opened, "title": "王的标题"}).status_code == 302
    client.force_login(li)
    response = client.post(change_url(article), {**opened, "body": "<p>李写了一大段。</p>"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "王编辑" in page and "在您打开之后修改了它" in page
    assert "李写了一大段。" in page  # the editor's text is still in the form
    assert 'formaction="../compare-unsaved/"' in page
    article.refresh_from_db()
    assert article.title == "王的标题" and "李写了一大段" not in article.body


def test_saving_again_after_the_refusal_is_a_deliberate_overwrite(client, db):
    """The refused form carries the current version: a second save replaces the other editor's change."""
    article = ArticleFactory(title="原稿")
    opened = form_data(article)
    client.force_login(member("Editor"))
    client.post(change_url(article), {**opened, "title": "第一位"})
    refused = client.post(change_url(article), {**opened, "title": "第二位"})
    again = refused.context["adminform"].form.data
    assert client.post(change_url(article), again).status_code == 302
    article.refresh_from_db()
    assert article.title == "第二位"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite lets no other writer commit inside an open transaction")
def test_a_save_committed_between_the_check_and_the_write_is_refused_too(client, monkeypatch):
    """If another editor's save commits after this form's check, the conditional update refuses this one."""
    article = ArticleFactory(title="原稿")
    opened = form_data(article)
    real_check = editorial_forms.EditorialForm.check_version
    raced = []

    def other_editor_saves():
        Article.objects.filter(pk=article.pk).update(title="另一位的标题", version=F("version") + 1)
        connections.close_all()

    def racing_check(form, seen):
        real_check(form, seen)
        if not raced:  # the other save commits, on its own connection, right after this check
            raced.append(True)
            thread = threading.Thread(target=other_editor_saves)
            thread.start()
            thread.join()

    monkeypatch.setattr(editorial_forms.EditorialForm, "check_version", racing_check)
    client.force_login(member("Editor"))
    response = client.post(change_url(article), {**opened, "title": "迟到的保存"})
    assert response.status_code == 200 and "在您打开之后修改了它" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "另一位的标题"


def test_a_preview_does_not_count_as_a_save(client, db):
    """Previewing leaves the version alone: the save after it goes through."""
    article = ArticleFactory()
    opened = form_data(article)
    client.force_login(member("Editor"))
    client.post(reverse("admin:articles_article_preview", args=[article.pk]), {**opened, "title": "预览"})
    assert client.post(change_url(article), {**opened, "title": "保存"}).status_code == 302


def test_the_compare_button_shows_what_the_refused_form_would_change(client, db):
    """Posting the refused form to compare-unsaved shows the editor's changes against the current version."""
    article = ArticleFactory(title="原稿", body="<p>第一句。</p>")
    client.force_login(member("Editor"))
    url = reverse("admin:articles_article_compare_unsaved", args=[article.pk])
    page = client.post(url, form_data(article, body="<p>第一句。第二句。</p>")).content.decode()
    assert "<ins>第二句。</ins>" in page.replace('<ins class="compare-ins">', "<ins>")
    assert Article.objects.get(pk=article.pk).body == "<p>第一句。</p>"
