import datetime as dt
import pickle
from urllib.parse import urljoin

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from taggit.models import Tag

from articles import caching
from articles.models import Article, Category

from .factories import ArticleFactory, CategoryFactory, ImageFactory
from .testdata import form_data

pytestmark = pytest.mark.django_db

BAR = 'class="editor-bar"'


@pytest.fixture(autouse=True)
def in_chinese():
    """Addresses are reversed in Chinese, whatever language an earlier request left active."""
    with translation.override("zh-hans"):
        yield


def staff(*permissions):
    """A staff member with only ``permissions`` (codenames of the articles app)."""
    user = User.objects.create_user(f"staff{User.objects.count()}", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="articles", codename__in=permissions))
    return user


def preview_url(article=None):
    if article is None:
        return reverse("admin:articles_article_add_preview")
    return reverse("admin:articles_article_preview", args=[article.pk])


def cached_bytes():
    """Everything the cache and this process's copies of it hold, pickled: text in it is UTF-8."""
    return b"".join(cache._cache.values()) + pickle.dumps(list(caching._recent_box[1].values()))


# --- Preview ------------------------------------------------------------------------------------


def test_preview_shows_the_forms_unsaved_values_as_the_article_page(editor_client):
    """The preview is the article page with the form's title, body, excerpt, author, source, images and filing."""
    article = ArticleFactory(title="原来的标题", body="<p>原来的正文</p>", categories=[CategoryFactory(name="旧分类")])
    category, tag, image = CategoryFactory(name="新分类"), Tag.objects.create(name="新标签"), ImageFactory()
    response = editor_client.post(preview_url(article), form_data(
        article, title="改过的标题", body="<p>改过的正文</p>", excerpt="改过的摘要", author="李四",
        source_name="新华社", categories=[category.pk], tags=[tag.pk], head_image=image.pk,
    ))
    assert response.status_code == 200
    page = response.content.decode()
    shown = page.split('<article class="article">', 1)[1].split("</article>", 1)[0]
    assert "<h1>改过的标题</h1>" in shown and "<p>改过的正文</p>" in shown and "改过的摘要" in page
    assert "李四" in shown and "新华社" in shown and image.source_url in shown
    assert "新分类" in shown and "#新标签" in shown and "旧分类" not in shown and "原来" not in shown
    assert "未保存修改的预览" in page


def test_preview_sanitizes_the_body_as_a_save_would(editor_client):
    """A script or an event handler in the posted body never reaches the preview."""
    article = ArticleFactory()
    body = '<p onclick="evil()">正文</p><script>alert("预览")</script><img src="x.jpg" onerror="alert(1)">'
    page = editor_client.post(preview_url(article), form_data(article, body=body)).content.decode()
    assert "<p>正文</p>" in page
    assert "evil()" not in page and 'alert("预览")' not in page and "onerror" not in page


def test_preview_saves_nothing(editor_client):
    """Previewing changes no row, writes no history entry and leaves readers' pages as they were."""
    article, tag = ArticleFactory(title="原来的标题"), Tag.objects.create(name="新标签")
    before = Article.objects.values().get(pk=article.pk)
    version = caching.content_version()
    response = editor_client.post(preview_url(article), form_data(article, title="改过的标题", tags=[tag.pk]))
    assert "改过的标题" in response.content.decode()
    response = editor_client.post(preview_url(), form_data(title="新文章的标题"))
    assert "新文章的标题" in response.content.decode()
    assert list(Article.objects.values()) == [before]
    assert not LogEntry.objects.exists() and not article.tags.exists()
    assert caching.content_version() == version


def test_preview_never_links_the_article_to_itself(editor_client):
    """Moved to another date in the form, the article is not its own previous or next article."""
    category = CategoryFactory()
    article = ArticleFactory(title="这篇文章", categories=[category])
    ArticleFactory(title="别的文章", categories=[category], published_at=article.published_at - dt.timedelta(days=5))
    earlier = timezone.localtime(article.published_at - dt.timedelta(days=1))
    page = editor_client.post(preview_url(article), form_data(
        article, published_at_0=earlier.strftime("%Y-%m-%d"), published_at_1=earlier.strftime("%H:%M:%S"),
    )).content.decode()
    links = page.split('<nav class="prev-next"', 1)[1].split("</nav>", 1)[0]
    assert "别的文章" in links and article.get_absolute_url() not in links


def test_preview_of_a_new_article_creates_none(editor_client):
    """The add form previews too: the new article shows beside its category's others, and no row is created."""
    category = CategoryFactory()
    ArticleFactory(title="同分类的旧文章", categories=[category], published_at=timezone.now() - dt.timedelta(days=1))
    response = editor_client.post(preview_url(), form_data(
        title="还没保存的文章", body="<p>新的正文</p>", categories=[category.pk],
    ))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>还没保存的文章</h1>" in page and "<p>新的正文</p>" in page and 'rel="prev"' in page
    assert list(Article.objects.values_list("title", flat=True)) == ["同分类的旧文章"]


def test_preview_shows_the_status_the_form_would_save(editor_client):
    """A future date previews as scheduled, a draft as a draft."""
    article = ArticleFactory()
    future = timezone.localtime(timezone.now() + dt.timedelta(days=2))
    scheduled = editor_client.post(preview_url(article), form_data(
        article, published_at_0=future.strftime("%Y-%m-%d"), published_at_1="09:30:00",
    )).content.decode()
    assert "定时发布：" in scheduled
    draft = editor_client.post(preview_url(article), form_data(article, status="draft")).content.decode()
    assert '<span class="editor-status">草稿</span>' in draft


def test_preview_is_noindex_never_cached_and_not_served_to_readers(editor_client, client):
    """The preview tells robots and caches to keep away, and readers still get the stored article."""
    article = ArticleFactory(title="原来的标题")
    response = editor_client.post(preview_url(article), form_data(article, title="预览里的标题"))
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"] and "ETag" not in response
    assert "预览里的标题".encode() not in cached_bytes()
    editor_client.logout()
    assert "预览里的标题" not in client.get(article.get_absolute_url()).content.decode()


def test_invalid_form_data_lists_the_errors_instead_of_a_page(editor_client):
    """A preview of a form with errors says what to correct, and shows no article."""
    article = ArticleFactory(title="原来的标题")
    response = editor_client.post(preview_url(article), form_data(article, title="", published_at_0="不是日期"))
    page = response.content.decode()
    assert "无法预览" in page and "标题" in page and "这个字段是必填项。" in page
    assert 'class="article"' not in page and not Article.objects.exclude(title="原来的标题").exists()


@pytest.mark.parametrize("new", [False, True])
def test_only_staff_who_may_change_or_add_articles_can_preview(client, new):
    """Anonymous visitors are sent to sign in; others without the right permission get 403, even with valid data."""
    article = ArticleFactory()
    url, data = (preview_url(), form_data()) if new else (preview_url(article), form_data(article))
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    permissions = ["add_article"] if new else ["change_article", "review_article"]  # an editor's (see editorial.roles)
    reader = User.objects.create_user("reader", password="x")
    reader.user_permissions.set(Permission.objects.filter(codename__in=permissions))
    for user, status in [(reader, 403), (staff("view_article"), 403), (staff(*permissions), 200)]:
        client.force_login(user)
        assert client.post(url, data).status_code == status, user


def test_preview_only_answers_the_forms_post(editor_client):
    """Opening the preview's address directly is refused: it only shows what a form posts."""
    assert editor_client.get(preview_url(ArticleFactory())).status_code == 405


def test_article_forms_have_a_preview_button_opening_a_new_tab(editor_client):
    """The add and change forms have a Preview button after the save buttons, posting to the preview in a new tab."""
    article = ArticleFactory()
    for form_url, preview in [
        (reverse("admin:articles_article_change", args=[article.pk]), preview_url(article)),
        (reverse("admin:articles_article_add"), preview_url()),
    ]:
        page = editor_client.get(form_url).content.decode()
        button = page[page.index('<input type="submit" value="预览"'):].split(">", 1)[0]
        assert 'formtarget="_blank"' in button
        assert urljoin(form_url, button.split('formaction="', 1)[1].split('"', 1)[0]) == preview
        form = page.index('id="article_form"')
        assert form < page.index('name="_save"') < page.index('value="预览"') < page.index("</form>", form)


def test_the_preview_button_is_offered_to_those_who_may_change_the_article(client):
    """Staff who may only view an article get no Preview button on its read-only form; those who may change it do."""
    article = ArticleFactory()
    url = reverse("admin:articles_article_change", args=[article.pk])
    for permissions, offered in [(["view_article"], False), (["change_article", "review_article"], True)]:
        client.force_login(staff(*permissions))
        page = client.get(url).content.decode()
        assert article.title in page and ('value="预览"' in page) == offered, permissions


# --- Editor bar ---------------------------------------------------------------------------------


def test_editors_see_the_status_and_edit_and_history_links_on_an_article(editor_client):
    """Staff who may change articles see its status and links to its change form and history."""
    article = ArticleFactory()
    page = editor_client.get(article.get_absolute_url()).content.decode()
    assert BAR in page and '<span class="editor-status">已发布</span>' in page
    assert f'<a href="{reverse("admin:articles_article_change", args=[article.pk])}">编辑</a>' in page
    assert f'<a href="{reverse("admin:articles_article_history", args=[article.pk])}">历史</a>' in page
    assert editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).status_code == 200


@pytest.mark.parametrize(("status", "days", "chinese", "english"), [
    ("draft", -1, "草稿", "Draft"),
    ("scheduled", 2, "定时发布：", "Scheduled for "),
    ("published", -1, "已发布", "Published"),
])
def test_the_editor_bar_says_the_status_in_each_language(editor_client, status, days, chinese, english):
    """Drafts, scheduled articles (with their time) and published ones are told apart, in Chinese and in English."""
    article = ArticleFactory(status=status, published_at=timezone.now() + dt.timedelta(days=days))
    chinese_page = editor_client.get(article.get_absolute_url()).content.decode()
    assert f'<span class="editor-status">{chinese}' in chinese_page and ">编辑</a>" in chinese_page
    with translation.override("en"):
        english_url = article.get_absolute_url()
        when = date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
    english_page = editor_client.get(english_url).content.decode()
    assert f'<span class="editor-status">{english}' in english_page and ">Edit</a>" in english_page
    assert (f"Scheduled for {when}</span>" in english_page) == (status == "scheduled")


def test_editors_see_a_link_to_the_category_form_on_a_category_page(editor_client):
    """A category page offers editors the category's change form."""
    category = Category.objects.create(name="科技")
    ArticleFactory(categories=[category])
    page = editor_client.get(category.get_absolute_url()).content.decode()
    assert f'<a href="{reverse("admin:articles_category_change", args=[category.pk])}">编辑分类</a>' in page


def test_readers_never_get_the_editor_bar_even_after_an_editor_saw_the_page(editor_client, client):
    """An editor's visit leaves no bar in what readers get: pages, the page cache or any cached piece."""
    category = Category.objects.create(name="科技")
    article = ArticleFactory(categories=[category], tags=["标签"])
    urls = [article.get_absolute_url(), category.get_absolute_url()]
    for url in urls:
        assert BAR in editor_client.get(url).content.decode()
    reader = type(client)()
    for _ in range(2):  # the first visit fills the page cache, the second is served from it
        for url in urls:
            response = reader.get(url)
            assert response.status_code == 200 and BAR not in response.content.decode()
    for url in urls:
        assert BAR in editor_client.get(url).content.decode()  # and the editor's visit after the readers'
        assert BAR not in reader.get(url).content.decode()
    assert b"editor-bar" not in cached_bytes() and b"editor-status" not in cached_bytes()
    assert "科技".encode() in cached_bytes()  # the pages and pieces were cached


@pytest.mark.parametrize(("permissions", "shown"), [
    ((), False), (("view_article", "change_category"), False), (("change_article", "change_category"), True),
])
def test_only_staff_who_may_change_articles_see_the_editor_bar(client, permissions, shown):
    """The bar is for editors: staff without the permission to change articles do not get it."""
    category = Category.objects.create(name="科技")
    article = ArticleFactory(categories=[category])
    client.force_login(staff(*permissions))
    for url in (article.get_absolute_url(), category.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200 and (BAR in response.content.decode()) == shown, url
