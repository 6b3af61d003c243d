"""Newer source versions of edited articles: kept by the import, shown on the form, accepted or dismissed."""

import json

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from articles.admin import dashboard
from articles.admin.articles import ArticleAdmin
from articles.importing.normalize import normalize
from articles.importing.parse import parse
from articles.importing.writer import post_from_json, post_to_json
from articles.models import Article, ImportRecord, ImportRun
from articles.tests.testdata import POSTS, form_data
from editorial.models import SourceUpdate
from editorial.source_updates import WaitingSourceFilter, waiting_source_versions

pytestmark = pytest.mark.django_db

FIRST = {"title": "第一版标题", "body": "<p>第一版正文。</p>", "tags": "[旧标签]", "categories": "[新媒体]"}
SECOND = {"title": "Updated 来源的新标题", "body": "<p>来源改过的正文。</p>", "tags": "[新标签]", "categories": "[新媒体, cnBeta]"}


def write_post(path, title, body, tags, categories):
    path.write_text(
        f"---\ntitle: '{title}'\ndate: 2021-05-06 07:08:09\ntags: {tags}\ncategories: {categories}\n---\n{body}\n",
        encoding="utf-8",
    )
    return path


def import_seeds(*args):
    call_command("import_seeds", *map(str, args), verbosity=0)
    return ImportRun.objects.order_by("-pk").first()


@pytest.fixture
def waiting(tmp_path, editor_client):
    """An imported article an editor retitled, whose source file then changed and was imported again."""
    path = write_post(tmp_path / "post.md", **FIRST)
    import_seeds(path)
    article = Article.objects.get()
    change = reverse("admin:articles_article_change", args=[article.pk])
    assert editor_client.post(change, form_data(article, title="编辑改过的标题")).status_code == 302
    write_post(path, **SECOND)
    run = import_seeds(path)
    article.refresh_from_db()
    return article, run, path


def urls(article):
    return {
        name: reverse(f"admin:articles_article_source_{name}", args=[article.pk]) for name in ("accept", "dismiss")
    }


def test_a_changed_file_of_an_edited_article_waits_for_an_editor(waiting):
    """The import leaves the edited article alone, keeps the incoming post beside it and says so."""
    article, run, path = waiting
    assert article.title == "编辑改过的标题" and "第一版正文" in article.body
    update = SourceUpdate.objects.get()
    assert update.article == article and update.run == run
    assert update.post["title"] == "Updated 来源的新标题" and update.content_hash != article.content_hash
    record = run.records.get()
    assert record.outcome == ImportRecord.Outcome.SKIPPED and run.skipped == 1
    assert "waits" in record.warnings and "--overwrite" in record.warnings


def test_importing_again_keeps_one_waiting_version_the_newest(waiting):
    """A re-import of the same file adds no second waiting version; a newer file replaces it."""
    article, _run, path = waiting
    import_seeds(path)
    assert SourceUpdate.objects.count() == 1
    write_post(path, **{**SECOND, "title": "来源的第三版"})
    run = import_seeds(path)
    update = SourceUpdate.objects.get()
    assert update.post["title"] == "来源的第三版" and update.run == run


def test_a_dry_run_keeps_nothing(tmp_path, waiting):
    """``--dry-run`` stores no waiting version."""
    article, _run, path = waiting
    SourceUpdate.objects.all().delete()
    call_command("import_seeds", str(path), "--dry-run", verbosity=0)
    assert not SourceUpdate.objects.exists()


def test_a_file_back_to_the_article_s_version_leaves_nothing_waiting(waiting):
    """When the source file goes back to what the article was imported from, its waiting version goes."""
    article, _run, path = waiting
    write_post(path, **FIRST)
    import_seeds(path)
    assert not SourceUpdate.objects.exists()
    article.refresh_from_db()
    assert article.title == "编辑改过的标题"


def test_overwrite_replaces_the_article_and_clears_its_waiting_version(waiting):
    """``--overwrite`` writes the file over the edited article as before, and nothing waits any more."""
    article, _run, path = waiting
    import_seeds(path, "--overwrite")
    article.refresh_from_db()
    assert article.title == "Updated 来源的新标题" and not article.edited_since_import
    assert not SourceUpdate.objects.exists()


def test_the_change_form_shows_the_waiting_version_and_its_changes(waiting, editor_client):
    """The form says a newer source version waits, shows its changes and offers to accept or dismiss it."""
    article, run, _path = waiting
    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert f"（导入运行 {run.pk}）正在等待处理" in page
    assert "<ins>Updated " in page and "<ins>新标签</ins>" in page  # the incoming title and tag, marked new
    assert page.index('id="source-update"') < page.index('id="article_form"')  # outside the form: forms do not nest
    for url in urls(article).values():
        assert f'action="{url}"' in page


def test_accepting_makes_the_source_version_the_current_one(waiting, editor_client, admin_user):
    """Accept writes the waiting post as the import would have, as one new revision by the editor."""
    article, run, _path = waiting
    revisions = Version.objects.get_for_object(article).count()
    response = editor_client.post(urls(article)["accept"])
    assert response.status_code == 302 and response.url == reverse("admin:articles_article_change", args=[article.pk])
    article.refresh_from_db()
    assert article.title == "Updated 来源的新标题" and "来源改过的正文" in article.body
    assert sorted(article.tags.names()) == ["新标签"]
    assert [c.full_name for c in article.categories.all()] == ["新媒体 › cnBeta"]
    assert not article.edited_since_import and not SourceUpdate.objects.exists()
    versions = Version.objects.get_for_object(article)
    assert versions.count() == revisions + 1
    newest = versions.first().revision
    assert newest.comment == f"已接受来自导入运行 {run.pk} 的来源版本" and newest.user == admin_user
    kept_tags = {v.field_dict["tag_id"] for v in newest.version_set.all() if "tag_id" in v.field_dict}
    assert kept_tags == set(article.tags.values_list("pk", flat=True))  # the revision keeps the new tags


def test_dismissing_forgets_the_source_version(waiting, editor_client):
    """Dismiss deletes the waiting version, leaves the article as it is and says so in its history."""
    article, run, _path = waiting
    assert editor_client.post(urls(article)["dismiss"]).status_code == 302
    assert not SourceUpdate.objects.exists()
    article.refresh_from_db()
    assert article.title == "编辑改过的标题"
    newest = Version.objects.get_for_object(article).first().revision
    assert newest.comment == f"已忽略来自导入运行 {run.pk} 的来源版本"


def test_without_change_permission_nothing_is_accepted_or_dismissed(waiting, client):
    """A user who may only view articles sees the notice without its buttons, and their posts are refused."""
    article, _run, _path = waiting
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert 'id="source-update"' in page and urls(article)["accept"] not in page
    for url in urls(article).values():
        assert client.post(url).status_code == 403
    assert SourceUpdate.objects.count() == 1


def test_accepting_a_published_version_needs_the_publish_permission(waiting, client):
    """Who may change everyone's articles but not publish may dismiss a published source version, not accept it."""
    article, _run, _path = waiting
    reviewer = User.objects.create_user("reviewer", is_staff=True)
    codenames = ["view_article", "change_article", "review_article"]
    reviewer.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(reviewer)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert urls(article)["accept"] not in page and urls(article)["dismiss"] in page
    assert client.post(urls(article)["accept"]).status_code == 403
    assert client.post(urls(article)["dismiss"]).status_code == 302


def test_accepting_or_dismissing_when_nothing_waits_is_not_found(editor_client, tmp_path):
    """Without a waiting version both addresses answer 404, and only a POST reaches them."""
    import_seeds(write_post(tmp_path / "post.md", **FIRST))
    article = Article.objects.get()
    for url in urls(article).values():
        assert editor_client.post(url).status_code == 404
        assert editor_client.get(url).status_code == 405


def test_the_dashboard_lists_waiting_versions_in_two_queries(waiting, admin_user, tmp_path, editor_client, monkeypatch):
    """The dashboard's list names each article with a waiting version, in two queries however many."""
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    with CaptureQueriesContext(connection) as one:
        panel = waiting_source_versions(request)
    assert [item.label for item in panel.items] == ["编辑改过的标题"] and panel.total == 1
    for number in range(2):  # two more waiting
        path = write_post(tmp_path / f"more-{number}.md", **{**FIRST, "title": f"另一篇{number}"})
        import_seeds(path)
        Article.objects.filter(title=f"另一篇{number}").update(edited_since_import=True)
        write_post(path, **{**SECOND, "title": f"另一篇新版{number}"})
        import_seeds(path)
    with CaptureQueriesContext(connection) as three:
        panel = waiting_source_versions(request)
    assert [item.label for item in panel.items] == ["另一篇1", "另一篇0", "编辑改过的标题"] and panel.total == 3
    assert len(one) == len(three) == 2
    assert panel.more_url.endswith("?source_waiting=yes")
    monkeypatch.setattr(dashboard, "PANELS", [waiting_source_versions])
    page = editor_client.get(reverse("admin:index")).content.decode()
    assert 'id="dashboard-source"' in page and "另一篇新版" not in page


def test_the_article_list_filters_the_waiting_ones(waiting, editor_client, monkeypatch, tmp_path):
    """``?source_waiting=yes`` lists only the articles with a waiting source version."""
    import_seeds(write_post(tmp_path / "other.md", **{**FIRST, "title": "没有新版的文章"}))
    monkeypatch.setattr(ArticleAdmin, "list_filter", [*ArticleAdmin.list_filter, WaitingSourceFilter])
    page = editor_client.get(reverse("admin:articles_article_changelist") + "?source_waiting=yes").content.decode()
    assert "编辑改过的标题" in page and "没有新版的文章" not in page


def test_a_post_comes_back_from_json_as_it_was():
    """A stored post is JSON, and reads back as the very post that was stored."""
    path = POSTS / "cnbeta-1.md"
    post = normalize(parse(str(path), path.read_bytes()))
    stored = json.loads(json.dumps(post_to_json(post)))
    assert post_from_json(stored) == post
