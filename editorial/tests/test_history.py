"""The article's history page: revisions newest first, any two compared, any one restored."""

import json

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from reversion.models import Version
from taggit.models import Tag

from articles.models import Article, ImportRun
from articles.tests.factories import ArticleFactory, CategoryFactory, ImageFactory
from articles.tests.testdata import POSTS, form_data
from editorial import revisions
from editorial.compare import kept_tags

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_chinese():
    """Pages and comments in Chinese, whatever language an earlier request left active."""
    with translation.override("zh-hans"):
        yield


def versions_of(article):
    return list(Version.objects.get_for_object(article).order_by("-pk"))


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def compare_url(article, old, new):
    return reverse("admin:articles_article_compare", args=[article.pk]) + f"?from={old}&to={new}"


def restore_url(article, version):
    return reverse("admin:articles_article_restore", args=[article.pk, version.pk])


def edited(client, article, **changes):
    """Saves the article's change form with ``changes``, as an editor would."""
    article.refresh_from_db()
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), form_data(article, **changes))
    assert response.status_code == 302
    article.refresh_from_db()
    return article


def staff(*codenames):
    user = User.objects.create_user(f"staff{User.objects.count()}", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))
    return user


def test_the_history_lists_revisions_newest_first_with_user_and_comment(editor_client, admin_user):
    """Each revision shows its editor and comment, the newest first, with its own page linked."""
    article = ArticleFactory(title="历史")
    revisions.record([article], "第一次保存", admin_user)
    revisions.record([article], "第二次保存", admin_user)
    page = editor_client.get(history_url(article)).content.decode()
    assert page.index("第二次保存") < page.index("第一次保存")
    assert page.count(admin_user.get_username()) >= 2
    newest, oldest = versions_of(article)
    links = [reverse("admin:articles_article_revision_changes", args=[article.pk, v.pk]) for v in (newest, oldest)]
    assert page.index(links[0]) < page.index(links[1])
    assert restore_url(article, oldest) in page and restore_url(article, newest) not in page
    assert 'name="from"' in page and reverse("admin:articles_article_compare", args=[article.pk]) in page


def test_an_import_revision_links_to_its_import_run(editor_client):
    """A revision made by an import names its run, linked to the run's page."""
    call_command("import_seeds", str(POSTS / "cnbeta-1.md"), verbosity=0)
    article, run = Article.objects.get(), ImportRun.objects.get()
    page = editor_client.get(history_url(article)).content.decode()
    assert reverse("admin:articles_importrun_change", args=[run.pk]) in page


def test_import_comments_name_their_run_in_any_language():
    """The run of an import's comment is found whether it was written in Chinese or English."""
    assert revisions.import_run_id(revisions.import_comment(12)) == 12
    with translation.override("en"):
        assert revisions.import_run_id(revisions.import_comment(7)) == 7
    assert revisions.import_run_id("第一次保存") is None


def test_unknown_articles_are_not_found_and_viewers_need_view_permission(client):
    """No article, no page; staff who may not see articles get none."""
    article = ArticleFactory()
    client.force_login(staff())
    assert client.get(history_url(article)).status_code == 403
    client.force_login(staff("view_article"))
    assert client.get(history_url(article)).status_code == 200
    assert client.get(reverse("admin:articles_article_history", args=[article.pk + 1])).status_code == 404


def test_comparing_shows_the_old_revisions_own_tags_and_categories(editor_client):
    """An old revision compared with a newer one shows the tags and categories it had then."""
    old_category, new_category = CategoryFactory(name="旧分类"), CategoryFactory(name="新分类")
    article = ArticleFactory(title="旧", categories=[old_category], tags=["旧标签"])
    edited(editor_client, article)
    new_tag = Tag.objects.create(name="新标签")
    edited(editor_client, article, title="新", categories=[new_category.pk], tags=[new_tag.pk])
    newest, oldest = versions_of(article)
    page = editor_client.get(compare_url(article, newest.pk, oldest.pk)).content.decode()  # either order: older first
    assert "<del>旧</del><ins>新</ins>" in page
    assert "<ins>新分类</ins>" in page and "<del>旧分类</del>" in page
    assert "<ins>新标签</ins>" in page and "<del>旧标签</del>" in page


def test_compare_with_the_article_now_and_what_one_revision_changed(editor_client):
    """``to=current`` compares with the article as it is; a revision's own page shows what it changed."""
    article = edited(editor_client, ArticleFactory(title="第一版"))
    edited(editor_client, article, title="第二版")
    newest, oldest = versions_of(article)
    Article.objects.filter(pk=article.pk).update(title="第三版")
    page = editor_client.get(compare_url(article, oldest.pk, "current")).content.decode()
    assert "第<del>一</del><ins>三</ins>版" in page
    page = editor_client.get(reverse("admin:articles_article_revision", args=[article.pk, newest.pk])).content.decode()
    assert "第<del>一</del><ins>二</ins>版" in page
    assert Article.objects.get(pk=article.pk).title == "第三版"  # reversion's revert page is not served


def test_compare_refuses_revisions_of_other_articles_and_missing_choices(editor_client):
    """A revision of another article is not found; a comparison without two revisions is a bad request."""
    article, other = ArticleFactory(), ArticleFactory()
    revisions.record([article, other], "保存")
    assert editor_client.get(compare_url(article, versions_of(other)[0].pk, "current")).status_code == 404
    assert editor_client.get(reverse("admin:articles_article_compare", args=[article.pk])).status_code == 400


def test_restore_asks_first_and_changes_nothing(editor_client):
    """The restore page lists what restoring would change and offers a button, but saves nothing."""
    article = edited(editor_client, ArticleFactory(title="旧题"))
    article = edited(editor_client, article, title="新题")
    oldest = versions_of(article)[-1]
    response = editor_client.get(restore_url(article, oldest))
    page = response.content.decode()
    assert response.status_code == 200 and 'method="post"' in page and "<del>新</del><ins>旧</ins>题" in page
    assert Article.objects.get(pk=article.pk).title == "新题" and len(versions_of(article)) == 2


def test_restoring_brings_back_fields_categories_tags_and_images_as_a_new_revision(editor_client, admin_user):
    """After restoring, the article is as the revision kept it, and a new revision says it was restored."""
    old_category, image = CategoryFactory(name="旧分类"), ImageFactory()
    article = ArticleFactory(title="旧题", body="<p>旧的正文。</p>", categories=[old_category], tags=["旧标签"],
                             head_image=image)
    revisions.record([article], "初稿", admin_user)  # the form below posts no pictures: it empties them
    new_tag = Tag.objects.create(name="新标签")
    edited(editor_client, article, title="新题", body="<p>新的正文。</p>", categories=[CategoryFactory().pk],
           tags=[new_tag.pk], head_image="")
    oldest = versions_of(article)[-1]
    response = editor_client.post(restore_url(article, oldest))
    assert response.status_code == 302 and response["Location"].endswith(f"/{article.pk}/change/")
    article.refresh_from_db()
    assert (article.title, article.body, article.head_image) == ("旧题", "<p>旧的正文。</p>", image)
    assert list(article.categories.all()) == [old_category]
    assert list(article.tags.names()) == ["旧标签"]
    newest = versions_of(article)[0]
    assert len(versions_of(article)) == 3 and newest.revision.user == admin_user
    date = formats.date_format(timezone.localtime(oldest.revision.date_created), "DATETIME_FORMAT")
    assert newest.revision.comment == gettext("Restored from revision of %(date)s") % {"date": date}
    assert newest.field_dict["title"] == "旧题"
    assert newest.field_dict["categories"] == [old_category.pk]
    assert [name for _pk, name in kept_tags(newest)] == ["旧标签"]
    assert newest.revision.version_set.count() == 3  # the article, its one tag row and that tag: nothing stale


def test_a_tag_deleted_since_comes_back_by_its_name(editor_client):
    """Restoring a revision whose tag was deleted makes the tag again, by the name the revision kept."""
    article = edited(editor_client, ArticleFactory(tags=["消失的标签"]))
    edited(editor_client, article, tags=[])
    Tag.objects.filter(name="消失的标签").delete()
    editor_client.post(restore_url(article, versions_of(article)[-1]))
    assert list(article.tags.names()) == ["消失的标签"]


def test_a_tag_deleted_since_without_a_kept_name_is_left_out_with_a_warning(editor_client):
    """A revision from before tags were kept whole cannot name a deleted tag: it is left out, and said so."""
    article = ArticleFactory(tags=["留下", "消失"])
    revisions.record([article], "初稿")
    oldest = versions_of(article)[0]
    Version.objects.filter(revision=oldest.revision, content_type__model="tag").delete()
    Tag.objects.filter(name="消失").delete()
    response = editor_client.post(restore_url(article, oldest), follow=True)
    assert list(article.tags.names()) == ["留下"]
    assert any(message.level_tag == "warning" for message in response.context["messages"])


def test_a_picture_deleted_since_is_left_empty_with_a_warning(editor_client):
    """An image of the revision that no longer exists leaves the field empty and says so."""
    image = ImageFactory()
    article = ArticleFactory(thumbnail=image)
    revisions.record([article], "初稿")
    image.delete()
    response = editor_client.post(restore_url(article, versions_of(article)[-1]), follow=True)
    article.refresh_from_db()
    assert article.thumbnail is None
    assert any(message.level_tag == "warning" for message in response.context["messages"])


def test_only_those_who_may_change_the_article_can_restore(client):
    """Staff who may only view articles see the history but are refused the restore."""
    article = ArticleFactory(title="原题")
    revisions.record([article], "保存")
    Article.objects.filter(pk=article.pk).update(title="改题")
    client.force_login(staff("view_article"))
    assert client.get(history_url(article)).status_code == 200
    assert client.post(restore_url(article, versions_of(article)[0])).status_code == 403
    assert Article.objects.get(pk=article.pk).title == "改题"


def test_a_restored_body_is_sanitized_again(editor_client):
    """Restoring goes through the article's save: a script in a revision's body is removed."""
    article = ArticleFactory(body="<p>正文。</p>")
    revisions.record([article], "保存")
    version = versions_of(article)[0]
    data = json.loads(version.serialized_data)
    data[0]["fields"]["body"] = "<p>正文。</p><script>alert(1)</script>"
    Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(data))
    editor_client.post(restore_url(article, version))
    article.refresh_from_db()
    assert "<script" not in article.body and "alert" not in article.body and "正文。" in article.body


def test_the_history_page_costs_the_same_for_4_or_34_revisions(editor_client, admin_user):
    """The history page runs a fixed number of queries, however many revisions (by editors and imports) it lists."""
    article = ArticleFactory(tags=["一", "二"], categories=[CategoryFactory()])

    def queries():
        editor_client.get(history_url(article))  # warm per-process caches (content types)
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(history_url(article)).status_code == 200
        return len(captured)

    def add(count):
        for n in range(count):
            revisions.record([article], f"保存{n}", admin_user)
            revisions.record([article], revisions.import_comment(ImportRun.objects.create().pk))

    add(2)
    few = queries()
    add(15)
    assert queries() == few


def test_a_writer_who_may_not_publish_does_not_publish_by_restoring(client):
    """Restoring a published revision leaves the article a draft for a writer without the publish permission."""
    writer = staff("view_article", "change_article")
    article = ArticleFactory(status=Article.Status.PUBLISHED, created_by=writer, title="已发布")
    revisions.record([article], "发布")
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT, title="草稿")
    client.force_login(writer)
    client.post(restore_url(article, versions_of(article)[0]))
    article.refresh_from_db()
    assert (article.title, article.status) == ("已发布", Article.Status.DRAFT)


def test_a_long_history_is_paged(editor_client, admin_user, monkeypatch):
    """Past a page of revisions, the older ones are on the next page, linked from the first."""
    from editorial import history

    monkeypatch.setattr(history, "PER_PAGE", 2)
    article = ArticleFactory()
    for comment in ("最早", "中间", "最新"):
        revisions.record([article], comment, admin_user)
    first = editor_client.get(history_url(article)).content.decode()
    assert "最新" in first and "最早" not in first and "?p=2" in first
    assert "最早" in editor_client.get(history_url(article) + "?p=2").content.decode()
