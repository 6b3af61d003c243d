import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Category, Image

from .factories import ArticleFactory, CategoryFactory, ImageFactory
from .testdata import form_data
from .test_models import png_bytes

pytestmark = pytest.mark.django_db


def make_articles(count):
    categories = [CategoryFactory() for _ in range(3)]
    for n in range(count):
        image = ImageFactory()
        ArticleFactory(categories=categories[: n % 3 + 1], tags=[f"标签{n}"], thumbnail=image, head_image=image)


def queries_for(client, url):
    client.get(url)  # warm per-process caches (content types, site) so only the page is counted
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url_name",
    ["admin:articles_article_changelist", "admin:articles_category_changelist", "admin:articles_image_changelist"],
)
def test_changelists_run_the_same_queries_for_5_or_40_rows(editor_client, url_name):
    """Admin lists cost a fixed number of queries, however many rows they show."""
    make_articles(5)
    few = queries_for(editor_client, reverse(url_name))
    make_articles(35)
    many = queries_for(editor_client, reverse(url_name))
    assert many == few
    assert many <= 15


def test_article_change_page_is_bounded(editor_client):
    """An article's change page costs the same with one category, tag and revision or many, among few or
    many other articles, pictures and categories."""
    from editorial import revisions

    article = ArticleFactory(categories=[CategoryFactory()], tags=["一"], head_image=ImageFactory())
    url = reverse("admin:articles_article_change", args=[article.pk])
    few = queries_for(editor_client, url)
    article.categories.set([CategoryFactory() for _ in range(10)])
    article.tags.set([f"标签{n}" for n in range(10)])
    ArticleFactory.create_batch(30, categories=[CategoryFactory()])
    ImageFactory.create_batch(30)
    for n in range(10):
        revisions.record([article], f"第 {n} 次")
    many = queries_for(editor_client, url)
    assert many == few


def test_article_list_shows_thumbnail_status_categories_and_source(editor_client):
    """The article list shows each article's preview, status, categories and source."""
    image = ImageFactory(source_url="https://img.example.com/cover.jpg")
    ArticleFactory(title="塔利班新闻", thumbnail=image, categories=[CategoryFactory(name="国际")], source_name="半岛网")
    page = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "塔利班新闻" in page and "https://img.example.com/cover.jpg" in page
    assert "国际" in page and "半岛网" in page and "Published" in page or "已发布" in page


def test_editor_save_sanitizes_and_marks_imported_article_as_edited(editor_client):
    """Saving in the admin stores the sanitized body and protects an imported article from re-import."""
    article = ArticleFactory(source_key="slug:x", content_hash="h")
    tag = Tag.objects.create(name="国际")
    Article.objects.filter(pk=article.pk).update(imported_at=article.published_at)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_client.post(
        url,
        {
            "title": "改过的标题",
            "slug": article.slug,
            "status": "published",
            "published_at_0": "2024-01-02",
            "published_at_1": "10:00:00",
            "body": '<p onclick="evil()">新正文</p><script>alert(1)</script>',
            "excerpt": "",
            "comments_enabled": "on",
            "updated_at_0": "2024-01-02",
            "updated_at_1": "10:00:00",
            "tags": [tag.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.body == "<p>新正文</p>"
    assert article.edited_since_import
    assert list(article.tags.names()) == ["国际"]


def test_tag_autocomplete_finds_chinese_tags(editor_client):
    """The tag box of the article form autocompletes existing tags."""
    Tag.objects.create(name="人工智能")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": "人工", "app_label": "articles", "model_name": "article", "field_name": "tags"},
    )
    assert [item["text"] for item in response.json()["results"]] == ["人工智能"]


def test_publish_and_unpublish_actions(editor_client):
    """Bulk actions publish drafts and send published articles back to draft."""
    draft = ArticleFactory(status=Article.Status.DRAFT)
    url = reverse("admin:articles_article_changelist")
    editor_client.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    editor_client.post(url, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_category_list_is_a_tree_of_full_names_with_counts(editor_client):
    """Categories are listed in tree order, by their full names (ancestors greyed), with their article counts."""
    root = Category.objects.create(name="新媒体")
    leaf = Category.objects.create(name="cnBeta", parent=root)
    ArticleFactory(categories=[leaf])
    ArticleFactory(categories=[leaf])
    page = editor_client.get(reverse("admin:articles_category_changelist")).content.decode()
    assert page.index("新媒体") < page.index("cnBeta")
    assert '<span class="quiet">新媒体 › </span>cnBeta' in page
    assert '<td class="field-article_count">2</td>' in page


def test_image_upload_reads_dimensions(editor_client):
    """Uploading a picture stores it with its width and height."""
    upload = SimpleUploadedFile("photo.png", png_bytes(40, 30), content_type="image/png")
    response = editor_client.post(reverse("admin:articles_image_add"), {"file": upload, "alt_text": "海景"})
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (40, 30)
    page = editor_client.get(reverse("admin:articles_image_change", args=[image.pk])).content.decode()
    assert "40 × 30" in page


def test_failed_downloads_are_filtered_and_show_their_reason(editor_client):
    """The image list filters images whose download failed, and an image's page shows why it failed."""
    failed = ImageFactory(fetch_error="HTTP 404")
    fine = ImageFactory()
    listing = editor_client.get(reverse("admin:articles_image_changelist"), {"download_failed": "yes"})
    assert failed.source_url in listing.content.decode() and fine.source_url not in listing.content.decode()
    page = editor_client.get(reverse("admin:articles_image_change", args=[failed.pk])).content.decode()
    assert "field-fetch_error" in page and "HTTP 404" in page


@pytest.mark.parametrize(
    "name, content",
    [("notes.png", b"this is plain text, not a picture"), ("broken.png", png_bytes()[:60])],
)
def test_non_image_or_broken_upload_is_rejected_with_a_form_error(editor_client, name, content):
    """A text file or a truncated picture is refused with a clear error and nothing is stored."""
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = editor_client.post(reverse("admin:articles_image_add"), {"file": upload})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["file"]
    assert errors and ("image" in errors[0].lower() or "图片" in errors[0])
    assert not Image.objects.exists()


def test_unsupported_format_is_rejected(editor_client):
    """A real picture in a format outside JPEG/PNG/GIF/WebP is refused."""
    upload = SimpleUploadedFile("icon.bmp", png_bytes(fmt="BMP"), content_type="image/bmp")
    response = editor_client.post(reverse("admin:articles_image_add"), {"file": upload})
    assert response.status_code == 200
    assert "BMP" in response.context["adminform"].form.errors["file"][0]


def test_same_file_uploaded_twice_points_to_the_existing_image(editor_client):
    """Uploading a file that is already in the library is refused, naming the existing image."""
    data = png_bytes(20, 20)
    editor_client.post(reverse("admin:articles_image_add"), {"file": SimpleUploadedFile("a.png", data)})
    response = editor_client.post(reverse("admin:articles_image_add"), {"file": SimpleUploadedFile("b.png", data)})
    assert response.status_code == 200
    assert f"#{Image.objects.get().pk}" in response.context["adminform"].form.errors["file"][0]


def test_import_runs_are_browsable_and_read_only(editor_client, tmp_path):
    """After an import, editors see the run and its per-file outcomes, and cannot edit them."""
    from django.core.management import call_command

    from articles.models import ImportRun

    (tmp_path / "ok.md").write_text("---\ntitle: 好\n---\n<p>正文</p>", encoding="utf-8")
    (tmp_path / "bad.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        call_command("import_seeds", str(tmp_path), verbosity=0)
    run = ImportRun.objects.get()
    page = editor_client.get(reverse("admin:articles_importrun_changelist")).content.decode()
    assert f"?run__id__exact={run.pk}" in page
    files = editor_client.get(reverse("admin:articles_importrecord_changelist"), {"run__id__exact": run.pk})
    text = files.content.decode()
    assert "bad.md" in text and "ok.md" in text and "not valid YAML" in text
    assert editor_client.get(reverse("admin:articles_importrun_add")).status_code == 403


def test_bulk_publish_shows_at_once_to_readers(editor_client):
    """Publishing drafts with the bulk action invalidates the readers' cached pages."""
    from django.test import Client

    reader = Client()
    ArticleFactory(title="早就发布的")
    draft = ArticleFactory(title="刚刚发布的", status=Article.Status.DRAFT)
    assert "刚刚发布的" not in reader.get("/").content.decode()
    editor_client.post(reverse("admin:articles_article_changelist"), {"action": "publish", "_selected_action": [draft.pk]})
    assert "刚刚发布的" in reader.get("/").content.decode()


def gif_frames(count, size):
    from PIL import Image as PILImage

    buffer = __import__("io").BytesIO()
    frames = [PILImage.new("RGB", (size, size), (n * 6 % 256, 255 - n * 6 % 256, 128)) for n in range(count)]
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def test_oversized_upload_is_refused_while_it_arrives(editor_client, settings):
    """A file over the size limit gets a clear form error, quickly, and is not stored."""
    import time

    settings.NEWSROOM_MAX_IMAGE_BYTES = 1024 * 1024
    huge = png_bytes(20, 20) + b"\0" * (30 * 1024 * 1024)
    started = time.monotonic()
    response = editor_client.post(reverse("admin:articles_image_add"), {"file": SimpleUploadedFile("big.png", huge)})
    assert time.monotonic() - started < 2
    assert response.status_code == 200
    assert "too large" in response.context["adminform"].form.errors["file"][0].lower() or "过大" in response.context["adminform"].form.errors["file"][0]
    assert not Image.objects.exists()


def test_animation_frames_count_towards_the_pixel_limit(editor_client, settings):
    """An animated GIF whose frames together exceed the pixel limit is refused."""
    settings.NEWSROOM_MAX_IMAGE_PIXELS = 100 * 100 * 10
    data = gif_frames(40, 100)  # 40 frames of 100x100: 400,000 pixels
    response = editor_client.post(reverse("admin:articles_image_add"), {"file": SimpleUploadedFile("anim.gif", data)})
    assert response.status_code == 200
    assert "40" in response.context["adminform"].form.errors["file"][0]
    assert not Image.objects.exists()


@pytest.mark.parametrize("payload", [b"<script>alert(1)</script>", b"<html><body>hi</body></html>", b"<?php echo 1; ?>"])
def test_polyglot_picture_is_refused(editor_client, payload):
    """A real picture that also carries HTML or script is refused."""
    data = png_bytes(30, 30) + payload
    response = editor_client.post(reverse("admin:articles_image_add"), {"file": SimpleUploadedFile("poly.png", data)})
    assert response.status_code == 200
    assert "script" in response.context["adminform"].form.errors["file"][0] or "代码" in response.context["adminform"].form.errors["file"][0]
    assert not Image.objects.exists()


def save_in_admin(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, form_data(article, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    return article


def test_an_excerpt_taken_from_the_body_follows_a_new_body(editor_client):
    """Replace the body and leave the excerpt alone: the excerpt is taken from the new body."""
    article = ArticleFactory(body="<p>旧的正文开头。</p>")
    assert article.excerpt == "旧的正文开头。" and article.excerpt_from_body
    save_in_admin(editor_client, article, body="<p>全新的正文开头。</p>")
    assert article.excerpt == "全新的正文开头。"


def test_an_excerpt_typed_by_an_editor_is_kept_when_the_body_changes(editor_client):
    """An excerpt written in the admin stays what the editor wrote, whatever happens to the body later."""
    article = save_in_admin(editor_client, ArticleFactory(body="<p>正文。</p>"), excerpt="编辑写的摘要")
    assert not article.excerpt_from_body
    save_in_admin(editor_client, article, body="<p>完全不同的正文。</p>")
    assert article.excerpt == "编辑写的摘要"
    save_in_admin(editor_client, article, excerpt="")  # emptied: taken from the body again
    assert article.excerpt == "完全不同的正文。" and article.excerpt_from_body


def test_updated_at_is_read_only_and_set_by_each_save(editor_client):
    """The form shows the last update time without an input; a posted value is ignored, the save's time kept."""
    article = ArticleFactory()
    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert 'name="updated_at_0"' not in page and "field-updated_at" in page
    before = timezone.now()
    save_in_admin(editor_client, article, updated_at_0="2001-01-01", updated_at_1="00:00:00")
    assert article.updated_at >= before


def test_estimated_dates_are_shown_and_cleared_by_the_editor_setting_one(editor_client):
    """The list filters articles with estimated dates; an editor who sets the date clears the mark."""
    guessed = ArticleFactory(title="日期待定", date_estimated=True)
    ArticleFactory(title="日期确定")
    listing = editor_client.get(reverse("admin:articles_article_changelist"), {"date_estimated__exact": "1"})
    assert "日期待定" in listing.content.decode() and "日期确定" not in listing.content.decode()
    save_in_admin(editor_client, guessed)  # saved without touching the date: still estimated
    assert guessed.date_estimated
    save_in_admin(editor_client, guessed, published_at_0="2021-06-01", published_at_1="08:00:00")
    assert not guessed.date_estimated


def home_pages():
    """新媒体 › cnBeta › 首页, 新媒体 › 半岛网 › 首页 and 科技 › 首页 (and 新媒体 › cnBeta › 最新)."""
    media = Category.objects.create(name="新媒体")
    cnbeta = Category.objects.create(name="cnBeta", parent=media)
    Category.objects.create(name="最新", parent=cnbeta)
    parents = [cnbeta, Category.objects.create(name="半岛网", parent=media), Category.objects.create(name="科技")]
    return [Category.objects.create(name="首页", parent=parent) for parent in parents]


HOME_PAGES = ["新媒体 › cnBeta › 首页", "新媒体 › 半岛网 › 首页", "科技 › 首页"]


def test_article_list_names_categories_by_their_full_path(editor_client):
    """The article list's category column and category filter show 新媒体 › cnBeta › 首页, not three alike 首页."""
    for category in home_pages():
        ArticleFactory(categories=[category])
    page = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    for full_name in HOME_PAGES:
        assert f'<td class="field-category_list">{full_name}</td>' in page
        assert f"{full_name}</a></li>" in page  # in the filter


def test_category_picker_finds_categories_by_any_part_of_their_path(editor_client):
    """The article form's category box finds 新媒体 › cnBeta › 最新 by cnBeta or by 最新, and offers full names."""
    home_pages()

    def offered(term):
        query = {"term": term, "app_label": "articles", "model_name": "article", "field_name": "categories"}
        return sorted(item["text"] for item in editor_client.get(reverse("admin:autocomplete"), query).json()["results"])

    assert offered("最新") == ["新媒体 › cnBeta › 最新"]
    assert offered("cnBeta") == ["新媒体 › cnBeta", "新媒体 › cnBeta › 最新", "新媒体 › cnBeta › 首页"]
    assert offered("首页") == sorted(HOME_PAGES)


def test_descendants_follow_a_renamed_or_moved_category(editor_client):
    """Renaming or moving a category in the admin changes the full names of all its descendants."""
    media = Category.objects.create(name="新媒体")
    cnbeta = Category.objects.create(name="cnBeta", parent=media)
    latest = Category.objects.create(name="最新", parent=cnbeta)
    tech = Category.objects.create(name="科技")

    def edit(category, **changes):
        data = {"name": category.name, "slug": category.slug, "parent": category.parent_id or "", "ordering": 0}
        url = reverse("admin:articles_category_change", args=[category.pk])
        response = editor_client.post(url, {**data, **changes})
        assert response.status_code == 302, response.content.decode()[:2000]

    edit(media, name="新媒体频道")
    latest.refresh_from_db()
    assert str(latest) == "新媒体频道 › cnBeta › 最新"
    edit(cnbeta, parent=tech.pk)
    latest.refresh_from_db()
    assert (str(latest), latest.path) == ("科技 › cnBeta › 最新", "科技/cnbeta/最新")


def test_category_list_counts_each_article_of_the_subtree_once(editor_client):
    """A category's count includes the articles of its descendants, each article once, and none of a look-alike."""
    media = Category.objects.create(name="新媒体")
    cnbeta = Category.objects.create(name="cnBeta", parent=media)
    latest = Category.objects.create(name="最新", parent=cnbeta)
    lookalike = Category.objects.create(name="新媒体观察")  # its path begins like 新媒体's; no descendant
    ArticleFactory(categories=[media, cnbeta, latest])
    ArticleFactory(categories=[latest])
    ArticleFactory(categories=[lookalike])
    response = editor_client.get(reverse("admin:articles_category_changelist"))
    counts = {category.path: category.article_total for category in response.context["cl"].result_list}
    assert counts == {"新媒体": 2, "新媒体/cnbeta": 2, "新媒体/cnbeta/最新": 2, "新媒体观察": 1}
    assert '<td class="field-article_count">2</td>' in response.content.decode()


def test_category_list_costs_the_same_queries_for_3_or_30_categories(editor_client):
    """Counting the articles of every subtree costs a fixed number of queries, however many categories are listed."""

    def branches(count):  # chains of three categories, an article in the first and the last
        for _ in range(count):
            top = CategoryFactory()
            leaf = CategoryFactory(parent=CategoryFactory(parent=top))
            ArticleFactory(categories=[top, leaf])

    branches(1)
    few = queries_for(editor_client, reverse("admin:articles_category_changelist"))
    branches(9)
    assert queries_for(editor_client, reverse("admin:articles_category_changelist")) == few


@pytest.mark.django_db(transaction=True)
def test_upgrading_gives_existing_categories_their_full_names():
    """After the upgrade, categories made before it show their full path of names."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    before = [("articles", "0004_estimated_dates_derived_excerpts_failed_downloads")]
    old = migrate(before).get_model("articles", "Category")
    try:
        media = old.objects.create(name="新媒体", slug="新媒体", path="新媒体", depth=0)
        cnbeta = old.objects.create(name="cnBeta", slug="cnbeta", path="新媒体/cnbeta", depth=1, parent=media)
        old.objects.create(name="最新", slug="最新", path="新媒体/cnbeta/最新", depth=2, parent=cnbeta)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert sorted(str(category) for category in Category.objects.all()) == [
        "新媒体", "新媒体 › cnBeta", "新媒体 › cnBeta › 最新",
    ]


def test_history_names_the_changed_fields_in_chinese(editor_client):
    """An article's history in the Chinese admin says 已修改标题，状态… rather than Title, Status."""
    from django.contrib.admin.models import LogEntry

    article = ArticleFactory(status=Article.Status.DRAFT)
    save_in_admin(editor_client, article, title="改过的标题", status="published")
    page = editor_client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    message = LogEntry.objects.get().get_change_message()
    assert message.startswith("已修改标题，状态") and message in page
    assert "Title" not in page and "Status" not in page


def test_every_field_label_of_the_admin_forms_has_a_chinese_translation(rf, admin_user):
    """Whatever fields a history message names, from any admin form, it names them in Chinese."""
    from django.contrib import admin
    from django.contrib.auth.models import User
    from django.utils import translation

    request = rf.get("/admin/")
    request.user = admin_user
    labels = set()
    with translation.override(None):  # as history messages store them
        for model, model_admin in admin.site._registry.items():
            for obj in [None, admin_user] if model is User else [None]:
                form = model_admin.get_form(request, obj)
                labels |= {str(field.label or name) for name, field in form.base_fields.items()}
    with translation.override("zh-hans"):
        assert sorted(label for label in labels if translation.gettext(label) == label) == []


def test_sign_in_throttling_is_named_in_chinese(editor_client):
    """django-axes' section and lists are named in Chinese in the admin's menu."""
    page = editor_client.get(reverse("admin:index")).content.decode()
    assert "登录限制" in page and "登录尝试" in page and "登录日志" in page and "登录失败" in page
    assert "Axes" not in page and "Access attempts" not in page and "Access logs" not in page


def test_sign_in_records_and_their_clean_up_speak_chinese(editor_client):
    """A sign-in attempt's page names it in Chinese; cleaning up removes the expired attempts and says so in Chinese."""
    import datetime as dt

    from axes.models import AccessAttempt

    recent, old = (AccessAttempt.objects.create(username=name, ip_address="10.0.0.1", failures_since_start=1)
                   for name in ("recent", "old"))
    AccessAttempt.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - dt.timedelta(hours=1))
    page = editor_client.get(reverse("admin:axes_accessattempt_change", args=[recent.pk])).content.decode()
    assert "的登录尝试" in page and "Attempted Access" not in page
    response = editor_client.post(reverse("admin:axes_accessattempt_changelist"),
                                  {"action": "cleanup_expired_attempts", "_selected_action": [recent.pk]}, follow=True)
    assert [str(message) for message in response.context["messages"]] == ["已清理 1 条过期的登录尝试。"]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["recent"]


def test_import_records_list_their_article_under_a_chinese_heading(editor_client):
    """The import records' article column is headed 文章 and links to the article's form."""
    from articles.models import ImportRecord, ImportRun

    article = ArticleFactory(title="导入的文章")
    ImportRecord.objects.create(run=ImportRun.objects.create(), path="a.md", outcome="created", article=article)
    ImportRecord.objects.create(run=ImportRun.objects.create(), path="b.md", outcome="failed")
    page = editor_client.get(reverse("admin:articles_importrecord_changelist")).content.decode()
    start = page.index('id="result_list"')
    header = page[start : page.index("</thead>", start)]
    assert "文章" in header and "Article" not in header
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert f'<a href="{url}">导入的文章</a>' in page
    assert 'data-filter-title="导入记录"' in page and 'data-filter-title="run"' not in page  # the run filter
