"""Tests for articles.importing.normalize: a parsed post to the values of an article."""

import datetime as dt
import shutil
import zoneinfo

import pytest

from articles.importing.errors import PostError
from articles.importing.normalize import normalize, parse_date
from articles.importing.parse import parse
from articles.models import Article, Category
from articles.text import html_to_text

from .testdata import POSTS  # noqa: E402
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
UTC = dt.timezone.utc
MTIME = dt.datetime(2023, 4, 5, 6, 7, 8, tzinfo=UTC).timestamp()


@pytest.fixture(autouse=True)
def site_zone(settings):
    settings.TIME_ZONE = "Asia/Shanghai"


def post_from(text, name="post.md", mtime=MTIME, body_format="auto"):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return normalize(parse(name, raw), body_format=body_format, mtime=mtime)


def post_file(name, mtime=MTIME, body_format="auto"):
    path = POSTS / name
    return normalize(parse(str(path), path.read_bytes()), body_format=body_format, mtime=mtime)


def fm(lines, body="Body text.\n"):
    """A YAML post with the given front matter lines (a title is added when missing)."""
    if not any(line.startswith("title:") for line in lines):
        lines = ["title: A post", *lines]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def failure(text, **kwargs):
    with pytest.raises(PostError) as info:
        post_from(text, **kwargs)
    return str(info.value)


# --- dates ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Wed, 01 Sep 2021 12:45:38 GMT", dt.datetime(2021, 9, 1, 12, 45, 38, tzinfo=UTC)),
        ("Mon, 07 Feb 2022 09:05:00 +0800", dt.datetime(2022, 2, 7, 1, 5, tzinfo=UTC)),
        ("2021-09-01T20:45:38+08:00", dt.datetime(2021, 9, 1, 12, 45, 38, tzinfo=UTC)),
        ("2012-10-26 18:10:11+00:00", dt.datetime(2012, 10, 26, 18, 10, 11, tzinfo=UTC)),
        ("2020-08-11T12:41:05-05:00", dt.datetime(2020, 8, 11, 17, 41, 5, tzinfo=UTC)),
        ("2021-03-13T22:21:11Z", dt.datetime(2021, 3, 13, 22, 21, 11, tzinfo=UTC)),
        ("2022-12-11 15:51:48", dt.datetime(2022, 12, 11, 15, 51, 48, tzinfo=SHANGHAI)),
        ("2012-10-12", dt.datetime(2012, 10, 12, tzinfo=SHANGHAI)),
        ("2012-02-02 18:10", dt.datetime(2012, 2, 2, 18, 10, tzinfo=SHANGHAI)),
        ("2019/01/08 18:00:00", dt.datetime(2019, 1, 8, 18, 0, tzinfo=SHANGHAI)),
        ("2018-05-22T9:48:00", dt.datetime(2018, 5, 22, 9, 48, tzinfo=SHANGHAI)),
        ("15/06/2016", dt.datetime(2016, 6, 15, tzinfo=SHANGHAI)),
        (
            "Fri Nov 16 2018 16:51:24 GMT+0800 (中国标准时间)",
            dt.datetime(2018, 11, 16, 8, 51, 24, tzinfo=UTC),
        ),
    ],
)
def test_parse_date_forms(value, expected):
    """Each date form found in real front matter gives the right moment (zone-less ones in the site zone)."""
    result = parse_date(value)
    assert result is not None
    assert result.tzinfo is not None
    assert result == expected


@pytest.mark.parametrize(
    "value", ["Invalid Date", "", "   ", "not a date", "2020-13-45", "32/13/2020", None, True, [2020]]
)
def test_parse_date_unreadable_is_none(value):
    """Unreadable values such as `Invalid Date` give None instead of a wrong date."""
    assert parse_date(value) is None


def test_parse_date_uses_the_site_time_zone(settings):
    """A date without a zone is read in the site time zone (settings.TIME_ZONE)."""
    assert parse_date("2022-12-11 15:51:48") == dt.datetime(2022, 12, 11, 7, 51, 48, tzinfo=UTC)
    settings.TIME_ZONE = "UTC"
    assert parse_date("2022-12-11 15:51:48") == dt.datetime(2022, 12, 11, 15, 51, 48, tzinfo=UTC)


def test_parse_date_yaml_objects():
    """Dates that YAML already turned into datetime/date objects are made aware in the site zone."""
    assert parse_date(dt.datetime(2022, 12, 11, 15, 51, 48)) == dt.datetime(2022, 12, 11, 15, 51, 48, tzinfo=SHANGHAI)
    assert parse_date(dt.date(2015, 8, 15)) == dt.datetime(2015, 8, 15, tzinfo=SHANGHAI)
    aware = dt.datetime(2012, 10, 26, 18, 10, 11, tzinfo=UTC)
    assert parse_date(aware) == aware


def test_parse_date_rfc2822_minus_zero_zone_is_utc():
    """`-0000` in an RFC 2822 date is UTC (zone of origin unknown), not the site zone."""
    assert parse_date("Wed, 01 Sep 2021 12:45:38 -0000") == dt.datetime(2021, 9, 1, 12, 45, 38, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cnbeta-1.md", dt.datetime(2022, 2, 7, 9, 5, tzinfo=UTC)),
        ("mind42-1.md", dt.datetime(2022, 3, 4, 5, 8, 54, tzinfo=SHANGHAI)),
        ("hexo-md-1.md", dt.datetime(2019, 1, 8, 18, 0, tzinfo=SHANGHAI)),
        ("jekyll-1.md", dt.datetime(2012, 10, 26, 18, 10, 11, tzinfo=UTC)),
        ("hugo-toml-1.md", dt.datetime(2012, 10, 12, tzinfo=SHANGHAI)),
        ("hugo-yaml-5.md", dt.datetime(2015, 8, 15, tzinfo=SHANGHAI)),
        ("quirk-9.md", dt.datetime(2018, 5, 22, 9, 48, tzinfo=SHANGHAI)),
        ("quirk-10.md", dt.datetime(2016, 6, 15, tzinfo=SHANGHAI)),
        ("quirk-12.md", dt.datetime(2018, 11, 16, 16, 51, 24, tzinfo=SHANGHAI)),
        ("quirk-14.md", dt.datetime(2024, 12, 27, 18, 18, 28, tzinfo=UTC)),
    ],
)
def test_published_at_of_real_posts(name, expected):
    """The publication date of real posts is read from their front matter, without a fallback warning."""
    post = post_file(name)
    assert post.published_at == expected
    assert not any(warning.startswith("date:") for warning in post.warnings)


def test_updated_date_is_read():
    """`updated:` becomes the article's update time (hexo-md-1)."""
    post = post_file("hexo-md-1.md")
    assert post.updated_at == dt.datetime(2019, 2, 13, 20, 51, tzinfo=SHANGHAI)


def test_updated_before_published_is_raised_to_published():
    """An update time before the publication time is raised to the publication time."""
    post = post_from(fm(["date: 2020-05-05 10:00:00", "updated: 2019-01-01 00:00:00"]))
    assert post.updated_at == post.published_at == dt.datetime(2020, 5, 5, 10, tzinfo=SHANGHAI)


def test_unreadable_updated_is_ignored_with_warning():
    """An unreadable `updated:` is ignored with a warning; the publication date is used instead."""
    post = post_from(fm(["date: 2020-05-05 10:00:00", "updated: someday"]))
    assert post.updated_at == post.published_at
    assert any(w.startswith("updated:") and "someday" in w for w in post.warnings)


def test_missing_date_falls_back_to_file_name(tmp_path):
    """Without `date:`, the date in a Jekyll-style file name is used, with a warning naming that rule."""
    post = post_from(fm([]), name=str(tmp_path / "2012-10-26-centos-timezone-setting.md"))
    assert post.published_at == dt.datetime(2012, 10, 26, tzinfo=SHANGHAI)
    assert any("date: missing" in w and "file name" in w for w in post.warnings)


def test_invalid_date_falls_back_to_file_name():
    """`date: Invalid Date` also falls back to the file-name date, the warning quoting the bad value."""
    post = post_from(fm(["date: Invalid Date"]), name="2011-09-25-note.md")
    assert post.published_at == dt.datetime(2011, 9, 25, tzinfo=SHANGHAI)
    assert any("Invalid Date" in w and "file name" in w for w in post.warnings)


def test_missing_date_falls_back_to_modification_time():
    """Without a date anywhere, the file's modification time is used, with a warning naming that rule."""
    post = post_from(fm([]), name="notes.md", mtime=MTIME)
    assert post.published_at == dt.datetime.fromtimestamp(MTIME, tz=UTC)
    assert any("date: missing" in w and "modification time" in w for w in post.warnings)


def test_invalid_date_in_real_post_falls_back_to_modification_time(tmp_path):
    """`date: Invalid Date` in a real post (jinse-1) falls back to the file's modification time."""
    post = post_file("jinse-1.md", mtime=MTIME)
    assert post.published_at == dt.datetime.fromtimestamp(MTIME, tz=UTC)
    assert any("Invalid Date" in w and "modification time" in w for w in post.warnings)


def test_impossible_file_name_date_falls_back_to_modification_time():
    """A file name with an impossible date (2012-13-45) is not used; the modification time is."""
    post = post_from(fm([]), name="2012-13-45-post.md", mtime=MTIME)
    assert post.published_at == dt.datetime.fromtimestamp(MTIME, tz=UTC)


def test_date_out_of_range_fails():
    """A date far outside any publishing range (year 1) fails, naming the date field."""
    message = failure(fm(["date: 0001-01-01"]))
    assert message.startswith("date:")
    assert "range" in message


# --- categories and tags ----------------------------------------------------


def test_categories_list_is_one_hierarchy():
    """A list of categories is one path from the root (cnbeta-1: 新媒体 > cnBeta > 最新)."""
    assert post_file("cnbeta-1.md").categories == [["新媒体", "cnBeta", "最新"]]


def test_categories_list_of_lists_is_several():
    """A list of one-item lists is several categories (hexo-md-9)."""
    assert post_file("hexo-md-9.md").categories == [["ACM"], ["2022寒假每日一题"], ["Python"]]


def test_categories_string_is_one_category():
    """A plain string is one category (hexo-md-6: `categories: Journal`)."""
    assert post_file("hexo-md-6.md").categories == [["Journal"]]


def test_categories_mixed_list():
    """Names and lists mixed: the names form one hierarchy, each inner list another."""
    post = post_from(fm(["categories:", "  - 编程", "  - Python", "  - [读书, 笔记]"]))
    assert post.categories == [["编程", "Python"], ["读书", "笔记"]]


def test_category_singular_and_capitalised_keys():
    """`category:` (quirk-10) and capitalised `Categories:` are read as categories."""
    assert post_file("quirk-10.md").categories == [["Conference"]]
    assert post_from(fm(["Categories: [Tech]"])).categories == [["Tech"]]


def test_empty_categories_are_dropped():
    """Empty or null category entries are left out."""
    assert post_from(fm(["categories:", "  -", "  - ''", "  - News"])).categories == [["News"]]
    assert post_from(fm(["categories:"])).categories == []


def test_category_mapping_fails():
    """A mapping where category names are expected fails, naming categories."""
    assert failure(fm(["categories:", "  main: News"])).startswith("categories:")


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["tags:", "  - JavaScript", "  - 数组"], ["JavaScript", "数组"]),
        (["tags: [python, 转载]"], ["python", "转载"]),
        (["tags: vue"], ["vue"]),
        (["tags: 'linux, centos,timezone'"], ["linux", "centos", "timezone"]),
        (["tags: 新闻，科技，互联网"], ["新闻", "科技", "互联网"]),
        (["tags: 新闻、科技"], ["新闻", "科技"]),
        (["tags: algorithms programming dp"], ["algorithms", "programming", "dp"]),
        (["tags: [Vue, vue, VUE, React]"], ["Vue", "React"]),
        (["tags: [2019, 42]"], ["2019", "42"]),
        (["tags:"], []),
        (["tags: []"], []),
    ],
    ids=[
        "list", "flow-list", "one-word", "comma", "chinese-comma", "enumeration-comma",
        "spaces", "duplicates", "numbers", "null", "empty",
    ],
)
def test_tags_forms(lines, expected):
    """Tags given as a list, a comma string (also Chinese commas) or a space-separated string."""
    assert post_from(fm(lines)).tags == expected


def test_tags_space_string_in_real_post():
    """jekyll-6's `tags: algorithms programming dp` gives three tags."""
    assert post_file("jekyll-6.md").tags == ["algorithms", "programming", "dp"]


def test_nested_tags_fail():
    """A nested list of tags fails, naming tags."""
    assert failure(fm(["tags:", "  - [a, b]"])).startswith("tags:")


# --- required and limited text ---------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [["date: 2020-01-01"], ["title: ''", "date: 2020-01-01"], ["title: '   '"], ["title:"]],
    ids=["missing", "empty", "blank", "null"],
)
def test_missing_or_empty_title_fails(lines):
    """A post without a usable title fails, the message naming the title."""
    text = "---\n" + "\n".join(lines) + "\n---\nbody\n"
    assert "title" in failure(text)


def test_title_that_is_a_list_fails():
    """A title that is a list fails, naming the title."""
    assert "title" in failure("---\ntitle: [a, b]\n---\nbody\n")


def _limit(model, name):
    return model._meta.get_field(name).max_length


@pytest.mark.parametrize(
    ("key", "limit", "label"),
    [
        ("title", _limit(Article, "title"), "title"),
        ("author", _limit(Article, "author"), "author"),
        ("tags", 100, "tag"),  # django-taggit's Tag.name
        ("categories", _limit(Category, "name"), "category"),
    ],
)
def test_over_long_field_fails_naming_the_field(key, limit, label):
    """Text longer than its database column fails naming the field; exactly at the limit is accepted."""
    at_limit = "字" * limit
    title = [] if key == "title" else ["title: ok"]
    accepted = post_from("---\n" + "\n".join([*title, f"{key}: {at_limit}"]) + "\n---\nbody\n")
    assert accepted.title
    message = failure("---\n" + "\n".join([*title, f"{key}: {at_limit}x"]) + "\n---\nbody\n")
    assert message.startswith(f"{label}:")
    assert str(limit + 1) in message


def test_over_long_source_link_names_the_link_field():
    """An over-long `link:` (original article URL) fails naming the link, not an image."""
    message = failure(fm(["link: https://example.com/" + "a" * 2100]))
    assert "image" not in message
    assert "link" in message or "source" in message


# --- images ---------------------------------------------------------------


URL = "https://img.example.com/cover.jpg"


@pytest.mark.parametrize(
    "lines",
    [
        [f"headimg: '{URL}'"],
        [f"cover: {URL}"],
        [f"banner_img: {URL}"],
        [f"image: {URL}"],
        [f"cover_image: {URL}"],
        [f"featured_image: {URL}"],
        ["image:", f"  feature: {URL}", "  credit: someone"],
        ["image:", f"  url: {URL}"],
    ],
    ids=["headimg", "cover", "banner_img", "image", "cover_image", "featured_image", "image-feature", "image-url"],
)
def test_head_image_keys(lines):
    """Each head-image key gives the head image, also used as thumbnail when none is given."""
    post = post_from(fm(lines))
    assert post.head_image_url == URL
    assert post.thumbnail_url == URL


@pytest.mark.parametrize("key", ["thumbnail", "index_img"])
def test_thumbnail_keys(key):
    """A thumbnail key alone gives the thumbnail, also used as head image."""
    post = post_from(fm([f"{key}: {URL}"]))
    assert post.thumbnail_url == URL
    assert post.head_image_url == URL


def test_head_image_and_thumbnail_kept_apart():
    """Distinct head image and thumbnail stay distinct (headimg + thumbnail, banner_img + index_img)."""
    post = post_from(fm(["headimg: https://a.example/head.jpg", "thumbnail: https://a.example/thumb.jpg"]))
    assert (post.head_image_url, post.thumbnail_url) == ("https://a.example/head.jpg", "https://a.example/thumb.jpg")
    post = post_from(fm(["index_img: https://a.example/index.jpg", "banner_img: https://a.example/banner.jpg"]))
    assert (post.head_image_url, post.thumbnail_url) == ("https://a.example/banner.jpg", "https://a.example/index.jpg")


def test_real_post_images():
    """cnbeta-1's headimg/thumbnail URLs become the head image and thumbnail."""
    post = post_file("cnbeta-1.md")
    assert post.head_image_url == "https://static.cnbetacdn.com/article/2022/02/2fa5696520b8adb.jpg"
    assert post.thumbnail_url == post.head_image_url


@pytest.mark.parametrize(
    "lines",
    [
        ["image: /img/post-bg-2015.jpg"],
        ["cover: ../images/cover/css.png"],
        ["image:", "  feature: abstract-3.jpg"],
        ["thumbnail: ftp://example.com/a.jpg"],
    ],
    ids=["absolute-path", "relative", "nested-relative", "ftp"],
)
def test_relative_image_is_left_out_with_warning(lines):
    """An image that is not an absolute http(s) URL is left out, with a warning quoting it."""
    post = post_from(fm(lines))
    assert post.head_image_url == post.thumbnail_url == ""
    value = lines[-1].split(": ", 1)[1]
    assert any(value in w and "left out" in w for w in post.warnings)


def test_relative_image_in_real_post_is_left_out():
    """quirk-9's `image: "/img/post-bg-2015.jpg"` is left out with a warning."""
    post = post_file("quirk-9.md")
    assert post.head_image_url == ""
    assert any("/img/post-bg-2015.jpg" in w for w in post.warnings)


# --- excerpt ---------------------------------------------------------------


def test_description_is_the_excerpt():
    """`description:` becomes the excerpt as written."""
    post = post_from(fm(["description: 'Ice is better than water at cooling you down.'"], body="Other text.\n"))
    assert post.excerpt == "Ice is better than water at cooling you down."


def test_long_description_is_shortened():
    """A long description is shortened, to a beginning of itself."""
    description = "这是一句很长的描述，用来测试摘要的截断。" * 40
    post = post_from(fm([f"description: {description}"]))
    assert len(post.excerpt) < len(description)
    assert description.startswith(post.excerpt.rstrip("…"))


def test_more_marker_excerpt():
    """The text above `<!--more-->` is the excerpt, without markup (hexo-md-3)."""
    post = post_file("hexo-md-3.md")
    assert post.excerpt == (
        "今天使用for...in方法的时候发现枚举到了意料之外的prototype内的方法，发现是没有正确为数组原型对象添加方法，在此记录。"
    )


def test_custom_excerpt_separator():
    """`excerpt_separator:` replaces `<!-- more -->` as the excerpt marker."""
    post = post_from(fm(["excerpt_separator: <!--cut-->"], body="First part here.\n\n<!--cut-->\n\nSecond part.\n"))
    assert post.excerpt == "First part here."


def test_auto_excerpt_is_plain_text_cut_at_sentence_end():
    """Without description or marker, the excerpt is the body's start as plain text, cut at a sentence end."""
    sentences = [f"这是第{i}句**重要**的新闻内容，包含一些细节。" for i in range(60)]
    post = post_from(fm([], body="\n\n".join(sentences) + "\n"))
    body_text = html_to_text(post.body)
    assert "<" not in post.excerpt and "*" not in post.excerpt
    assert post.excerpt.endswith("。")
    assert body_text.startswith(post.excerpt)
    assert 0 < len(post.excerpt) <= 300 < len(body_text)


def test_auto_excerpt_of_html_body_has_no_tags():
    """The excerpt of an HTML body (cnbeta-1) has no tags and begins the article text."""
    post = post_file("cnbeta-1.md")
    assert "<" not in post.excerpt and ">" not in post.excerpt
    assert post.excerpt.startswith("由于Mozilla的Telemetry功能")
    assert len(post.excerpt) < len(html_to_text(post.body))


# --- flags, slug, language -------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "draft"),
    [
        ([], False),
        (["draft: true"], True),
        (["draft: false"], False),
        (["draft: 'yes'"], True),
        (["published: false"], True),
        (["published: true"], False),
    ],
)
def test_draft_flags(lines, draft):
    """`draft: true` or `published: false` make a draft; otherwise not."""
    assert post_from(fm(lines)).draft is draft


def test_draft_flags_in_real_posts():
    """hugo-toml-3 (`draft = true`) and quirk-10 (`published: false`) are drafts; cnbeta-1 is not."""
    assert post_file("hugo-toml-3.md").draft is True
    assert post_file("quirk-10.md").draft is True
    assert post_file("cnbeta-1.md").draft is False


@pytest.mark.parametrize(("lines", "enabled"), [([], True), (["comments: false"], False), (["comments: true"], True)])
def test_comments_flag(lines, enabled):
    """`comments: false` turns comments off; they are on by default."""
    assert post_from(fm(lines)).comments_enabled is enabled


@pytest.mark.parametrize(
    ("lines", "slug"),
    [
        (["title: x", "slug: centos-timezone-setting"], "centos-timezone-setting"),
        (["title: Hello", "permalink: /posts/6/"], "hello"),  # a bare number says nothing: the title
        (["title: Hello", "permalink: /2021/7/6/"], "hello"),
        (["title: x", "permalink: /news/7/6/some-story/"], "some-story"),
        (["title: x", "permalink: /2019/01/hello-world.html"], "hello-world"),
        (["title: x", "url: /2015/08/15/JekyllReadMore/"], "jekyllreadmore"),
        (["title: Vue 生命周期"], "vue-生命周期"),
    ],
)
def test_slug_from_slug_permalink_or_title(lines, slug):
    """The slug comes from `slug:`, else the last part of `permalink:`/`url:` unless a number, else the title."""
    assert post_from(fm(lines)).slug == slug


@pytest.mark.parametrize(("lines", "lang"), [(["lang: zh-CN"], "zh-CN"), (["language: ja"], "ja"), ([], "")])
def test_language(lines, lang):
    """`lang:` or `language:` gives the article language."""
    assert post_from(fm(lines)).language == lang


def test_source_name_from_rss_author():
    """For the RSS posts the author (the source name, also a category) becomes the source."""
    assert post_file("cnbeta-1.md").source_name == "cnBeta"
    assert post_file("jekyll-1.md").source_name == ""
    assert post_file("jekyll-1.md").author == "levin"
    assert post_from(fm(["source: 新华社", "author: 张三"])).source_name == "新华社"


def test_source_link():
    """`link:` gives the original URL when it is http(s)."""
    assert post_file("json-fm-2.md").source_url == "https://www.matispore.com/"
    assert post_from(fm(["link: javascript:alert(1)"])).source_url == ""


# --- source key -------------------------------------------------------------


def test_source_key_stable_when_file_moves(tmp_path):
    """The same file in another folder gives the same source key."""
    first = tmp_path / "a" / "cnbeta-1.md"
    second = tmp_path / "elsewhere" / "deeper" / "renamed.md"
    for target in (first, second):
        target.parent.mkdir(parents=True)
        shutil.copy(POSTS / "cnbeta-1.md", target)
    keys = {normalize(parse(str(p), p.read_bytes()), mtime=MTIME).source_key for p in (first, second)}
    assert len(keys) == 1


def test_source_key_stable_when_body_changes():
    """Editing only the body keeps the source key, so the article is updated, not duplicated."""
    before = post_from(fm(["date: 2020-01-01", "categories: [a, b]"], body="Old body.\n"))
    after = post_from(fm(["date: 2020-01-01", "categories: [a, b]"], body="New body.\n"))
    assert before.source_key == after.source_key
    assert before.content_hash != after.content_hash


def test_source_key_differs_between_posts():
    """Different posts without ids get different source keys."""
    names = ("cnbeta-1.md", "jandan-2.md", "woshipm-1.md", "jinse-1.md", "jinse-8.md")
    keys = {post_file(name).source_key for name in names}
    assert len(keys) == 5


@pytest.mark.parametrize("key", ["slug", "permalink", "id", "abbrlink"])
def test_source_key_uses_explicit_identity(key):
    """With an id, slug or permalink, that identifies the post even when the title changes."""
    one = post_from(fm(["title: First title", f"{key}: same-post"]))
    renamed = post_from(fm(["title: Fixed title", f"{key}: same-post"]))
    other = post_from(fm(["title: First title", f"{key}: other-post"]))
    assert one.source_key == renamed.source_key
    assert one.source_key != other.source_key
    assert "same-post" in one.source_key


# --- body ---------------------------------------------------------------------


def test_markdown_body_is_rendered():
    """A Markdown body is rendered to HTML (`# Title` becomes a heading under the article's own `<h1>`)."""
    post = post_from(fm([], body="# Title\n\nSome *emphasis* and a [link](https://example.com).\n"))
    assert "<h2>Title</h2>" in post.body
    assert "<em>emphasis</em>" in post.body
    assert 'href="https://example.com"' in post.body


def test_html_body_is_kept():
    """An HTML body (the RSS posts) is kept as HTML, not escaped or re-rendered."""
    post = post_file("leetcode-1.md")
    assert "<p>Given the <code>head</code> of a singly linked list" in post.body
    assert "&lt;p&gt;" not in post.body


def test_html_file_extension_means_html():
    """A `.html` file's body is HTML: Markdown syntax in it is not rendered."""
    post = post_from(fm([], body="# not a heading\n"), name="page.html")
    assert "<h1>" not in post.body
    assert "# not a heading" in post.body


@pytest.mark.parametrize(
    ("body_format", "heading"),
    [("html", False), ("markdown", True)],
)
def test_body_format_override(body_format, heading):
    """`--body-format` forces how the body is read, whatever it looks like."""
    body = "<div>intro</div>\n\n# Heading\n"
    post = post_from(fm([], body=body), body_format=body_format)
    assert ("<h2>Heading</h2>" in post.body) is heading


def test_body_format_changes_content_hash():
    """Importing the same file with another body format counts as a change."""
    text = fm([], body="# Heading\n")
    assert post_from(text, body_format="html").content_hash != post_from(text, body_format="markdown").content_hash


def test_markdown_body_starting_with_more_marker_is_rendered():
    """hexo-md-6 (Markdown, `<!--more-->` at the top) has its `## 20260306` heading rendered."""
    post = post_file("hexo-md-6.md")
    assert "<h2>20260306</h2>" in post.body
    assert "## 20260306" not in post.body


def test_body_is_sanitized():
    """Scripts and control characters (quirk-12 has U+0008) never reach the stored body."""
    post = post_from(fm([], body="Text<script>alert(1)</script> more.\n"))
    assert "<script" not in post.body and "alert(1)" not in post.body
    assert "\x08" in (POSTS / "quirk-12.md").read_text(encoding="utf-8")
    assert "\x08" not in post_file("quirk-12.md").body


@pytest.mark.parametrize(
    ("text", "author"),
    [
        (fm(['author: ["Suraj Yadav"]']), "Suraj Yadav"),  # Hugo and Jekyll write a list
        (fm(["authors:", "  - 王五", "  - Jane Doe"]), "王五, Jane Doe"),
        (fm(["authors:", "  - name: 赵六"]), "赵六"),  # a list of mappings with a name
        (fm(['author: ["Yadav, Suraj"]']), "Yadav Suraj"),  # one listed name stays one author
        ('+++\ntitle = "T"\nauthor = ["Suraj Yadav", "Li Lei"]\n+++\nBody.\n', "Suraj Yadav, Li Lei"),
        (fm(["author: 36kr"]), "36kr"),
    ],
)
def test_author_may_be_a_list(text, author):
    """`author`/`authors` may list several names: all are kept, in order, joined for the article."""
    post = post_from(text)
    assert post.author == author
    assert Article(author=post.author).authors == author.split(", ")


def test_only_the_modification_time_makes_a_date_estimated():
    """A date from the file's modification time is marked estimated; one from front matter or file name is not."""
    assert post_from(fm([]), name="notes.md").date_estimated
    assert post_from(fm(["date: Invalid Date"]), name="notes.md").date_estimated
    assert not post_from(fm([]), name="2012-10-26-notes.md").date_estimated
    assert not post_from(fm(["date: 2022-12-11 15:51:48"])).date_estimated


def test_an_excerpt_from_the_file_is_kept_and_one_made_from_the_body_follows_it():
    """`description:` or the text above `<!-- more -->` are the author's; the body's first lines are derived."""
    assert not post_from(fm(["description: 作者写的摘要"])).excerpt_from_body
    assert not post_from(fm([], body="Intro.\n\n<!-- more -->\n\nRest.\n")).excerpt_from_body
    assert post_from(fm([], body="Just a body.\n")).excerpt_from_body


def test_pictures_without_alt_text_are_listed_in_the_warnings():
    """A body picture with neither alt text nor a caption is named in the import's warnings."""
    post = post_from(fm([], body='<p><img src="https://a.cn/1.jpg"></p>\n'
                                 '<figure><img src="https://a.cn/2.jpg"><figcaption>有说明</figcaption></figure>\n'))
    assert 'alt="有说明"' in post.body
    assert any("1 picture(s) in the body have no alt text" in w for w in post.warnings)
