"""Comparing two states of an article: a readable diff of each field that changed."""

import pytest
from django.utils import translation

from articles.tests.factories import ArticleFactory, CategoryFactory, ImageFactory
from editorial import compare
from editorial.compare import EMPTY, changes, snapshot_of_article, tokens


@pytest.fixture(autouse=True)
def in_chinese():
    with translation.override("zh-hans"):
        yield


def snapshot(**values):
    return {**EMPTY, **values}


def change(old, new, field):
    (row,) = [row for row in changes(old, new) if row.name == field]
    return str(row.html)


def test_changing_one_chinese_character_marks_only_that_character():
    """Chinese is compared character by character: one changed character is the whole change."""
    html = change(snapshot(title="第一句第二句"), snapshot(title="第一句第三句"), "title")
    assert html == "第一句第<del>二</del><ins>三</ins>句"


def test_latin_script_is_compared_by_words():
    """A changed English word is marked whole, the words around it and the spaces kept."""
    html = change(snapshot(title="Apple ships a new phone"), snapshot(title="Apple ships a new tablet"), "title")
    assert html == "Apple ships a new <del>phone</del><ins>tablet</ins>"


def test_tokens_are_cjk_characters_words_spaces_and_punctuation():
    """Mixed text is cut into CJK characters, words, runs of spaces and single marks, losing nothing."""
    text = "苹果发布iPhone 15，售价 5999 元。テスト 한국"
    found = tokens(text)
    assert "".join(found) == text
    assert found[:6] == ["苹", "果", "发", "布", "iPhone", " "]
    assert "，" in found and "テ" in found and "한" in found and "5999" in found


def test_the_body_is_compared_as_text_never_as_html():
    """No tag of either body shows in the body's diff: only the text, paragraph by paragraph."""
    old = snapshot(body='<p>第一段。</p><p class="x">第二段<strong>加粗</strong>。</p>')
    new = snapshot(body='<p>第一段。</p><p class="x">第二段<em>改了</em>。</p><figure><img src="a.jpg"></figure>')
    html = change(old, new, "body")
    assert "<p" not in html and "strong" not in html and "img" not in html and "&lt;" not in html
    assert html == "第一段。\n第二段<del>加粗</del><ins>改了</ins>。"


def test_a_body_whose_text_is_unchanged_says_only_its_markup_differs():
    """A change of formatting or pictures alone is still a change of the body, said in words."""
    html = change(snapshot(body="<p>同一段。</p>"), snapshot(body="<p><strong>同一段。</strong></p>"), "body")
    assert "compare-note" in html and "<strong" not in html


def test_long_unchanged_text_is_cut_to_its_ends_beside_the_change():
    """Unchanged stretches far from any change are elided, so a long body shows its changes."""
    long = "长" * 500
    html = change(snapshot(body=f"<p>{long}旧{long}</p>"), snapshot(body=f"<p>{long}新{long}</p>"), "body")
    assert html.count("长") == 2 * compare.CONTEXT and "<del>旧</del><ins>新</ins>" in html


def test_categories_and_tags_added_and_removed_are_listed():
    """Lists show each item added as inserted and each removed as deleted, unchanged ones not at all."""
    old = snapshot(categories=["新闻 › 国内", "科技"], tags=["苹果", "手机"])
    new = snapshot(categories=["科技", "新闻 › 国际"], tags=["手机", "平板"])
    categories, tags = change(old, new, "categories"), change(old, new, "tags")
    assert "<ins>新闻 › 国际</ins>" in categories and "<del>新闻 › 国内</del>" in categories
    assert "科技" not in categories
    assert "<ins>平板</ins>" in tags and "<del>苹果</del>" in tags and "手机" not in tags


def test_everything_from_the_snapshots_is_escaped():
    """A title, tag or image label holding markup shows as text, never as markup."""
    evil = "<script>alert(1)</script>"
    rows = changes(snapshot(title="标题"), snapshot(title=f"标题{evil}", tags=[evil], head_image=evil))
    html = "".join(str(row.html) for row in rows)
    assert "<script>" not in html and html.count("&lt;script&gt;") == 3


def test_status_is_shown_by_its_label_and_unchanged_fields_not_at_all():
    """Only the fields that differ get a row; a status shows its translated label, under the field's label."""
    rows = changes(snapshot(title="同", status="draft"), snapshot(title="同", status="published"))
    assert [(row.name, str(row.label), str(row.html)) for row in rows] == [
        ("status", "状态", "<del>草稿</del> → <ins>已发布</ins>")
    ]


def test_the_same_article_has_no_changes(db):
    """An article's snapshot compared with itself gives no rows."""
    image = ImageFactory(alt_text="封面")
    article = ArticleFactory(categories=[CategoryFactory()], tags=["一", "二"], head_image=image)
    assert changes(snapshot_of_article(article), snapshot_of_article(article)) == []
    assert snapshot_of_article(article)["head_image"] == "封面"
    assert set(snapshot_of_article(article)) == set(compare.FIELDS)


def test_a_revision_names_what_was_deleted_since(db):
    """A revision's deleted category and picture show by id as deleted; its deleted tag keeps its name."""
    from reversion.models import Version
    from taggit.models import Tag

    from editorial import revisions

    category, image = CategoryFactory(name="旧分类"), ImageFactory()
    article = ArticleFactory(categories=[category], tags=["旧标签"], head_image=image)
    revisions.record([article], "保存")
    category_id, image_id = category.pk, image.pk
    category.delete()
    image.delete()
    Tag.objects.filter(name="旧标签").delete()
    kept = compare.snapshot_of_version(Version.objects.get_for_object(article).get())
    assert kept["categories"] == [compare.deleted(category_id)] and f"#{category_id}" in kept["categories"][0]
    assert kept["head_image"] == compare.deleted(image_id)
    assert kept["tags"] == ["旧标签"]
