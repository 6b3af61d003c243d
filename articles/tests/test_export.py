import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Category, Image

from .factories import ArticleFactory, CategoryFactory
from .test_models import png_bytes

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"
BASE_URL = "https://news.example.com"

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", ["../../../etc/passwd", "/abs/path", "..", "a/../../b", "\\..\\win", "~root"])
def test_export_never_writes_outside_its_folder(tmp_path, slug):
    """Whatever an article's slug contains, export_seeds writes only inside OUT."""
    article = ArticleFactory(title="路径")
    Article.objects.filter(pk=article.pk).update(slug=slug)
    out = tmp_path / "deep" / "out"
    call_command("export_seeds", str(out))
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) == 1
    assert written[0].parent == out


def test_export_then_import_gives_back_the_same_articles(tmp_path, posts_dir):
    """Imported articles exported with export_seeds import again into the same rows, no duplicates."""
    with _no_exit():
        call_command("import_seeds", str(posts_dir), verbosity=0)
    before = {a.source_key: (a.pk, a.title, a.body, a.published_at, sorted(c.path for c in a.categories.all()),
                             sorted(a.tags.names()), a.head_image_id) for a in Article.objects.published()}
    call_command("export_seeds", str(tmp_path / "out"))
    with _no_exit():
        call_command("import_seeds", str(tmp_path / "out"), verbosity=0)
    after = {a.source_key: (a.pk, a.title, a.body, a.published_at, sorted(c.path for c in a.categories.all()),
                            sorted(a.tags.names()), a.head_image_id) for a in Article.objects.published()}
    assert after == before
    assert len(before) > 20


def test_admin_written_article_round_trips_without_a_duplicate(tmp_path):
    """An article written in the admin (no source key) is found again by its id on re-import."""
    article = ArticleFactory(title="编辑部原创", tags=["原创"])
    call_command("export_seeds", str(tmp_path))
    call_command("import_seeds", str(tmp_path), verbosity=0)
    assert Article.objects.count() == 1
    article.refresh_from_db()
    assert article.title == "编辑部原创" and list(article.tags.names()) == ["原创"]


def described(image):
    """An image as readers get it: where it is loaded from, and what it says about itself."""
    if image is None:
        return None
    url = image.source_url or BASE_URL + image.file.url
    return (url, image.alt_text, image.caption, image.credit)


def everything():
    """Every article, by the key that finds it again, with every field readers or editors see."""
    return {
        article.source_key or f"article:{article.pk}": {
            "title": article.title, "slug": article.slug, "status": article.status,
            "published_at": article.published_at, "updated_at": article.updated_at,
            "date_estimated": article.date_estimated, "author": article.author,
            "source_name": article.source_name, "source_url": article.source_url, "language": article.language,
            "excerpt": article.excerpt, "excerpt_from_body": article.excerpt_from_body, "body": article.body,
            "comments_enabled": article.comments_enabled,
            "categories": sorted(category.path for category in article.categories.all()),
            "tags": sorted(tag.name for tag in article.tags.all()),
            "head_image": described(article.head_image), "thumbnail": described(article.thumbnail),
        }
        for article in Article.objects.select_related("head_image", "thumbnail").prefetch_related("categories", "tags")
    }


def empty_the_database():
    Article.objects.all().delete()
    Image.objects.all().delete()
    Tag.objects.all().delete()
    while Category.objects.exists():  # leaves first: a parent is protected while it has children
        Category.objects.filter(children__isnull=True).delete()


def test_export_and_import_into_a_fresh_database_give_every_article_back_field_by_field(tmp_path, posts_dir):
    """Sample posts and admin-made drafts, scheduled and described pictures survive export -> fresh import."""
    with _no_exit():
        call_command("import_seeds", str(SEEDS), str(posts_dir), verbosity=0)
    upload = Image.objects.create(file=SimpleUploadedFile("photo.png", png_bytes(40, 30)),
                                  alt_text="会场", caption="发布会现场", credit="记者 摄")
    section = CategoryFactory(name="要闻", parent=CategoryFactory(name="本地"))
    ArticleFactory(title="编辑部的草稿", status=Article.Status.DRAFT, head_image=upload, categories=[section],
                   tags=["草稿", "本地"], author="王五, Jane Doe", excerpt="手写的摘要")
    ArticleFactory(title="定时发布", published_at=timezone.now() + dt.timedelta(days=2), thumbnail=upload)
    ArticleFactory(title="日期是估计的", date_estimated=True, comments_enabled=False, language="zh")
    before = everything()
    statuses = {fields["status"] for fields in before.values()}
    assert {"draft", "scheduled", "published"} <= statuses and len(before) > 30

    call_command("export_seeds", str(tmp_path / "out"), base_url=BASE_URL)
    empty_the_database()
    with _no_exit():
        call_command("import_seeds", str(tmp_path / "out"), verbosity=0)
    after = everything()

    differences = [(key, name, value, after.get(key, {}).get(name))
                   for key, fields in before.items() for name, value in fields.items()
                   if after.get(key, {}).get(name) != value]
    assert set(after) == set(before)
    assert differences == [], "\n".join(repr((d, before[d[0]]["title"], after[d[0]]["title"])) for d in differences)


def test_export_without_a_base_url_refuses_pictures_stored_here(tmp_path):
    """A picture stored on this site cannot be linked from another one: export says what to add."""
    ArticleFactory(head_image=Image.objects.create(file=SimpleUploadedFile("p.png", png_bytes(8, 8))))
    with pytest.raises(CommandError, match="--base-url"):
        call_command("export_seeds", str(tmp_path))


class _no_exit:
    """import_seeds exits with 1 when some test posts fail on purpose; the rest are what matters."""

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        return kind is SystemExit
