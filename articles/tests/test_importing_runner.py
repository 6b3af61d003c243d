"""Tests for articles.importing.runner and writer: importing post files into the database."""

import datetime as dt
import os
import shutil
import time
import tracemalloc
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from articles.importing import ImportOptions, UsageError, import_paths
from articles.importing.writer import ArticleWriter
from articles.models import Article, Category, Image, ImportRecord, ImportRun

pytestmark = pytest.mark.django_db

from .testdata import POSTS  # noqa: E402
POST_COUNT = len(list(POSTS.glob("*.md")))


def run(*paths, **options):
    return import_paths(ImportOptions(paths=[str(path) for path in paths], **options))


def write_post(folder, name, title, *, date="2021-03-04 05:06:07", body="正文。\n", extra=()):
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["---", f"title: '{title}'"]
    if date:
        lines.append(f"date: {date}")
    lines += list(extra)
    path.write_text("\n".join(lines) + "\n---\n" + body, encoding="utf-8")
    return path


def category_path(category):
    names = []
    while category is not None:
        names.append(category.name)
        category = category.parent
    return names[::-1]


def snapshot():
    """What readers would see of every article, independent of primary keys."""
    return sorted(
        (
            a.source_key,
            a.title,
            a.slug,
            a.status,
            a.published_at,
            a.excerpt,
            a.body,
            tuple(sorted(tuple(category_path(c)) for c in a.categories.all())),
            tuple(sorted(a.tags.names())),
            a.head_image.source_url if a.head_image else "",
            a.thumbnail.source_url if a.thumbnail else "",
        )
        for a in Article.objects.all()
    )


# --- a first import -----------------------------------------------------------


def test_import_real_posts_creates_articles(posts_dir):
    """Every real test post is imported as one article, and the report counts them."""
    report = run(posts_dir)
    assert report.failures == []
    assert report.counts["created"] == POST_COUNT
    assert Article.objects.count() == POST_COUNT
    assert Article.objects.filter(source_file__endswith="cnbeta-1.md").count() == 1


def test_category_hierarchy_and_leaf(posts_dir):
    """cnbeta-1 is filed under 最新, inside cnBeta, inside the top-level 新媒体."""
    run(posts_dir)
    article = Article.objects.get(source_file__endswith="cnbeta-1.md")
    categories = list(article.categories.all())
    assert len(categories) == 1
    assert category_path(categories[0]) == ["新媒体", "cnBeta", "最新"]
    assert categories[0].parent.parent.parent is None
    assert article in Article.objects.in_category(Category.objects.get(name="新媒体", parent=None))


def test_shared_category_levels_are_reused(posts_dir):
    """Posts of the same feed category share one top-level category row."""
    run(posts_dir)
    assert Category.objects.filter(name="新媒体", parent=None).count() == 1
    top = Category.objects.get(name="新媒体", parent=None)
    sources = set(top.children.values_list("name", flat=True))
    assert {"cnBeta", "金色财经", "人人都是产品经理"} <= sources


def test_several_categories(posts_dir):
    """A list of lists (hexo-md-9) files the article under several top-level categories."""
    run(posts_dir)
    article = Article.objects.get(source_file__endswith="hexo-md-9.md")
    assert sorted(category_path(c) for c in article.categories.all()) == [["2022寒假每日一题"], ["ACM"], ["Python"]]


def test_tags_are_stored(posts_dir):
    """Tags from the front matter are attached to the article."""
    run(posts_dir)
    article = Article.objects.get(source_file__endswith="hexo-md-9.md")
    assert sorted(article.tags.names()) == sorted(["Leetcode", "每日一题", "二分", "双指针"])
    quirk = Article.objects.get(source_file__endswith="quirk-11.md")
    assert sorted(quirk.tags.names()) == sorted(["Codeforces", "ACM", "C++", "C"])


def test_head_image_and_thumbnail_rows(posts_dir):
    """The head image and thumbnail become Image rows pointing at the remote URL, one row per URL."""
    run(posts_dir)
    article = Article.objects.get(source_file__endswith="cnbeta-1.md")
    url = "https://static.cnbetacdn.com/article/2022/02/2fa5696520b8adb.jpg"
    assert article.head_image.source_url == url
    assert article.thumbnail_id == article.head_image_id
    assert Image.objects.filter(source_url=url).count() == 1
    assert not article.head_image.file


def test_images_deduplicated_by_url(tmp_path):
    """Two posts with the same cover share one Image row."""
    cover = "https://img.example.com/shared.jpg"
    write_post(tmp_path, "a.md", "甲", extra=[f"headimg: {cover}", f"thumbnail: {cover}"])
    write_post(tmp_path, "b.md", "乙", extra=[f"cover: {cover}", "thumbnail: https://img.example.com/b.jpg"])
    run(tmp_path)
    a, b = Article.objects.get(title="甲"), Article.objects.get(title="乙")
    assert a.head_image_id == b.head_image_id
    assert Image.objects.filter(source_url=cover).count() == 1
    assert b.thumbnail.source_url == "https://img.example.com/b.jpg"
    assert Image.objects.count() == 2


# --- re-import ----------------------------------------------------------------------


def test_second_import_changes_nothing(posts_dir):
    """Importing the same files again reports them unchanged and rewrites no article."""
    run(posts_dir)
    before = dict(Article.objects.values_list("pk", "imported_at"))
    with CaptureQueriesContext(connection) as queries:
        report = run(posts_dir)
    assert report.counts == {"created": 0, "updated": 0, "unchanged": POST_COUNT, "skipped": 0, "failed": 0}
    assert dict(Article.objects.values_list("pk", "imported_at")) == before
    writes = [
        q["sql"] for q in queries.captured_queries
        if q["sql"].startswith(("UPDATE", "INSERT", "DELETE")) and "articles_article" in q["sql"]
    ]
    assert writes == []


def test_changed_file_updates_its_article(posts_dir):
    """A file whose body changed updates its article in place."""
    run(posts_dir)
    path = posts_dir / "jekyll-1.md"
    article = Article.objects.get(source_file=str(path))
    path.write_text(path.read_text(encoding="utf-8") + "\n追加的一段新内容。\n", encoding="utf-8")
    report = run(posts_dir)
    assert report.counts["updated"] == 1
    assert report.counts["unchanged"] == POST_COUNT - 1
    article.refresh_from_db()
    assert "追加的一段新内容" in article.body
    assert Article.objects.count() == POST_COUNT


def test_title_fixed_in_file_updates_the_same_article(tmp_path):
    """Fixing a typo in a post's title updates that article rather than adding a second one."""
    path = write_post(tmp_path, "post.md", "Windows 10_11 更新", extra=["categories: [新媒体, cnBeta]"])
    run(tmp_path)
    write_post(tmp_path, "post.md", "Windows 10/11 更新", extra=["categories: [新媒体, cnBeta]"])
    report = run(tmp_path)
    assert report.counts["updated"] == 1
    assert list(Article.objects.values_list("title", flat=True)) == ["Windows 10/11 更新"]
    assert path.exists()


def test_moved_folder_creates_no_duplicates(posts_dir, tmp_path):
    """The same files imported from another folder are recognised: no new articles."""
    run(posts_dir)
    moved = tmp_path / "moved" / "deeper"
    shutil.copytree(posts_dir, moved)
    report = run(moved)
    assert report.counts["created"] == 0
    assert report.counts["unchanged"] == POST_COUNT
    assert Article.objects.count() == POST_COUNT


def test_moved_and_changed_file_updates_the_same_article(posts_dir, tmp_path):
    """A file moved to another folder and edited updates its article instead of duplicating it."""
    run(posts_dir)
    moved = tmp_path / "archive" / "cnbeta-1.md"
    moved.parent.mkdir()
    moved.write_text((posts_dir / "cnbeta-1.md").read_text(encoding="utf-8") + "\n<p>更正：补充说明。</p>", encoding="utf-8")
    report = run(moved)
    assert report.counts["updated"] == 1
    assert Article.objects.count() == POST_COUNT
    assert "更正" in Article.objects.get(title="不到10%的Linux上的Firefox用户在运行Wayland").body


def test_identical_copies_in_one_run_make_one_article(tmp_path):
    """The same post present twice in one import (two folders) becomes one article."""
    for folder in ("a", "b"):
        target = tmp_path / folder
        target.mkdir()
        shutil.copy(POSTS / "cnbeta-1.md", target / "cnbeta-1.md")
    report = run(tmp_path)
    assert report.counts["created"] == 1 and report.counts["unchanged"] == 1
    assert Article.objects.count() == 1


def test_two_posts_with_same_slug_are_not_silently_merged(tmp_path):
    """Two different posts that happen to use the same slug do not silently replace one another."""
    write_post(tmp_path, "blog-a/about.md", "关于甲博客", extra=["slug: about"], body="甲的介绍。\n")
    write_post(tmp_path, "blog-b/about.md", "关于乙博客", extra=["slug: about"], body="乙的介绍。\n")
    records = []
    import_paths(ImportOptions(paths=[str(tmp_path)]), on_record=records.append)
    titles = set(Article.objects.values_list("title", flat=True))
    flagged = [r for r in records if r.outcome == "failed" or any("about" in w for w in r.warnings)]
    assert titles == {"关于甲博客", "关于乙博客"} or flagged


# --- editor protection ------------------------------------------------------------


def test_edited_article_is_skipped_and_overwrite_replaces_it(posts_dir):
    """An article edited in the admin is left alone on re-import (its newer version waits, with a warning) unless overwrite is asked."""
    run(posts_dir)
    path = posts_dir / "jekyll-1.md"
    article = Article.objects.get(source_file=str(path))
    Article.objects.filter(pk=article.pk).update(title="编辑改过的标题", edited_since_import=True)
    path.write_text(path.read_text(encoding="utf-8") + "\n新增内容。\n", encoding="utf-8")

    report = run(posts_dir)
    assert report.counts["skipped"] == 1
    record = ImportRun.objects.get(pk=report.run_id).records.get(path=str(path))
    assert record.outcome == ImportRecord.Outcome.SKIPPED
    assert "edited" in record.warnings and "waits" in record.warnings and "--overwrite" in record.warnings
    article.refresh_from_db()
    assert article.title == "编辑改过的标题"
    assert "新增内容" not in article.body

    report = run(posts_dir, overwrite=True)
    assert report.counts["updated"] == 1
    article.refresh_from_db()
    assert article.title == "CentOS系统时区设置"
    assert "新增内容" in article.body
    assert article.edited_since_import is False


def test_overwrite_restores_edited_article_from_unchanged_file(posts_dir):
    """`--overwrite` replaces an article an editor changed, even when its file did not change."""
    run(posts_dir)
    path = posts_dir / "jekyll-1.md"
    article = Article.objects.get(source_file=str(path))
    Article.objects.filter(pk=article.pk).update(title="编辑改过的标题", edited_since_import=True)
    run(posts_dir, overwrite=True)
    article.refresh_from_db()
    assert article.title == "CentOS系统时区设置"
    assert article.edited_since_import is False


# --- atomicity ----------------------------------------------------------------------


def test_failure_midway_rolls_back_that_file_only(posts_dir, monkeypatch):
    """A file whose write fails midway leaves no article or categories behind; the others are imported."""
    original = ArticleWriter._category_id

    def failing(self, names):
        category_id = original(self, names)
        if names[-1] == "最新" and names[1] == "cnBeta":
            raise RuntimeError("disk on fire")
        return category_id

    monkeypatch.setattr(ArticleWriter, "_category_id", failing)
    report = run(posts_dir)
    assert [Path(f.path).name for f in report.failures] == ["cnbeta-1.md"]
    assert "disk on fire" in report.failures[0].error
    assert report.counts["created"] == POST_COUNT - 1
    assert not Article.objects.filter(title__contains="Wayland").exists()
    assert not Category.objects.filter(name="cnBeta").exists()
    assert not Category.objects.filter(name="最新").exists()
    assert not Image.objects.filter(source_url__contains="cnbetacdn").exists()
    # 新媒体 was created by the failed file first, rolled back, and made again by later files.
    woshipm = Article.objects.get(source_file__endswith="woshipm-1.md")
    assert category_path(woshipm.categories.get()) == ["新媒体", "人人都是产品经理", "最新文章"]


def test_failure_after_image_and_tags_does_not_poison_later_files(tmp_path, monkeypatch):
    """When setting tags fails for one file, its image is rolled back and a later file using it still imports."""
    cover = "https://img.example.com/shared.jpg"
    write_post(tmp_path, "a.md", "先失败", extra=[f"headimg: {cover}", "categories: [共享, 子类]", "tags: [坏标签]"])
    write_post(tmp_path, "b.md", "后成功", extra=[f"headimg: {cover}", "categories: [共享, 子类]", "tags: [好标签]"])
    original = ArticleWriter._tag

    def failing_tag(self, name):
        if name == "坏标签":
            raise RuntimeError("tag store down")
        return original(self, name)

    monkeypatch.setattr(ArticleWriter, "_tag", failing_tag)
    report = run(tmp_path)
    assert report.counts["failed"] == 1 and report.counts["created"] == 1
    assert list(Article.objects.values_list("title", flat=True)) == ["后成功"]
    article = Article.objects.get()
    assert article.head_image.source_url == cover
    assert category_path(article.categories.get()) == ["共享", "子类"]
    assert Image.objects.count() == 1
    assert Category.objects.count() == 2


# --- run records --------------------------------------------------------------------


def test_import_run_and_records_are_stored(tmp_path):
    """Each run stores an ImportRun with counts and one ImportRecord per file with its outcome."""
    good = write_post(tmp_path, "good.md", "好文章")
    other = write_post(tmp_path, "other.md", "另一篇")
    bad = tmp_path / "bad.md"
    bad.write_text("---\ndate: 2020-01-01\n---\nno title\n", encoding="utf-8")
    report = run(tmp_path)

    import_run = ImportRun.objects.get()
    assert report.run_id == import_run.pk
    counts = (import_run.created, import_run.updated, import_run.unchanged, import_run.skipped, import_run.failed)
    assert counts == (2, 0, 0, 0, 1)
    assert import_run.finished_at is not None
    assert import_run.options["paths"] == [str(tmp_path)]
    records = {Path(r.path).name: r for r in import_run.records.all()}
    assert set(records) == {"good.md", "other.md", "bad.md"}
    assert records["good.md"].outcome == ImportRecord.Outcome.CREATED
    assert records["good.md"].article == Article.objects.get(source_file=str(good))
    assert records["other.md"].article == Article.objects.get(source_file=str(other))
    assert records["bad.md"].outcome == ImportRecord.Outcome.FAILED
    assert records["bad.md"].article is None
    assert "title" in records["bad.md"].error

    run(tmp_path)
    second = ImportRun.objects.order_by("-pk").first()
    assert (second.created, second.unchanged, second.failed) == (0, 2, 1)
    assert {r.outcome for r in second.records.exclude(path=str(bad))} == {"unchanged"}


def test_record_warnings_are_stored(tmp_path):
    """Warnings of a file (here: date from the file name) are stored on its ImportRecord."""
    write_post(tmp_path, "2012-10-26-post.md", "无日期", date=None)
    run(tmp_path)
    record = ImportRecord.objects.get()
    assert "file name" in record.warnings
    assert Article.objects.get().published_at == dt.datetime(2012, 10, 26, tzinfo=timezone.get_current_timezone())


# --- options ------------------------------------------------------------------------


def test_dry_run_writes_nothing(posts_dir):
    """A dry run reports what would happen but stores no article, category, image or run."""
    report = run(posts_dir, dry_run=True)
    assert report.counts["created"] == POST_COUNT
    assert report.run_id is None
    assert Article.objects.count() == 0
    assert Category.objects.count() == 0
    assert Image.objects.count() == 0
    assert Tag.objects.count() == 0
    assert ImportRun.objects.count() == 0
    assert ImportRecord.objects.count() == 0


def test_dry_run_after_import_reports_changes(posts_dir):
    """A dry run after an import reports unchanged and updated files, still writing nothing."""
    run(posts_dir)
    path = posts_dir / "quirk-3.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n新的一行。\n", encoding="utf-8")
    before = snapshot()
    report = run(posts_dir, dry_run=True)
    assert report.counts["updated"] == 1
    assert report.counts["unchanged"] == POST_COUNT - 1
    assert snapshot() == before
    assert ImportRun.objects.count() == 1


def test_too_large_file_fails(tmp_path):
    """A file over --max-bytes fails with a message naming the limit; smaller files are imported."""
    write_post(tmp_path, "small.md", "小")
    write_post(tmp_path, "big.md", "大", body="长" * 2000)
    report = run(tmp_path, max_bytes=1000)
    assert report.counts["created"] == 1
    (failure,) = report.failures
    assert Path(failure.path).name == "big.md"
    assert "over the limit" in failure.error
    assert "--max-bytes" in failure.error


def test_missing_path_is_a_usage_error(tmp_path):
    """A path that does not exist stops the import before anything is stored."""
    write_post(tmp_path, "a.md", "甲")
    with pytest.raises(UsageError, match="no such file"):
        run(tmp_path, tmp_path / "nope")
    assert ImportRun.objects.count() == 0
    assert Article.objects.count() == 0


def test_paths_may_be_path_objects(tmp_path):
    """Paths given as pathlib.Path objects are imported like strings."""
    write_post(tmp_path, "a.md", "甲")
    report = import_paths(ImportOptions(paths=[tmp_path]))
    assert report.counts["created"] == 1


def test_single_file_path(posts_dir):
    """A path naming one file imports just that file."""
    report = run(posts_dir / "cnbeta-1.md")
    assert report.counts["created"] == 1
    assert Article.objects.get().title == "不到10%的Linux上的Firefox用户在运行Wayland"


def test_default_patterns_and_glob(tmp_path):
    """By default .md/.markdown/.html/.txt are imported; --glob patterns choose other files."""
    for name in ("a.md", "b.markdown", "c.txt", "d.html", "e.json", "f.yml", "sub/g.md"):
        write_post(tmp_path, name, name)
    report = run(tmp_path)
    assert report.counts["created"] == 5
    assert set(Article.objects.values_list("title", flat=True)) == {"a.md", "b.markdown", "c.txt", "d.html", "sub/g.md"}

    Article.objects.all().delete()
    report = run(tmp_path, patterns=("*.json", "f.*"))
    assert report.counts["created"] == 2
    assert set(Article.objects.values_list("title", flat=True)) == {"e.json", "f.yml"}


def test_readme_and_hidden_files_are_skipped(tmp_path):
    """README files, hidden files and hidden folders inside a folder are not imported."""
    write_post(tmp_path, "post.md", "文章")
    write_post(tmp_path, "README.md", "说明")
    write_post(tmp_path, "sub/README.markdown", "子说明")
    write_post(tmp_path, ".draft.md", "隐藏")
    write_post(tmp_path, ".git/x.md", "仓库")
    report = run(tmp_path)
    assert sum(report.counts.values()) == 1
    assert list(Article.objects.values_list("title", flat=True)) == ["文章"]


def test_files_are_imported_in_a_stable_order(tmp_path):
    """Files are processed in name order, folder by folder, so repeated runs behave alike."""
    for name in ("b.md", "a.md", "c/z.md", "c/a.md"):
        write_post(tmp_path, name, name)
    seen = []
    import_paths(ImportOptions(paths=[str(tmp_path)]), on_record=lambda record: seen.append(record.path))
    expected = ["a.md", "b.md", os.path.join("c", "a.md"), os.path.join("c", "z.md")]
    assert [os.path.relpath(p, tmp_path) for p in seen] == expected


# --- statuses -------------------------------------------------------------------------


def test_statuses(tmp_path):
    """Imported posts are published by default, drafts stay drafts, and a future date schedules the article."""
    write_post(tmp_path, "past.md", "过去", date="2020-01-01 08:00:00")
    write_post(tmp_path, "future.md", "将来", date="2199-01-01 08:00:00")
    write_post(tmp_path, "draft.md", "草稿", extra=["draft: true"])
    write_post(tmp_path, "unpublished.md", "未发布", extra=["published: false"])
    run(tmp_path)
    status = dict(Article.objects.values_list("title", "status"))
    assert status == {
        "过去": Article.Status.PUBLISHED,
        "将来": Article.Status.SCHEDULED,
        "草稿": Article.Status.DRAFT,
        "未发布": Article.Status.DRAFT,
    }
    assert set(Article.objects.published().values_list("title", flat=True)) == {"过去"}


def test_status_draft_option(tmp_path):
    """With status=draft every imported article is a draft, even one dated in the future."""
    write_post(tmp_path, "past.md", "过去", date="2020-01-01 08:00:00")
    write_post(tmp_path, "future.md", "将来", date="2199-01-01 08:00:00")
    run(tmp_path, status=Article.Status.DRAFT)
    assert set(Article.objects.values_list("status", flat=True)) == {Article.Status.DRAFT}


# --- slugs and categories across files --------------------------------------------------


def test_same_slug_in_two_posts_gets_distinct_slugs(tmp_path):
    """Two different posts whose titles slugify alike get distinct article slugs."""
    write_post(tmp_path, "a.md", "Hello World")
    write_post(tmp_path, "b.md", "hello world!")
    run(tmp_path)
    slugs = sorted(Article.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == 2
    assert slugs[0] == "hello-world"


def test_categories_with_alike_slugs_stay_distinct(tmp_path):
    """Categories whose names differ (C, C++, C#) are separate categories."""
    write_post(tmp_path, "a.md", "甲", extra=["categories: C"])
    write_post(tmp_path, "b.md", "乙", extra=["categories: C++"])
    write_post(tmp_path, "c.md", "丙", extra=["categories: '🍫'"])
    write_post(tmp_path, "d.md", "丁", extra=["categories: '🎉'"])
    run(tmp_path)
    filed = {a.title: a.categories.get().name for a in Article.objects.all()}
    assert filed == {"甲": "C", "乙": "C++", "丙": "🍫", "丁": "🎉"}


# --- worker processes ----------------------------------------------------------------------


def test_worker_processes_give_the_same_result(tmp_path):
    """Importing with two worker processes stores exactly what one process stores."""
    for i in range(135):
        write_post(
            tmp_path,
            f"batch{i // 50}/post-{i:03d}.md",
            f"第{i}篇文章",
            date=f"2021-{i % 12 + 1:02d}-{i % 28 + 1:02d} 10:{i % 60:02d}:00",
            body=f"第{i}篇的正文。第二句话。\n\n## 小标题{i}\n",
            extra=[
                f"categories: [新闻, 分类{i % 5}]",
                f"tags: [标签{i % 7}, 共同]",
                f"headimg: https://img.example.com/{i % 10}.jpg",
            ],
        )
    broken = tmp_path / "batch0" / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")

    single = run(tmp_path, workers=1)
    expected = snapshot()
    assert single.counts["created"] == 135 and single.counts["failed"] == 1

    Article.objects.all().delete()
    for category in Category.objects.order_by("-depth"):
        category.delete()
    Image.objects.all().delete()
    Tag.objects.all().delete()

    parallel = run(tmp_path, workers=2)
    assert parallel.counts == single.counts
    assert [f.path for f in parallel.failures] == [f.path for f in single.failures]
    assert parallel.failures[0].error == single.failures[0].error
    assert snapshot() == expected


def test_automatic_workers_for_large_imports(tmp_path, monkeypatch):
    """With workers=0 a large import (over one batch of files) is prepared in other processes and fully imported."""
    from articles.importing import runner

    for i in range(130):
        write_post(tmp_path, f"p{i:03d}.md", f"文章{i}")
    original = runner.prepare

    def prepare(item):
        path, post, error = original(item)
        post.warnings.append(f"pid {os.getpid()}")
        return path, post, error

    prepare.__module__, prepare.__qualname__ = original.__module__, original.__qualname__
    monkeypatch.setattr(runner, "prepare", prepare)
    pids = set()
    report = import_paths(
        ImportOptions(paths=[str(tmp_path)]),
        on_record=lambda record: pids.update(w for w in record.warnings if w.startswith("pid ")),
    )
    assert report.counts["created"] == 130
    assert Article.objects.count() == 130
    assert pids and f"pid {os.getpid()}" not in pids


def _large_post(path, size):
    """A post of ``size`` bytes: real front matter, then a body that fills the rest (sparse on disk)."""
    with open(path, "wb") as handle:
        handle.write("---\ntitle: '巨大的文件'\n---\n<p>".encode())
        handle.truncate(size)


_BOMB = "---\ntitle: bomb\nlol0: &lol0 lol\n" + "".join(
    f"lol{n}: &lol{n} [{', '.join([f'*lol{n - 1}'] * 9)}]\n" for n in range(1, 10)
) + "---\nbody\n"

HOSTILE_FILES = {
    "alias-bomb.md": (_BOMB.encode(), "alias"),
    "python-tag.md": (b"---\ntitle: x\nrun: !!python/object/apply:os.system ['true']\n---\nbody\n", "unsupported YAML"),
    "deep.md": (("---\ntitle: x\ndeep: " + "[" * 10_000 + "]" * 10_000 + "\n---\nbody\n").encode(), "nest"),
    "binary.md": (bytes(range(256)) * 4096, "binary"),
    "wrong-encoding.md": (b"---\ntitle: \xff\xfe\xff\n---\nbody\n", "UTF-8"),
    "50mb.md": (50 * 2**20, "over the limit"),
    "200mb.md": (200 * 2**20, "over the limit"),
}


def test_hostile_files_are_refused_quickly_in_little_memory_and_the_rest_imports(tmp_path):
    """Each hostile file (bomb, python tag, deep nesting, binary, bad encoding, 50 and 200 MB) fails fast with its reason."""
    for name, (content, _reason) in HOSTILE_FILES.items():
        if isinstance(content, int):
            _large_post(tmp_path / name, content)
        else:
            (tmp_path / name).write_bytes(content)
    write_post(tmp_path, "good.md", "好文章")
    tracemalloc.start()
    try:
        start = time.monotonic()
        report = import_paths(ImportOptions(paths=[str(tmp_path)]))
        elapsed = time.monotonic() - start
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert Article.objects.get().title == "好文章"
    errors = {Path(failure.path).name: failure.error for failure in report.failures}
    assert set(errors) == set(HOSTILE_FILES)
    for name, (_content, reason) in HOSTILE_FILES.items():
        assert reason in errors[name], (name, errors[name])
    assert elapsed < 1.0, f"{elapsed:.2f} s for all of them"
    assert peak < 16 * 2**20, f"{peak / 2**20:.1f} MB at the peak"
