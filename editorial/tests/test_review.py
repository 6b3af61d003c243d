"""Submitting for review, approving and sending back: statuses, notes, revisions and emails."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from articles.tests.factories import ArticleFactory
from articles.tests.testdata import form_data

Status = Article.Status


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def press(client, article, button, **changes):
    return client.post(change_url(article), {**form_data(article, **changes), button: "1"})


def latest_comment(article):
    return Version.objects.get_for_object(article).order_by("-revision__date_created", "-pk").first().revision.comment


@pytest.fixture
def submitted(client, contributor, editor, django_capture_on_commit_callbacks):
    """A contributor's draft, submitted for review."""
    article = ArticleFactory(status=Status.DRAFT, created_by=contributor, title="待审稿件")
    client.force_login(contributor)
    with django_capture_on_commit_callbacks(execute=True):
        response = press(client, article, "_submit_review")
    assert response.status_code == 302
    article.refresh_from_db()
    return article


def test_submitting_puts_the_draft_in_review_and_emails_the_editors(submitted, editor, contributor):
    """The draft is in review, the revision says so, and editors (not the writer) get an email with its link."""
    assert submitted.status == Status.REVIEW
    assert latest_comment(submitted) == "已提交审核"
    assert [message.to for message in mail.outbox] == [[editor.email]]
    assert "待审稿件" in mail.outbox[0].subject and change_url(submitted) in mail.outbox[0].body


def test_readers_never_see_an_article_in_review(submitted, client):
    """In review is not published: the public page is a 404 and lists leave it out."""
    assert not Article.objects.published().filter(pk=submitted.pk).exists()
    client.logout()
    assert client.get(submitted.get_absolute_url()).status_code == 404


def test_a_contributor_cannot_change_an_article_in_review(submitted, client, contributor):
    """Once submitted, the writer may read it but not change it until it comes back."""
    client.force_login(contributor)
    assert client.post(change_url(submitted), form_data(submitted, title="偷改")).status_code == 403


def test_an_editor_sends_it_back_with_a_note_that_the_writer_sees(
    submitted, client, editor, contributor, django_capture_on_commit_callbacks
):
    """Sending back needs a note; the draft returns to its writer, who sees the note on the form and by email."""
    client.force_login(editor)
    refused = press(client, submitted, "_send_back")
    assert refused.status_code == 200 and "change_note" in refused.context["adminform"].form.errors
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        press(client, submitted, "_send_back", change_note="导语太长，请压缩到两句。", base_version=submitted.version)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.review_note) == (Status.DRAFT, "导语太长，请压缩到两句。")
    assert latest_comment(submitted) == "已退回作者: 导语太长，请压缩到两句。"
    assert [message.to for message in mail.outbox] == [[contributor.email]]
    client.force_login(contributor)
    page = client.get(change_url(submitted)).content.decode()
    assert 'id="review-note"' in page and "导语太长，请压缩到两句。" in page


def test_resubmitting_clears_the_note(submitted, client, editor, contributor):
    """After a fix and a new submission the old note no longer shows."""
    client.force_login(editor)
    press(client, submitted, "_send_back", change_note="请补充来源")
    submitted.refresh_from_db()
    client.force_login(contributor)
    press(client, submitted, "_submit_review", body="<p>补充了来源。</p>")
    submitted.refresh_from_db()
    assert (submitted.status, submitted.review_note) == (Status.REVIEW, "")


@pytest.mark.parametrize(("hours", "status"), [(-1, Status.PUBLISHED), (5, Status.SCHEDULED)])
def test_an_editor_approves_and_it_is_published_or_scheduled_by_its_date(
    submitted, client, editor, contributor, hours, status, django_capture_on_commit_callbacks
):
    """Approving publishes now, or schedules when the date is in the future; the writer is told."""
    client.force_login(editor)
    mail.outbox.clear()
    when = timezone.localtime(timezone.now() + dt.timedelta(hours=hours))
    with django_capture_on_commit_callbacks(execute=True):
        press(client, submitted, "_approve", published_at_0=when.strftime("%Y-%m-%d"),
              published_at_1=when.strftime("%H:%M:%S"))
    submitted.refresh_from_db()
    assert submitted.status == status
    assert latest_comment(submitted) == "已批准"
    assert [message.to for message in mail.outbox] == [[contributor.email]]


def test_only_editors_review(submitted, client, author):
    """An author may publish their own work but not approve someone else's: the POST changes nothing."""
    client.force_login(author)
    response = press(client, submitted, "_approve")
    submitted.refresh_from_db()
    assert response.status_code == 403 and submitted.status == Status.REVIEW


def test_approving_needs_an_article_in_review(client, editor):
    """A review step on an article that is not waiting for review is a form error."""
    article = ArticleFactory(status=Status.DRAFT)
    client.force_login(editor)
    response = press(client, article, "_approve")
    assert response.status_code == 200 and "没有在等待审核" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_the_form_offers_the_steps_each_role_may_take(submitted, client, editor, contributor):
    """The writer of a draft sees Submit for review; an editor sees Approve and Send back on an article in review."""
    client.force_login(editor)
    page = client.get(change_url(submitted)).content.decode()
    assert 'name="_approve"' in page and 'name="_send_back"' in page and 'name="_submit_review"' not in page
    draft = ArticleFactory(status=Status.DRAFT, created_by=contributor)
    client.force_login(contributor)
    page = client.get(change_url(draft)).content.decode()
    assert 'name="_submit_review"' in page and 'name="_approve"' not in page


def test_a_note_on_an_ordinary_save_is_kept_in_the_revision(client, editor):
    """The optional note says why in the history."""
    article = ArticleFactory()
    client.force_login(editor)
    client.post(change_url(article), form_data(article, title="更正后的标题", change_note="更正人名"))
    assert latest_comment(article) == "更正人名"


def test_the_front_page_lists_what_waits_for_review(client, editor, contributor):
    """Editors see every article in review on the dashboard; a writer sees only their own there."""
    mine = ArticleFactory(status=Status.REVIEW, created_by=contributor, title="我的待审稿")
    ArticleFactory(status=Status.REVIEW, title="别人的待审稿")
    ArticleFactory(status=Status.DRAFT, created_by=contributor, title="还在写")
    panels = {}
    for user in (editor, contributor):
        client.force_login(user)
        panel = next(p for p in client.get(reverse("admin:index")).context["dashboard_panels"] if p.name == "review")
        panels[user.username] = {item.label for item in panel.items}
    assert panels == {"editor": {"我的待审稿", "别人的待审稿"}, "contributor": {mine.title}}
