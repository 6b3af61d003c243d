"""On SQLite the importer writes a batch of files in one transaction, a savepoint per file.

These tests run outside the test's own transaction (``transaction=True``): inside one, the
importer writes file by file, as it does on PostgreSQL.
"""

import pytest
from django.db import OperationalError, connection, connections

from reversion.models import Revision, Version
from taggit.models import Tag

from articles.importing.writer import ArticleWriter
from articles.models import Article, Category, Image
from editorial.revisions import import_run_id

from .test_importing_runner import category_path, run, write_post

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def commits(monkeypatch):
    """The commits made (``fail`` set to N makes the Nth one fail, as a full disk would)."""
    calls = {"count": 0, "fail": None}
    wrapper = type(connections["default"])
    original = wrapper.commit

    def commit(self):
        calls["count"] += 1
        if calls["count"] == calls["fail"]:
            raise OperationalError("disk I/O error")
        return original(self)

    monkeypatch.setattr(wrapper, "commit", commit)
    return calls


def shared_posts(folder, count):
    cover = "https://img.example.com/shared.jpg"
    for n in range(count):
        write_post(folder, f"p{n}.md", f"文章 {n}", extra=[f"headimg: {cover}", "categories: [共享, 子类]", f"tags: [标签{n}]"])


def test_a_batch_is_one_commit(tmp_path, commits):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL writes one transaction per file")
    shared_posts(tmp_path, 5)
    report = run(tmp_path)
    assert report.counts["created"] == 5
    assert commits["count"] == 2  # the batch's, then the import records'
    assert Image.objects.count() == 1 and Category.objects.count() == 2


def test_every_article_of_a_batch_has_its_revision(tmp_path):
    """Written at the batch's end, each revision holds its article as stored, with its tag row and tag."""
    shared_posts(tmp_path, 5)
    report = run(tmp_path)
    assert Revision.objects.count() == 5
    for article in Article.objects.all():
        (version,) = Version.objects.get_for_object(article)
        assert import_run_id(version.revision.comment) == report.run_id
        assert version.field_dict["title"] == article.title and version.field_dict["body"] == article.body
        assert version.field_dict["categories"] == [article.categories.get().pk]
        kept = Version.objects.filter(revision=version.revision).exclude(pk=version.pk)
        assert sorted(kept.values_list("object_repr", flat=True)) == sorted([article.tags.get().name, str(article.taggedarticle_set.get())])


def test_failing_file_in_a_batch_rolls_back_only_its_own_rows(tmp_path, monkeypatch):
    """The first file makes the image and categories the second uses, then fails: the second makes them again."""
    cover = "https://img.example.com/shared.jpg"
    write_post(tmp_path, "a.md", "先失败", extra=[f"headimg: {cover}", "categories: [共享, 子类]", "tags: [坏标签]"])
    write_post(tmp_path, "b.md", "后成功", extra=[f"headimg: {cover}", "categories: [共享, 子类]", "tags: [好标签]"])
    write_post(tmp_path, "c.md", "也成功", extra=[f"headimg: {cover}", "categories: [共享]", "tags: [好标签]"])
    original = ArticleWriter._tag

    def failing_tag(self, name):
        if name == "坏标签":
            raise RuntimeError("tag store down")
        return original(self, name)

    monkeypatch.setattr(ArticleWriter, "_tag", failing_tag)
    report = run(tmp_path)
    assert report.counts["failed"] == 1 and report.counts["created"] == 2
    assert sorted(Article.objects.values_list("title", flat=True)) == ["也成功", "后成功"]
    for article in Article.objects.all():
        assert article.head_image.source_url == cover
        assert article.thumbnail_id == article.head_image_id
    assert category_path(Article.objects.get(title="后成功").categories.get()) == ["共享", "子类"]
    assert Image.objects.count() == 1 and Category.objects.count() == 2
    assert Revision.objects.count() == 2  # none for the failed file


def test_failed_commit_writes_the_batch_again_file_by_file(tmp_path, commits):
    """Nothing of the failed transaction is kept, in the database or in the writer's caches."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL writes one transaction per file")
    shared_posts(tmp_path, 4)
    commits["fail"] = 1
    report = run(tmp_path)
    assert report.counts["created"] == 4 and report.counts["failed"] == 0
    assert commits["count"] == 1 + 4 + 1  # the failed one, one a file, the import records'
    assert Image.objects.count() == 1 and Category.objects.count() == 2
    for article in Article.objects.all():
        assert article.head_image.source_url == "https://img.example.com/shared.jpg"
        assert category_path(article.categories.get()) == ["共享", "子类"]
    assert Revision.objects.count() == 4
    assert run(tmp_path).counts["unchanged"] == 4


def varied_posts(folder, count, start=0):
    """Posts with their own picture, category and tag each, as a feed's are."""
    for n in range(start, start + count):
        write_post(folder, f"v{n}.md", f"新闻 {n}", body=f"第{n}条快讯的正文。\n",
                   extra=[f"headimg: https://img.example.com/{n}.jpg", f"categories: [栏目, 子栏目{n}]", f"tags: [标签{n}]"])


@pytest.mark.parametrize("count", [5, 40])
def test_new_posts_of_a_batch_are_inserted_together(tmp_path, count, django_assert_max_num_queries):
    """A batch of new posts costs the same few INSERTs for their articles, pictures, categories' links and tags,
    however many posts it holds (new categories and tags aside, made once each)."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL writes one transaction per file")
    varied_posts(tmp_path, count)
    inserts = []

    def record(execute, sql, params, many, context):
        if sql.startswith("INSERT INTO") and "category" not in sql and "taggit_tag" not in sql:
            inserts.append(sql.split()[2])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        report = run(tmp_path)
    assert report.counts["created"] == count
    per_table = {table: inserts.count(table) for table in inserts}
    assert len(per_table) >= 7 and max(per_table.values()) <= 2, per_table  # SQLite takes ~30 rows an INSERT
    articles = {int(article.title.split()[1]): article for article in Article.objects.all()}
    assert sorted(articles) == list(range(count))
    for n, article in articles.items():
        assert article.head_image.source_url == f"https://img.example.com/{n}.jpg"
        assert category_path(article.categories.get()) == ["栏目", f"子栏目{n}"]
        assert list(article.tags.names()) == [f"标签{n}"]
        assert article.search_text and Article.objects.search(f"第{n}条快讯").filter(pk=article.pk).exists()
    assert Revision.objects.count() == count


def test_a_new_post_whose_slug_is_taken_gets_its_own_beside_those_inserted_together(tmp_path):
    """One post of the batch clashes with a stored article's slug: it is written on its own, with another slug."""
    varied_posts(tmp_path / "first", 1)
    run(tmp_path / "first")
    stored = Article.objects.get()
    write_post(tmp_path / "second", "clash.md", stored.title, date="2022-01-01 00:00:00")  # same title, another post
    varied_posts(tmp_path / "second", 3, start=1)
    report = run(tmp_path / "second")
    assert report.counts["created"] == 4 and report.counts["failed"] == 0
    slugs = list(Article.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == 5 and Article.objects.filter(title=stored.title).count() == 2


def test_new_posts_that_fail_together_are_written_one_by_one_with_one_revision_each(tmp_path, monkeypatch):
    """A failure midway through the batch's joint insert keeps nothing of it, not even the revisions
    already made: the files are then written one savepoint each, one revision per article."""
    from editorial import revisions

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL writes one transaction per file")
    varied_posts(tmp_path, 4)
    original, calls = revisions.import_versions, []

    def failing_second_time(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("revision store down")
        return original(*args)

    monkeypatch.setattr(revisions, "import_versions", failing_second_time)
    report = run(tmp_path)
    assert report.counts["created"] == 4 and report.counts["failed"] == 0
    assert Revision.objects.count() == 4
    for article in Article.objects.all():
        (version,) = Version.objects.get_for_object(article)
        assert version.field_dict["title"] == article.title


def test_a_tag_two_new_posts_spell_in_other_cases_is_one_tag(tmp_path):
    """Über and über in two new posts of one batch make one tag, as they do file by file."""
    write_post(tmp_path, "a.md", "甲", extra=["tags: [Über]"])
    write_post(tmp_path, "b.md", "乙", extra=["tags: [über]"])
    assert run(tmp_path).counts["created"] == 2
    assert list(Tag.objects.values_list("name", flat=True)) == ["Über"]
    assert all(list(article.tags.names()) == ["Über"] for article in Article.objects.all())


def test_a_picture_is_described_by_the_first_file_that_names_it(tmp_path):
    """An updated post before a new one, both with the same new cover: the cover takes the first file's alt text."""
    cover = "https://img.example.com/new-cover.jpg"
    write_post(tmp_path / "first", "a.md", "更新的", body="旧正文。\n")
    run(tmp_path / "first")
    write_post(tmp_path / "second", "a.md", "更新的", body="新正文。\n",
               extra=[f"headimg: {{url: '{cover}', alt: 来自甲}}"])
    write_post(tmp_path / "second", "b.md", "新的", extra=[f"headimg: {{url: '{cover}', alt: 来自乙}}"])
    (tmp_path / "first" / "a.md").unlink()
    report = run(tmp_path / "second")
    assert report.counts["updated"] == 1 and report.counts["created"] == 1
    assert Image.objects.get(source_url=cover).alt_text == "来自甲"
