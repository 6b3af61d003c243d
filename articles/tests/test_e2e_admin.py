"""The admin's front page in a real browser (Debian's Chromium driven by Playwright)."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.utils import timezone

from articles.models import Article, Category, ImportRun

from .factories import ArticleFactory, ImageFactory

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def newsroom_at_work(editor):
    """Drafts, scheduled articles, import runs, estimated dates and failed downloads, as a working day leaves them."""
    cnbeta = Category.objects.create(name="cnBeta", parent=Category.objects.create(name="新媒体"))
    section = Category.objects.create(name="首页", parent=cnbeta)
    now = timezone.now()
    for hours, title in [(3, "喀布尔机场恢复国际航班"), (26, "新能源汽车下乡活动启动"), (50, "周末天气：华北迎来降温")]:
        ArticleFactory(title=title, published_at=now + dt.timedelta(hours=hours), categories=[section])
    for minutes, title in [(5, "编辑部：年终专题策划"), (90, "半导体出口数据解读（待补图）"), (600, "采访札记：县城里的书店")]:
        draft = ArticleFactory(title=title, status=Article.Status.DRAFT, updated_at=now - dt.timedelta(minutes=minutes))
        LogEntry.objects.log_actions(editor.pk, [draft], CHANGE, change_message="[]", single_object=True)
    for days, title in [(400, "旧博客迁移：2012 年的年度回顾"), (900, "早年的技术笔记：如何编译内核")]:
        ArticleFactory(title=title, date_estimated=True, published_at=now - dt.timedelta(days=days))
    ImportRun.objects.create(started_at=now - dt.timedelta(hours=2), finished_at=now - dt.timedelta(hours=2),
                             created=12, updated=3, unchanged=240, skipped=1, failed=2)
    ImportRun.objects.create(started_at=now - dt.timedelta(days=1), finished_at=now - dt.timedelta(days=1),
                             created=40, unchanged=200)
    ImageFactory(alt_text="机场跑道航拍", fetch_error="HTTP 404", fetch_failed_at=now)
    ImageFactory(source_url="https://img.example.com/2024/05/cover-large.jpg", fetch_error="超时：30 秒内没有响应",
                 fetch_failed_at=now - dt.timedelta(hours=1))


def test_an_editor_signs_in_and_sees_what_waits_for_them(live_server, page):
    """Signed in, an editor sees drafts, schedule, imports, dates to check and failed pictures, in Chinese."""
    editor = User.objects.create_superuser("editor", "editor@example.com", "a-long-enough-password")
    newsroom_at_work(editor)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-enough-password")
    page.locator("input[type=submit]").click()
    page.wait_for_selector("#dashboard-drafts")
    for name, heading in [("drafts", "我的草稿"), ("scheduled", "定时发布"), ("dates", "待核对的日期"),
                          ("imports", "最近的导入"), ("downloads", "下载失败的图片")]:
        assert page.locator(f"#dashboard-{name} h2").inner_text().startswith(heading)
    assert page.locator("#dashboard-scheduled li a").first.inner_text() == "喀布尔机场恢复国际航班"
    assert page.locator(".app-articles").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin-dashboard.png"), full_page=True)
    page.locator("#dashboard-imports a", has_text="失败 2").click()
    page.wait_for_url("**/importrecord/**outcome__exact=failed**")
    assert page.errors == []
