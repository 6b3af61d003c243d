"""Previewing unsaved changes and the editor bar, in a real browser (Debian's Chromium)."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation

from articles.models import Article, Category

from .factories import ArticleFactory

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def watched(page):
    """``page`` with its console errors, refused scripts and dialogs collected, as the ``page`` fixture does."""
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("dialog", lambda dialog: (page.errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    return page


def test_editor_previews_an_unsaved_title_then_edits_from_the_public_page(live_server, page):
    """Staff change the title and body, click Preview and see them in a new tab, unsaved; the page has an editor bar."""
    User.objects.create_superuser("editor", password="a long pass phrase")
    article = ArticleFactory(title="原来的标题", body="<p>正文内容。</p>", categories=[Category.objects.create(name="科技")])
    with translation.override("zh-hans"):
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        login_url, article_url = reverse("admin:login"), article.get_absolute_url()

    page.goto(f"{live_server.url}{login_url}?next={change_url}")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a long pass phrase")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**{change_url}")
    page.fill("#id_title", "预览里的新标题")
    body = page.locator('.prose-editor [contenteditable="true"]')
    body.click()
    page.keyboard.press("End")
    page.keyboard.type("新增的一句。")
    shot(page, "admin-preview-button")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="预览").click()
    preview = watched(opened.value)
    preview.wait_for_load_state()
    assert preview.locator("h1").inner_text() == "预览里的新标题"
    assert preview.locator(".body").inner_text() == "正文内容。新增的一句。"
    assert preview.locator(".preview-banner").is_visible()
    shot(preview, "admin-preview")
    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.body) == ("原来的标题", "<p>正文内容。</p>")
    assert page.locator("#id_title").input_value() == "预览里的新标题"  # the form keeps the editor's change

    reader_page = watched(page.context.new_page())
    reader_page.goto(live_server.url + article_url)
    bar = reader_page.locator(".editor-bar")
    assert reader_page.locator("h1").inner_text() == "原来的标题"
    assert bar.locator(".editor-status").inner_text() == "已发布"
    shot(reader_page, "editor-bar")
    bar.get_by_role("link", name="编辑").click()
    reader_page.wait_for_url(f"**{change_url}")
    assert reader_page.locator("#id_title").input_value() == "原来的标题"
    assert preview.errors == [] and reader_page.errors == []
