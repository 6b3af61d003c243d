"""The admin's front page: the signed-in editor's lists, then the list of everything."""

import datetime as dt
import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ImportRun

from .factories import ArticleFactory, ImageFactory

pytestmark = pytest.mark.django_db

INDEX = "/admin/"


def draft_changed_by(user, **fields):
    """A draft whose latest change in the admin history is ``user``'s."""
    article = ArticleFactory(status=Article.Status.DRAFT, **fields)
    LogEntry.objects.log_actions(user.pk, [article], CHANGE, change_message="[]", single_object=True)
    return article


def scheduled_in(hours, **fields):
    return ArticleFactory(published_at=timezone.now() + dt.timedelta(hours=hours), **fields)


def panel(page, name):
    """The HTML of one list of the dashboard, or None when the page does not show it."""
    found = re.search(rf'<section class="module dashboard-panel" id="dashboard-{name}">(.*?)</section>', page, re.S)
    return found and found.group(1)


def labels(html):
    return re.findall(r'<li><a href="[^"]*" title="[^"]*">([^<]*)</a>', html or "")


def change_url(obj):
    return reverse(f"admin:articles_{obj._meta.model_name}_change", args=[obj.pk])


def test_my_drafts_are_those_i_changed_last(editor_client, admin_user):
    """"My drafts" lists the drafts the editor saved last, newest first, not another editor's nor a published one."""
    other = User.objects.create_user("colleague", is_staff=True)
    older = draft_changed_by(admin_user, title="我的旧稿", updated_at=timezone.now() - dt.timedelta(days=1))
    newer = draft_changed_by(admin_user, title="我的新稿")
    taken = draft_changed_by(admin_user, title="同事接手的稿")
    LogEntry.objects.log_actions(other.pk, [taken], CHANGE, change_message="[]", single_object=True)
    draft_changed_by(other, title="同事的稿")
    ArticleFactory(title="导入的草稿", status=Article.Status.DRAFT)  # never saved in the admin: nobody's
    html = panel(editor_client.get(INDEX).content.decode(), "drafts")
    assert labels(html) == ["我的新稿", "我的旧稿"]
    assert f'href="{change_url(newer)}"' in html and f'href="{change_url(older)}"' in html
    assert f'href="{reverse("admin:articles_article_changelist")}?status__exact=draft"' in html


def test_scheduled_articles_come_soonest_first_with_their_time(editor_client):
    """"Scheduled" lists the articles waiting for their time, the next one first, with when they go live."""
    later, sooner = scheduled_in(48, title="后天发布"), scheduled_in(2, title="两小时后发布")
    ArticleFactory(title="已经发布")
    html = panel(editor_client.get(INDEX).content.decode(), "scheduled")
    assert labels(html) == ["两小时后发布", "后天发布"]
    assert f"{timezone.localtime(sooner.published_at):%Y年%-m月%-d日 %H:%M} 发布" in html
    assert f'href="{change_url(later)}"' in html
    assert "?status__exact=scheduled" in html


def test_latest_import_runs_link_their_failures(editor_client):
    """"Latest import runs" shows each run's counts; its failures link to that run's failed files."""
    run = ImportRun.objects.create(finished_at=timezone.now(), created=3, updated=1, unchanged=10, skipped=0, failed=2)
    html = panel(editor_client.get(INDEX).content.decode(), "imports")
    assert "创建 3，更新 1，未变更 10，跳过 0" in html
    failed = f"{reverse('admin:articles_importrecord_changelist')}?run__id__exact={run.pk}&amp;outcome__exact=failed"
    assert f'<a href="{failed}" class="dashboard-warning">失败 2</a>' in html
    assert f'href="{change_url(run)}"' in html and f'href="{reverse("admin:articles_importrun_changelist")}"' in html


def test_dates_to_check_and_failed_downloads_link_to_their_filtered_lists(editor_client):
    """Articles with an estimated date and pictures that failed to download are listed, each list with "see all"."""
    guessed = ArticleFactory(title="日期待定", date_estimated=True)
    ArticleFactory(title="日期确定")
    failed = ImageFactory(alt_text="下载失败的图", fetch_error="HTTP 404", fetch_failed_at=timezone.now())
    ImageFactory(alt_text="好的图")
    page = editor_client.get(INDEX).content.decode()
    dates, downloads = panel(page, "dates"), panel(page, "downloads")
    assert labels(dates) == ["日期待定"] and f'href="{change_url(guessed)}"' in dates
    assert "?date_estimated__exact=1" in dates
    assert labels(downloads) == ["下载失败的图"] and "HTTP 404" in downloads
    assert f'href="{change_url(failed)}"' in downloads and "?download_failed=yes" in downloads


def test_lists_are_short_and_count_everything(editor_client):
    """Each list shows its first few rows and, in its heading, how many there are in all."""
    from articles.admin.dashboard import LENGTH

    for n in range(LENGTH + 4):
        ArticleFactory(title=f"估计日期{n}", date_estimated=True)
    html = panel(editor_client.get(INDEX).content.decode(), "dates")
    assert len(labels(html)) == LENGTH
    assert f'<span class="dashboard-count">{LENGTH + 4}</span>' in html


def test_the_app_list_stays_below_the_lists(editor_client):
    """The usual list of everything the editor manages follows the dashboard's lists."""
    page = editor_client.get(INDEX).content.decode()
    assert page.index('id="dashboard-drafts"') < page.index('class="app-articles module')
    assert f'href="{reverse("admin:articles_category_changelist")}"' in page


def test_an_editor_sees_only_the_lists_of_what_they_may_view(client):
    """An editor allowed to view articles only sees the article lists, not import runs or pictures."""
    editor = User.objects.create_user("editor", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(editor)
    page = client.get(INDEX).content.decode()
    assert [name for name in ("drafts", "scheduled", "dates", "imports", "downloads") if panel(page, name)] == [
        "drafts", "scheduled", "dates",
    ]


def fill(count, user):
    """``count`` rows of every kind the dashboard lists."""
    for n in range(count):
        draft_changed_by(user)
        scheduled_in(n + 1)
        ArticleFactory(date_estimated=True)
        ImportRun.objects.create(finished_at=timezone.now(), failed=n % 2)
        ImageFactory(fetch_error="timeout", fetch_failed_at=timezone.now())


def queries(client):
    client.get(INDEX)  # warm per-process caches (content types) so only the page is counted
    with CaptureQueriesContext(connection) as captured:
        assert client.get(INDEX).status_code == 200
    return len(captured)


def test_the_dashboard_costs_the_same_queries_for_few_or_many_rows(editor_client, admin_user):
    """The front page runs a fixed number of SQL queries, however many articles, runs and pictures there are."""
    fill(1, admin_user)
    few = queries(editor_client)
    fill(20, admin_user)  # more than a list shows
    assert queries(editor_client) == few
    assert panel(editor_client.get(INDEX).content.decode(), "downloads") is not None
