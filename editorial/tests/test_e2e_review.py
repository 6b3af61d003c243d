"""The review, end to end in a real browser (Debian's Chromium): a contributor, two editors, one story."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from articles.models import Article

from .conftest import member

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, user):
    """A browser tab of its own (own cookies) for ``user``, failing the test on any error it meets."""
    client = Client()  # a session of its own: signing another user in would end the previous one
    client.force_login(user)
    context = browser.new_context(locale="zh-CN")
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.on("response", lambda response: response.status >= 500 and tab.errors.append(f"{response.status} {response.url}"))
    tab.base = live_server.url
    return tab


def go(tab, url):
    tab.goto(tab.base + url)
    tab.wait_for_load_state("load")


def press(tab, name):
    """Clicks a submit button of the article form and waits for the page it leads to."""
    with tab.expect_navigation():
        tab.locator(f"input[name={name}]").click()
    tab.wait_for_load_state("load")  # its requests done: the live server shares the test's database connection


def type_in_body(tab, text):
    body = tab.locator(".prose-editor .tiptap")
    body.wait_for()
    body.click()
    tab.keyboard.press("Control+End")
    tab.keyboard.type(text)


def shot(tab, name):
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_contributor_and_two_editors_take_a_story_through_review(live_server, browser):
    """Write, submit, compare, send back with a note, fix, resubmit, publish; a second editor's stale save is refused."""
    writer = signed_in(browser, live_server, member("Contributor", "小李"))
    editor = signed_in(browser, live_server, member("Editor", "王编辑"))
    second = signed_in(browser, live_server, member("Editor", "赵编辑"))

    # The contributor writes a draft, saves it, adds a sentence and submits it.
    go(writer, reverse("admin:articles_article_add"))
    assert writer.locator("#id_status option").all_inner_texts() == ["草稿", "审核中"]
    writer.fill("#id_title", "市政府发布新规")
    type_in_body(writer, "新规自下月起施行。")
    press(writer, "_continue")
    article = Article.objects.get(title="市政府发布新规")
    change = reverse("admin:articles_article_change", args=[article.pk])
    type_in_body(writer, "违者将被处以罚款。")
    press(writer, "_submit_review")
    assert Article.objects.get(pk=article.pk).status == Article.Status.REVIEW

    # A second editor opens the story now, and will save it later.
    go(second, change)

    # The editor finds it in the dashboard's queue, compares the two revisions and sends it back.
    go(editor, reverse("admin:index"))
    shot(editor, "review-dashboard")
    editor.locator("#dashboard-review a", has_text="市政府发布新规").click()
    editor.wait_for_load_state("load")
    assert editor.locator("#presence").is_visible() and "赵编辑" in editor.locator("#presence").inner_text()
    go(editor, reverse("admin:articles_article_history", args=[article.pk]))
    with editor.expect_navigation():
        editor.locator("#change-history input[type=submit]").click()
    assert "违者将被处以罚款。" in "".join(editor.locator(".compare-field-body ins").all_inner_texts())
    shot(editor, "review-compare")
    go(editor, change)
    editor.fill("#id_change_note", "请注明罚款金额。")
    press(editor, "_send_back")
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT

    # The second editor's save, made on the form opened before the send-back, is refused; their text stays.
    second.fill("#id_title", "市政府发布新规（更正）")
    press(second, "_continue")
    notice = second.locator(".errorlist.nonfield")
    assert "王编辑" in second.locator("#content-main").inner_text() and "在您打开之后修改了它" in notice.inner_text()
    assert second.locator("#id_title").input_value() == "市政府发布新规（更正）"
    with second.context.expect_page() as opened:
        second.locator("#stale-save input[type=submit]").click()
    comparison = opened.value
    comparison.wait_for_load_state("load")
    assert "（更正）" in "".join(comparison.locator(".compare-field-title ins").all_inner_texts())
    shot(second, "review-stale-save")
    assert Article.objects.get(pk=article.pk).title == "市政府发布新规"

    # The writer sees the note, fixes the story and submits it again.
    go(writer, change)
    assert "请注明罚款金额。" in writer.locator("#review-note").inner_text()
    type_in_body(writer, "罚款最高五千元。")
    press(writer, "_submit_review")
    assert Article.objects.get(pk=article.pk).status == Article.Status.REVIEW

    # The editor publishes it; readers see it.
    go(editor, change)
    press(editor, "_approve")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.review_note == ""
    reader = browser.new_page()
    reader.goto(live_server.url + article.get_absolute_url())
    assert "罚款最高五千元。" in reader.locator(".body").inner_text()
    assert writer.errors == [] and editor.errors == [] and second.errors == []
