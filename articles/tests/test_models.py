import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import get_script_prefix, set_script_prefix
from django.utils import timezone, translation
from PIL import Image as PILImage

from articles.models import Article, Category, Image

from .factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def png_bytes(width=64, height=48, fmt="PNG"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), "teal").save(buffer, fmt)
    return buffer.getvalue()


def test_chinese_title_gives_a_readable_unique_slug():
    """A Chinese title keeps its characters in the slug, and a second article gets a distinct one."""
    first = ArticleFactory(title="美国与塔利班达成协议")
    second = ArticleFactory(title="美国与塔利班达成协议")
    assert first.slug == "美国与塔利班达成协议"
    assert second.slug == "美国与塔利班达成协议-2"


def test_a_series_of_look_alike_titles_gets_distinct_slugs_in_two_queries_at_most(django_assert_num_queries):
    """Titles sharing their first 100 characters get -2 to -5, then a random suffix, however long the series."""
    title = "每日早报" * 26
    slugs = [ArticleFactory(title=f"{title}第{n}期").slug for n in range(7)]
    base = "每日早报" * 25
    assert slugs[:5] == [base, f"{base}-2", f"{base}-3", f"{base}-4", f"{base}-5"]
    assert len(set(slugs)) == 7 and all(slug.startswith(f"{base}-") and len(slug) == 107 for slug in slugs[5:])
    with django_assert_num_queries(2):  # the numbered ones, then a random one
        Article.objects.unique_slug(base)


def test_title_without_letters_still_gets_a_slug():
    """A title made only of punctuation falls back to a non-empty slug."""
    assert ArticleFactory(title="！？…").slug == "article"


def test_slug_is_kept_when_title_changes():
    """Editing the title does not change an existing slug (links stay stable)."""
    article = ArticleFactory(title="原标题")
    article.title = "新标题"
    article.save()
    assert article.slug == "原标题"


def test_category_path_follows_the_hierarchy():
    """A category's path is the slugs from the root, so its URL shows the hierarchy."""
    root = Category.objects.create(name="新媒体")
    source = Category.objects.create(name="Aljazeera 半岛网", parent=root)
    leaf = Category.objects.create(name="新闻", parent=source)
    assert leaf.path == "新媒体/aljazeera-半岛网/新闻"
    assert leaf.depth == 2
    assert leaf.get_absolute_url() == "/category/%E6%96%B0%E5%AA%92%E4%BD%93/aljazeera-%E5%8D%8A%E5%B2%9B%E7%BD%91/%E6%96%B0%E9%97%BB/"
    assert [c.name for c in leaf.ancestors()] == ["新媒体", "Aljazeera 半岛网"]


def test_renaming_a_category_moves_its_descendants():
    """Changing a parent's slug rewrites the paths below it."""
    root = Category.objects.create(name="新媒体")
    child = Category.objects.create(name="cnBeta", parent=root)
    grandchild = Category.objects.create(name="最新", parent=child)
    root.slug = "media"
    root.save()
    grandchild.refresh_from_db()
    assert grandchild.path == "media/cnbeta/最新"


def test_sibling_slugs_are_unique_but_cousins_may_share():
    """Two children of one parent cannot share a slug; children of different parents can."""
    a, b = CategoryFactory(name="A"), CategoryFactory(name="B")
    Category.objects.create(name="新闻", parent=a)
    Category.objects.create(name="新闻", parent=b)
    with pytest.raises(IntegrityError):
        Category.objects.create(name="新闻", parent=a, slug="新闻")


def test_articles_of_a_category_include_descendants_in_two_queries(django_assert_num_queries):
    """A category lists its own and its descendants' articles in two queries (subtree, articles) however deep."""
    root = Category.objects.create(name="新媒体")
    child = Category.objects.create(name="cnBeta", parent=root)
    leaf = Category.objects.create(name="最新", parent=child)
    other = Category.objects.create(name="新媒体2")
    in_leaf = ArticleFactory(categories=[leaf])
    in_root = ArticleFactory(categories=[root])
    ArticleFactory(categories=[other])
    with django_assert_num_queries(2):
        found = set(Article.objects.in_category(root))
    assert found == {in_leaf, in_root}
    assert set(Article.objects.in_category(child)) == {in_leaf}


def test_published_shows_only_what_readers_may_see():
    """published() keeps live articles and hides drafts and future (scheduled) ones."""
    now = timezone.now()
    live = ArticleFactory(published_at=now - dt.timedelta(minutes=1))
    draft = ArticleFactory(status=Article.Status.DRAFT)
    future = ArticleFactory(published_at=now + dt.timedelta(days=1))
    assert future.status == Article.Status.SCHEDULED
    assert list(Article.objects.published()) == [live]
    assert draft not in Article.objects.published()


def test_scheduled_article_goes_live_when_its_time_comes(monkeypatch):
    """A scheduled article becomes visible once published_at has passed, with no job to flip it."""
    article = ArticleFactory(published_at=timezone.now() + dt.timedelta(hours=1))
    assert not Article.objects.published().filter(pk=article.pk).exists()
    later = timezone.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_body_is_sanitized_on_save():
    """Whatever is saved as the body, scripts and event handlers are not stored."""
    article = ArticleFactory(body='<p onclick="x()">正文<script>alert(1)</script></p>')
    article.refresh_from_db()
    assert article.body == "<p>正文</p>"


def test_excerpt_is_filled_from_the_body():
    """An article saved without excerpt gets a tag-free one from its body."""
    article = ArticleFactory(body="<p><b>重要</b>消息。</p>", excerpt="")
    assert article.excerpt == "重要消息。"


def test_uploaded_image_dimensions_are_read_on_save():
    """Saving an uploaded picture records its width and height."""
    image = Image(file=SimpleUploadedFile("photo.png", png_bytes(64, 48), content_type="image/png"))
    image.save()
    image.refresh_from_db()
    assert (image.width, image.height) == (64, 48)
    assert image.sha256


def test_same_remote_url_is_one_image():
    """A remote URL can be stored only once."""
    Image.objects.create(source_url="https://example.com/a.jpg")
    with pytest.raises(IntegrityError):
        Image.objects.create(source_url="https://example.com/a.jpg")


def test_image_needs_a_file_or_a_url():
    """An image row with neither file nor URL is refused by the database."""
    with pytest.raises(IntegrityError):
        Image.objects.create(alt_text="nothing")


def test_article_url_follows_language_script_prefix_and_slug():
    """An article's address (remembered per process) follows the active language, the script prefix and a new slug."""
    article = ArticleFactory(title="区块链新闻")
    assert article.get_absolute_url() == f"/articles/{article.pk}-%E5%8C%BA%E5%9D%97%E9%93%BE%E6%96%B0%E9%97%BB/"
    with translation.override("en"):
        assert article.get_absolute_url() == f"/en/articles/{article.pk}-%E5%8C%BA%E5%9D%97%E9%93%BE%E6%96%B0%E9%97%BB/"
    prefix = get_script_prefix()
    set_script_prefix("/news/")
    try:
        assert article.get_absolute_url() == f"/news/articles/{article.pk}-%E5%8C%BA%E5%9D%97%E9%93%BE%E6%96%B0%E9%97%BB/"
    finally:
        set_script_prefix(prefix)
    article.slug = "blockchain"
    article.save()
    assert article.get_absolute_url() == f"/articles/{article.pk}-blockchain/"
