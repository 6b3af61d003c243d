import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Category

from .factories import ArticleFactory, CategoryFactory, ImageFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_home_lists_published_articles_only(client):
    """The home page shows live articles and hides drafts and scheduled ones."""
    ArticleFactory(title="已发布的新闻")
    ArticleFactory(title="草稿新闻", status=Article.Status.DRAFT)
    page = client.get("/").content.decode()
    assert "已发布的新闻" in page and "草稿新闻" not in page


def test_home_query_count_does_not_grow_with_articles(client):
    """The home page costs the same number of queries for 3 or 20 articles."""
    def add(n):
        for _ in range(n):
            image = ImageFactory()
            ArticleFactory(thumbnail=image, categories=[CategoryFactory()], tags=["甲", "乙"])
    add(3)
    few = count_queries(client, "/")
    add(17)
    assert count_queries(client, "/") == few


def test_article_page_shows_the_sanitized_body(client):
    """An article's page shows its title and body, without anything executable."""
    article = ArticleFactory(title="标题", body='<p>正文<img src="x.jpg" onerror="alert(1)"></p>')
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<h1>标题</h1>" in page and "正文" in page and "onerror" not in page


def test_wrong_slug_redirects_permanently_to_the_current_url(client):
    """An old or wrong slug in an article URL redirects (301) to the current one."""
    article = ArticleFactory(title="新闻")
    response = client.get(reverse("articles:detail", kwargs={"pk": article.pk, "slug": "old-slug"}))
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_drafts_are_404_for_readers_and_previewed_by_staff(client, admin_user):
    """Readers get 404 for a draft; staff see it with a preview banner."""
    draft = ArticleFactory(status=Article.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(admin_user)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert 'class="preview-banner"' in response.content.decode()


def test_category_page_lists_descendants_with_breadcrumb(client):
    """A category page lists articles of its sub-categories and shows the path to it."""
    root = Category.objects.create(name="新媒体")
    leaf = Category.objects.create(name="cnBeta", parent=Category.objects.create(name="科技", parent=root))
    ArticleFactory(title="叶子里的新闻", categories=[leaf])
    page = client.get(root.get_absolute_url()).content.decode()
    assert "叶子里的新闻" in page
    leaf_page = client.get(leaf.get_absolute_url()).content.decode()
    assert root.get_absolute_url() in leaf_page and "科技" in leaf_page


def test_unknown_category_is_404(client):
    """A category path that does not exist is a clean 404."""
    assert client.get("/category/没有/这个/").status_code == 404


def test_chinese_tag_page(client):
    """Tags with Chinese slugs have working pages."""
    ArticleFactory(title="带标签", tags=["人工智能"])
    tag = Tag.objects.get(name="人工智能")
    url = reverse("articles:tag", kwargs={"slug": tag.slug})
    assert "带标签" in client.get(url).content.decode()


@pytest.mark.parametrize("page", ["0", "999", "abc"])
def test_bad_page_numbers_never_500(client, page):
    """Out-of-range or non-numeric page numbers give a 404, not a server error."""
    ArticleFactory()
    assert client.get("/", {"page": page}).status_code == 404


def test_language_switcher_sets_english(client):
    """Choosing English makes the page speak English and say so in <html lang>."""
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.content.decode()
    assert "Latest news" in response.content.decode()
