"""Revisions of articles: made by every kind of change, each keeping what readers saw then."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from reversion.models import Version

from articles.models import Article
from articles.tests.factories import ArticleFactory, CategoryFactory
from articles.tests.testdata import POSTS, form_data

pytestmark = pytest.mark.django_db


def revisions_of(article):
    return list(Version.objects.get_for_object(article).select_related("revision__user"))


def state(version):
    """The title, category ids and tag names that a revision kept (its own tag rows)."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import Tag

    from articles.models import TaggedArticle

    tagged_type = ContentType.objects.get_for_model(TaggedArticle)
    tag_ids = [related.field_dict["tag_id"] for related in version.revision.version_set.all()
               if related.content_type_id == tagged_type.pk]
    tags = sorted(Tag.objects.filter(pk__in=tag_ids).values_list("name", flat=True))
    return version.field_dict["title"], sorted(version.field_dict["categories"]), tags


def test_a_save_in_the_admin_is_a_revision_by_its_editor(editor_client, admin_user):
    """Each save of the change form keeps a revision naming the editor who saved it."""
    article = ArticleFactory(title="初稿")
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert editor_client.post(url, form_data(article, title="二稿")).status_code == 302
    (revision,) = revisions_of(article)
    assert revision.field_dict["title"] == "二稿" and revision.revision.user == admin_user


def test_an_old_revision_keeps_its_own_tags_and_categories(editor_client):
    """After tags and categories change, the earlier revision still shows the ones it had."""
    from taggit.models import Tag

    old_category, new_category = CategoryFactory(), CategoryFactory()
    article = ArticleFactory(title="旧", categories=[old_category], tags=["旧标签"])
    url = reverse("admin:articles_article_change", args=[article.pk])
    editor_client.post(url, form_data(article))
    article.refresh_from_db()
    new_tag = Tag.objects.create(name="新标签")
    editor_client.post(url, form_data(article, title="新", categories=[new_category.pk], tags=[new_tag.pk]))
    newest, oldest = revisions_of(article)
    assert state(oldest) == ("旧", [old_category.pk], ["旧标签"])
    assert state(newest) == ("新", [new_category.pk], ["新标签"])


def test_an_import_is_a_revision_naming_its_run():
    """Each imported article gets a revision whose comment names the import run."""
    from articles.models import ImportRun

    call_command("import_seeds", str(POSTS / "cnbeta-1.md"), verbosity=0)
    article = Article.objects.get()
    (revision,) = revisions_of(article)
    assert revision.revision.comment.endswith(str(ImportRun.objects.get().pk)) and revision.revision.user is None


def test_bulk_publishing_is_a_revision_of_each_article(editor_client):
    """The list's publish action leaves a revision of every article it published, with its new status."""
    articles = ArticleFactory.create_batch(2, status=Article.Status.DRAFT)
    editor_client.post(reverse("admin:articles_article_changelist"),
                       {"action": "publish", "_selected_action": [a.pk for a in articles]})
    for article in articles:
        (revision,) = revisions_of(article)
        assert revision.field_dict["status"] == Article.Status.PUBLISHED


def test_the_history_page_lists_the_revisions_newest_first(editor_client):
    """The article's history page shows each revision's comment, newest first."""
    article = ArticleFactory(title="历史")
    url = reverse("admin:articles_article_change", args=[article.pk])
    editor_client.post(url, form_data(article, title="第一次"))
    article.refresh_from_db()
    editor_client.post(url, form_data(article, title="第二次"))
    page = editor_client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    links = [reverse("admin:articles_article_revision", args=[article.pk, version.pk]) for version in revisions_of(article)]
    assert len(links) == 2 and page.index(links[0]) < page.index(links[1])


def test_reader_pages_never_read_revisions(client):
    """The public article page runs no query on the revision tables."""
    article = ArticleFactory()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(article.get_absolute_url()).status_code == 200
    assert not [query["sql"] for query in queries if "reversion_" in query["sql"]]


def test_an_imports_revision_holds_what_reversion_itself_would_keep(tmp_path):
    """The import's own fast revision and reversion's revision of the same article read back alike."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import Tag

    from articles.models import TaggedArticle
    from editorial import revisions

    (tmp_path / "a.md").write_text(
        "---\ntitle: 快速修订\ndate: 2024-05-01 08:00\ncategories: [科技, 手机]\ntags: [苹果, iPhone]\n---\n<p>正文。</p>\n",
        encoding="utf-8",
    )
    call_command("import_seeds", str(tmp_path), verbosity=0)
    article = Article.objects.get()
    with translation.override(None):  # as the import command writes
        revisions.record([article], "by reversion")
    fast, slow = sorted(revisions_of(article), key=lambda version: version.revision.comment == "by reversion")
    assert fast.field_dict == slow.field_dict

    def kept(version):
        return sorted(
            (ContentType.objects.get_for_id(other.content_type_id).model, sorted(other.field_dict.items()), other.object_repr)
            for other in version.revision.version_set.exclude(content_type=fast.content_type)
        )

    assert kept(fast) == kept(slow) and len(kept(fast)) == 4
    assert {other.field_dict["name"] for other in fast.revision.version_set.filter(
        content_type=ContentType.objects.get_for_model(Tag))} == {"苹果", "iPhone"}
    assert TaggedArticle.objects.filter(content_object=article).count() == 2
