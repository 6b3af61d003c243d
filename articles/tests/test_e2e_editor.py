"""The article editor in a real browser (Debian's Chromium): writing, Chinese input, unsaved work, imported bodies."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from articles.models import Article
from articles.text import html_to_text

from .factories import ArticleFactory
from .test_models import png_bytes

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def assert_loaded(img):
    """The picture really loads; body pictures are lazy, so it is scrolled near the viewport first."""
    img.scroll_into_view_if_needed()
    img.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle(), timeout=10_000)


@pytest.fixture
def editor(live_server, page, admin_user, client):
    """The page, signed in as an editor (the session of a signed-in test client)."""
    client.force_login(admin_user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    page.live_server = live_server
    page.on("response", lambda response: response.status >= 400 and page.errors.append(f"{response.status} {response.url}"))
    return page


def open_article(page, article=None):
    url = reverse("admin:articles_article_change", args=[article.pk]) if article else reverse("admin:articles_article_add")
    page.goto(page.live_server.url + url)
    body = page.locator(".prose-editor .tiptap")
    body.wait_for()
    page.wait_for_load_state("load")
    return body


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_body_opens_in_the_rich_text_editor_with_a_chinese_toolbar(editor):
    """The body is edited in a visual editor whose toolbar speaks the admin's language; no errors, no CSP refusals."""
    article = ArticleFactory(title="编辑器里的文章", body="<h2>小标题</h2><p>正文<strong>加粗</strong></p>")
    body = open_article(editor, article)
    assert body.locator("h2").inner_text() == "小标题" and body.locator("strong").inner_text() == "加粗"
    shot(editor, "admin-editor")
    assert editor.errors == []


def save(page):
    page.locator("input[name=_continue]").click()
    page.wait_for_selector(".messagelist .success")
    page.wait_for_load_state("load")  # its requests done: the live server shares the test's database connection


def link_then_table(page, href, cell):
    """Links the selected text to ``href`` with the toolbar, then adds a table after it with ``cell`` typed in."""
    page.locator(".prose-menubar [title='插入链接']").click()
    page.locator("dialog input[name=href]").fill(href)
    page.locator("dialog button[type=submit]").click()
    page.locator("dialog").wait_for(state="detached")
    # The editor takes the focus back, and the selection with it, a moment after the dialog closes.
    page.wait_for_function("() => document.activeElement?.classList.contains('tiptap')")
    page.wait_for_timeout(200)
    page.keyboard.press("End")
    page.wait_for_function("() => document.querySelector('.prose-editor .tiptap').editor.state.selection.empty")
    page.keyboard.press("Enter")
    page.locator(".prose-menubar [title='插入表格']").click()
    page.locator("dialog button[type=submit]").click()
    page.locator("dialog").wait_for(state="detached")
    # Typed before the editor has put the cursor into the new table's first cell, the text went nowhere.
    page.wait_for_function(
        "() => document.activeElement?.classList.contains('tiptap')"
        " && ((node) => (node?.nodeType === 1 ? node : node?.parentElement)?.closest('.tiptap td, .tiptap th'))"
        "(getSelection().anchorNode)"
    )
    page.keyboard.type(cell)


def test_an_editor_writes_a_heading_bold_text_a_link_and_a_table_that_readers_then_see(editor):
    """Typed with the toolbar and its shortcuts, saved, then found on the public page."""
    body = open_article(editor)
    assert editor.locator(".prose-menubar [title='加粗']").count() == 1  # the toolbar speaks Chinese
    editor.fill("#id_title", "编辑器写的新闻")
    body.click()
    editor.keyboard.type("## 小标题\n")
    editor.keyboard.type("开头")
    editor.keyboard.press("Control+b")
    editor.keyboard.type("加粗")
    editor.keyboard.press("Control+b")
    editor.keyboard.type("，再看")
    editor.keyboard.press("Shift+Home")
    link_then_table(editor, "https://example.com/原文", "单元格")
    shot(editor, "admin-editor-writing")
    save(editor)
    article = Article.objects.get(title="编辑器写的新闻")
    assert "<h2>小标题</h2>" in article.body and "<strong>加粗</strong>" in article.body
    assert 'href="https://example.com/原文"' in article.body and "<table>" in article.body and "单元格" in article.body
    editor.goto(editor.live_server.url + article.get_absolute_url())
    main = editor.locator("main .body")
    assert main.locator("h2").inner_text() == "小标题" and main.locator("strong").inner_text() == "加粗"
    assert main.locator("a[href='https://example.com/原文']").count() == 1 and main.locator("td").first.inner_text()
    assert editor.errors == []


def test_chinese_typed_through_an_input_method_is_stored_as_typed(editor):
    """Pinyin composed through an IME (composition events, as a real input method sends them) ends up as 汉字."""
    article = ArticleFactory(title="输入法", body="<p>开头</p>")
    body = open_article(editor, article)
    body.locator("p").click()
    editor.keyboard.press("End")
    cdp = editor.context.new_cdp_session(editor)
    for typed in ("z", "zh", "zhong", "zhongwen"):  # the composition grows as the pinyin is typed
        cdp.send("Input.imeSetComposition", {"text": typed, "selectionStart": len(typed), "selectionEnd": len(typed)})
    cdp.send("Input.insertText", {"text": "中文"})  # the candidate picked ends the composition
    cdp.send("Input.imeSetComposition", {"text": "shuru", "selectionStart": 5, "selectionEnd": 5})
    cdp.send("Input.insertText", {"text": "输入"})
    save(editor)
    article.refresh_from_db()
    assert html_to_text(article.body) == "开头中文输入"
    assert editor.errors == []


def test_unsaved_text_is_offered_back_after_the_tab_is_closed(editor):
    """Text typed but never saved survives closing the page: reopening the article offers to restore it."""
    article = ArticleFactory(title="未保存", body="<p>原来的正文</p>")
    body = open_article(editor, article)
    body.locator("p").click()
    editor.keyboard.press("End")
    editor.keyboard.type("，还没保存的一句")
    editor.wait_for_timeout(2500)  # kept every two seconds
    context = editor.context
    editor.close()
    again = context.new_page()
    again.live_server, again.errors = editor.live_server, []
    open_article(again, article)
    note = again.locator(".newsroom-draft")
    assert "未保存的修改" in note.inner_text()
    shot(again, "admin-editor-restore")
    note.get_by_role("button", name="恢复修改").click()
    save(again)
    article.refresh_from_db()
    assert html_to_text(article.body) == "原来的正文，还没保存的一句"
    open_article(again, article)
    assert again.locator(".newsroom-draft").count() == 0  # saved: nothing more to offer


def test_an_editor_inserts_a_library_picture_that_readers_get_in_several_sizes(editor):
    """The figure button's "Browse..." opens the image library; the picked picture, captioned, is served with a srcset."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles.models import Image

    Image.objects.create(file=SimpleUploadedFile("sea.png", png_bytes(1600, 900)), credit="本报")
    article = ArticleFactory(title="图库图片", body="<p>开头</p>")
    body = open_article(editor, article)
    body.locator("p").click()
    editor.keyboard.press("End")
    editor.locator(".prose-menubar [title='图片']").click()
    with editor.expect_popup() as popup:
        editor.locator("dialog button", has_text="浏览…").click()
    chooser = popup.value
    chooser.locator(".newsroom-no-alt").wait_for()  # the picture has no alt text, and the chooser says so
    with chooser.expect_event("close"):
        chooser.locator(".newsroom-pick").click()
    dialog = editor.locator("dialog")
    dialog.locator(".newsroom-alt-warning").wait_for()  # and so does the figure dialog
    assert dialog.locator("input[name=caption]").input_value() == "来源：本报"
    dialog.locator("input[name=altText]").fill("海边")
    dialog.locator("input[name=caption]").fill("海边的早晨 来源：本报")
    dialog.locator("button[type=submit]").click()
    body.locator("figure img").wait_for()
    save(editor)
    article.refresh_from_db()
    editor.goto(editor.live_server.url + article.get_absolute_url())
    figure = editor.locator("main .body figure")
    assert "1280w" in figure.locator("img").get_attribute("srcset") and figure.locator("img").get_attribute("width") == "1600"
    assert figure.locator("figcaption").inner_text() == "海边的早晨 来源：本报"
    assert_loaded(figure.locator("img"))
    assert editor.errors == []


def what_readers_get(body):
    """What an editor's save must keep of a body: its text, pictures, links and headings."""
    return {
        "text": html_to_text(body),
        "pictures": re.findall(r'<img [^>]*?src="([^"]*)"', body),
        "links": re.findall(r'<a [^>]*?href="([^"]*)"', body),
        "headings": [(level, html_to_text(text)) for level, text in re.findall(r"<(h[1-6])>(.*?)</\1>", body, re.S)],
    }


def open_and_save_each(page, articles):
    """Each article opened in the editor and saved untouched: the articles whose body came back changed.

    The posts' pictures are answered with a blank one: their hosts are out of reach here, and
    only their addresses matter to what is saved.
    """
    blank = png_bytes(1, 1)
    page.route("**/*", lambda route: route.fulfill(body=blank, content_type="image/png")
               if route.request.resource_type == "image" else route.continue_())
    changed = {}
    for article in articles:
        before = what_readers_get(article.body)
        open_article(page, article)
        save(page)
        article.refresh_from_db()
        after = what_readers_get(article.body)
        if after != before:
            changed[article.source_file] = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    return changed


def import_posts(*folders):
    from django.core.management import call_command

    try:
        call_command("import_seeds", *map(str, folders), verbosity=0)
    except SystemExit:  # some corpus files are refused on purpose; the rest are imported
        pass
    return list(Article.objects.order_by("pk"))


def test_every_sample_post_opens_in_the_editor_and_saves_back_unchanged(editor):
    """Each sample post, opened in the editor and saved without a change, keeps its text, pictures, links and headings."""
    from conftest import ROOT

    articles = import_posts(ROOT / "fixtures" / "seeds")
    assert len(articles) >= 15
    assert open_and_save_each(editor, articles) == {}
    assert editor.errors == []


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.one_database  # the editor's and the sanitizer's round trip: 2.5 minutes, once
def test_every_corpus_post_opens_in_the_editor_and_saves_back_unchanged(editor, shared_corpus):
    """The same over the whole shared corpus of real posts: differences 0."""
    articles = import_posts(shared_corpus)
    assert len(articles) >= 50
    assert open_and_save_each(editor, articles) == {}
    assert editor.errors == []


def type_with_input_method(page, *words):
    """Each (pinyin, 汉字) pair composed as an input method sends it: a growing composition, then the pick."""
    cdp = page.context.new_cdp_session(page)
    for pinyin, chosen in words:
        for end in range(1, len(pinyin) + 1):
            cdp.send("Input.imeSetComposition", {"text": pinyin[:end], "selectionStart": end, "selectionEnd": end})
        cdp.send("Input.insertText", {"text": chosen})


def pick_in_chooser(page, opens, pick):
    """Opens the chooser with ``opens`` (a locator), does ``pick`` in its window and waits for it to close."""
    with page.expect_popup() as popup:
        opens.click()
    chooser = popup.value
    chooser.wait_for_load_state()
    with chooser.expect_event("close"):
        pick(chooser)


def test_an_editor_writes_illustrates_previews_and_publishes_a_story(live_server, page):
    """The whole of an editor's work in one go, signed in through the login page: written with the toolbar and an
    input method, kept through a closed tab, illustrated from the library and by an upload, previewed, published,
    and then found on the public page as the editor made it."""
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles.models import Image

    User.objects.create_superuser("editor", password="a long pass phrase")
    library = Image.objects.create(file=SimpleUploadedFile("sea.png", png_bytes(1600, 900)), alt_text="海边",
                                   caption="海边的早晨", credit="本报")
    page.live_server = live_server
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a long pass phrase")
    page.get_by_role("button", name="登录").click()
    page.locator("#dashboard-drafts").wait_for()
    shot(page, "story-dashboard")

    # Written: a heading, bold text, a link, Chinese through an input method, a table.
    body = open_article(page)
    page.fill("#id_title", "一篇完整的报道")
    body.click()
    page.keyboard.type("## 现场\n开头")
    page.keyboard.press("Control+b")
    page.keyboard.type("要点")
    page.keyboard.press("Control+b")
    type_with_input_method(page, ("zhongwen", "中文"), ("shuru", "输入"))
    page.keyboard.type("。原文")
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Shift+ArrowLeft")
    link_then_table(page, "https://example.com/原文", "单元格")
    page.wait_for_timeout(2500)  # unsaved text is kept every two seconds

    # The tab closes before the save; reopening the form offers the text back.
    context, errors = page.context, page.errors
    page.close()
    page = context.new_page()
    page.live_server, page.errors = live_server, errors
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("dialog", lambda dialog: (page.errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    body = open_article(page)
    page.locator(".newsroom-draft").get_by_role("button", name="恢复修改").click()
    assert page.locator("#id_title").input_value() == "一篇完整的报道"
    assert body.locator("h2").inner_text() == "现场" and body.locator("td").first.inner_text() == "单元格"

    # Illustrated: a library picture with its caption, a new picture uploaded from the figure dialog, a head image.
    body.locator("p").first.click()
    page.keyboard.press("End")
    page.locator(".prose-menubar [title='图片']").click()
    dialog = page.locator("dialog")
    pick_in_chooser(page, dialog.locator("button", has_text="浏览…"), lambda chooser: chooser.locator(".newsroom-pick").click())
    assert dialog.locator("input[name=caption]").input_value() == "海边的早晨 来源：本报"
    assert dialog.locator("input[name=altText]").input_value() == "海边"
    dialog.locator("button[type=submit]").click()
    body.locator("figure img").wait_for()
    body.locator("p").first.click()
    page.keyboard.press("End")
    page.locator(".prose-menubar [title='图片']").click()

    def upload(chooser):
        chooser.set_input_files("#id_file", {"name": "new.png", "mimeType": "image/png", "buffer": png_bytes(1200, 800)})
        chooser.fill("#id_alt_text", "新拍的照片")
        chooser.fill("#id_caption", "刚上传")
        chooser.get_by_role("button", name="上传并插入").click()

    pick_in_chooser(page, dialog.locator("button", has_text="浏览…"), upload)
    assert dialog.locator("input[name=altText]").input_value() == "新拍的照片"
    dialog.locator("button[type=submit]").click()
    body.locator("figure img").nth(1).wait_for()
    head = page.locator(".field-head_image .newsroom-image-field")
    pick_in_chooser(page, head.get_by_role("button", name="选择图片…"), lambda chooser: chooser.locator(".newsroom-pick").last.click())
    assert head.locator("img").get_attribute("src") == library.url and head.locator(".newsroom-image-label").inner_text() == "海边"
    shot(page, "story-editor")

    # Previewed in a new tab, unsaved.
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="预览").click()
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.locator("h1").inner_text() == "一篇完整的报道" and preview.locator(".preview-banner").is_visible()
    assert preview.locator(".body figure").count() == 2
    assert not Article.objects.exists()
    preview.close()

    # Published, then read on the public page.
    page.select_option("#id_status", "published")
    save(page)
    article = Article.objects.get()
    assert article.head_image == library and article.status == Article.Status.PUBLISHED
    assert html_to_text(article.body).startswith("现场 开头要点中文输入。原文")
    page.goto(live_server.url + article.get_absolute_url())
    main = page.locator("main .body")
    assert main.locator("h2").inner_text() == "现场" and main.locator("strong").inner_text() == "要点"
    assert main.locator("a[href='https://example.com/原文']").inner_text() == "原文"
    assert main.locator("td").first.inner_text() == "单元格"
    figures = main.locator("figure")
    assert figures.locator("figcaption").all_inner_texts() == ["刚上传", "海边的早晨 来源：本报"]
    for img, width in zip(figures.locator("img").all(), ["1200", "1600"]):
        assert "640w" in img.get_attribute("srcset") and img.get_attribute("width") == width
        assert_loaded(img)
    head_image = page.locator("figure.head-image")
    assert head_image.locator("img").get_attribute("alt") == "海边" and "本报" in head_image.inner_text()
    shot(page, "story-public")
    assert page.errors == []
