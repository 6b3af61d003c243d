"""Tests for articles.importing.parse: bytes of a post file to front matter and body."""

import datetime as dt
import io
import os
import time

import pytest
from PIL import Image as PILImage

from articles.importing.errors import PostError
from articles.importing.parse import parse

from .testdata import POSTS  # noqa: E402


def parse_file(name):
    path = POSTS / name
    return parse(str(path), path.read_bytes())


def parse_text(text, name="post.md"):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse(name, raw)


def refused(raw, name="post.md"):
    """The PostError message for ``raw``; fails the test if the file is accepted."""
    with pytest.raises(PostError) as info:
        parse(name, raw if isinstance(raw, bytes) else raw.encode("utf-8"))
    return str(info.value)


# --- YAML between --- -----------------------------------------------------


def test_utf8_bom_before_opening_marker_is_ignored():
    """A UTF-8 BOM before `---` (quirk-11) does not hide the front matter or leak into a key."""
    assert (POSTS / "quirk-11.md").read_bytes().startswith(b"\xef\xbb\xbf---")
    post = parse_file("quirk-11.md")
    assert post.format == "yaml"
    assert post.front_matter["title"] == "Educational Codeforces Round 47 (Rated for Div. 2)"
    assert post.front_matter["tags"] == ["Codeforces", "ACM", "C++", "C"]
    assert not any("\ufeff" in str(key) for key in post.front_matter)
    assert post.warnings == []


def test_crlf_line_ends_are_read_like_lf():
    """CRLF files (hugo-yaml-5) give clean values and a body without carriage returns."""
    assert b"\r\n" in (POSTS / "hugo-yaml-5.md").read_bytes()
    post = parse_file("hugo-yaml-5.md")
    assert post.front_matter["title"] == "使用Jekyll官方的ReadMore摘要功能"
    assert post.front_matter["url"] == "/2015/08/15/JekyllReadMore/"
    assert "\r" not in post.body
    assert "<!--more-->" in post.body


def test_leading_blank_line_before_front_matter():
    """The RSS pipeline's files start with an empty line before `---` (cnbeta-1); still read."""
    assert (POSTS / "cnbeta-1.md").read_bytes().startswith(b"\n---\n")
    post = parse_file("cnbeta-1.md")
    assert post.front_matter["title"] == "不到10%的Linux上的Firefox用户在运行Wayland"
    assert post.front_matter["categories"] == ["新媒体", "cnBeta", "最新"]
    assert post.front_matter["comments"] is False
    assert post.body.lstrip().startswith("<div>")


def test_bom_crlf_and_blank_lines_together():
    """BOM, CRLF and several blank lines before the front matter combine without trouble."""
    raw = b"\xef\xbb\xbf\r\n\r\n\r\n---\r\n" + "title: 标题".encode() + b"\r\n---\r\nline one\r\nline two\r\n"
    post = parse_text(raw)
    assert post.front_matter == {"title": "标题"}
    assert post.body == "line one\nline two\n"


def test_front_matter_without_body():
    """A file that is only front matter (quirk-1) gives an empty body, not an error."""
    post = parse_file("quirk-1.md")
    assert post.front_matter["title"] == "neural-style-et-gan"
    assert post.front_matter["tags"] is None
    assert post.body.strip() == ""


# --- TOML and JSON --------------------------------------------------------


def test_toml_between_plus_signs():
    """Hugo TOML front matter between `+++` (hugo-toml-1) is read as TOML."""
    post = parse_file("hugo-toml-1.md")
    assert post.format == "toml"
    assert post.front_matter["title"] == "Ego Driven Development"
    assert post.front_matter["Categories"] == ["Meta Game", "management"]
    assert post.front_matter["manager"] == "yes"
    assert post.body.lstrip().startswith("Ego Driven Development, (EDD)")
    assert post.warnings == []


def test_json_front_matter_after_blank_line():
    """A JSON object at the top (json-fm-1, after an empty line) is the front matter."""
    post = parse_file("json-fm-1.md")
    assert post.format == "json"
    assert post.front_matter["title"] == "Still Fixing Images"
    assert post.front_matter["tags"] == ["test"]
    assert post.front_matter["draft"] is False
    assert post.body.lstrip().startswith("Well I have been trouble shooting")


def test_json_front_matter_duplicate_key_last_wins():
    """json-fm-2 repeats `"image"`; the file is still read (the later value counts)."""
    post = parse_file("json-fm-2.md")
    assert post.front_matter["title"] == "Search Engine for Discord"
    assert post.front_matter["image"] == ""


def test_broken_json_front_matter_fails_with_reason():
    """A JSON front matter that is cut off fails saying it is not valid JSON."""
    message = refused('{"title": "x",\n"tags": [\n\nbody')
    assert "not valid JSON" in message


# --- quirks ---------------------------------------------------------------


def test_no_opening_marker_reads_up_to_closing_marker():
    """Hexo's form without the opening `---` (quirk-3) is read, with a warning."""
    post = parse_file("quirk-3.md")
    assert post.front_matter["title"] == "Python的with...as的用法"
    assert post.front_matter["tags"] == ["python", "转载"]
    assert post.front_matter["categories"] == "编程"
    assert post.body.startswith("这个语法是用来代替传统的try...finally语法的")
    assert any("no opening ---" in warning for warning in post.warnings)


def test_no_opening_marker_with_tab_after_colon():
    """quirk-4 (no opening `---`, a TAB after `categories:`) is read too."""
    post = parse_file("quirk-4.md")
    assert post.front_matter["categories"] == "读书笔记"
    assert post.front_matter["tags"] == "Android"


def test_toml_between_dashes_is_read_as_toml_with_warning():
    """TOML lines between `---` markers (quirk-14) are read as TOML, and a warning says so."""
    post = parse_file("quirk-14.md")
    fm = post.front_matter
    assert fm["title"] == "PSA - alert policies in Office 365 depend on audit logging"
    assert fm["date"] == dt.datetime(2024, 12, 27, 13, 18, 28, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert fm["draft"] is False
    assert any("TOML" in warning for warning in post.warnings)


def test_yaml_between_plus_signs_is_read_as_yaml_with_warning():
    """YAML lines between `+++` markers (quirk-16) are read as YAML, and a warning says so."""
    post = parse_file("quirk-16.md")
    assert post.front_matter["title"] == "Notes about JS"
    assert post.front_matter["draft"] is False
    assert "Let vs Var vs Const" in post.body
    assert any("YAML" in warning for warning in post.warnings)


def test_key_equals_value_line_in_yaml_is_read_with_warning():
    """One `draft = false` line inside YAML (quirk-15) is read as `draft: false`, with a warning naming the line."""
    post = parse_file("quirk-15.md")
    fm = post.front_matter
    assert fm["title"] == (
        "The Certificate Expiry Apocalypse: Why Manual TLS Management is a Security Anti-Pattern"
    )
    assert fm["draft"] is False
    assert fm["categories"] == ["Security Briefings"]
    warning = " ".join(post.warnings)
    assert "key = value" in warning
    assert "line 6" in warning


# --- encodings and non-text ------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"   \n\n\t\r\n"], ids=["zero-bytes", "whitespace"])
def test_empty_file_fails(raw):
    """An empty (or blank) file fails saying it is empty."""
    assert "empty" in refused(raw)


def test_binary_file_fails():
    """A PNG picture saved with a .md name fails saying it is binary, not text."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (16, 16), "red").save(buffer, "PNG")
    message = refused(buffer.getvalue(), name="photo.md")
    assert "binary" in message


def test_gb18030_file_is_decoded_with_warning():
    """A GBK/GB18030 file is decoded correctly, with a warning that it is not UTF-8."""
    text = "---\ntitle: 中文标题：编码测试\ntags: [新闻, 科技]\n---\n正文第一段，繁體字也行。\n"
    raw = text.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the case is real: these bytes are not UTF-8
    post = parse("gbk.md", raw)
    assert post.front_matter == {"title": "中文标题：编码测试", "tags": ["新闻", "科技"]}
    assert post.body == "正文第一段，繁體字也行。\n"
    assert any("GB18030" in warning for warning in post.warnings)


def test_undecodable_bytes_fail():
    """Bytes that are neither UTF-8 nor GB18030 fail, naming both encodings."""
    message = refused(b"---\ntitle: \xff\xfe\xff\n---\nbody\n")
    assert "UTF-8" in message
    assert "GB18030" in message


# --- broken or hostile front matter ----------------------------------------


def test_broken_yaml_fails_with_line():
    """Invalid YAML fails saying so and where."""
    message = refused("---\ntitle: ok\ntags: [one, two\ndate: 2020-01-01\n---\nbody\n")
    assert "not valid YAML" in message
    assert "line" in message


def test_opening_marker_never_closed():
    """A front matter opened with `---` and never closed fails saying so."""
    assert "never closed" in refused("---\ntitle: x\n\nbody without end\n")


def test_plain_text_without_front_matter():
    """A text file with no front matter at all fails saying there is none."""
    assert "no front matter" in refused("Just some notes.\n\nNothing else here.\n")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("---\n- one\n- two\n---\nbody\n", "list"),
        ("---\njust a sentence\n---\nbody\n", "str"),
        ("---\n42\n---\nbody\n", "int"),
        ("[1, 2]\nbody\n", None),
    ],
    ids=["yaml-list", "yaml-string", "yaml-number", "json-array"],
)
def test_front_matter_that_is_not_a_mapping_fails(text, kind):
    """Front matter must be keys and values; a list or a scalar fails saying so."""
    message = refused(text)
    if kind is None:  # not an object at the top: not recognised as front matter at all
        assert "front matter" in message
    else:
        assert "mapping" in message
        assert kind in message


def _billion_laughs(levels=9):
    lines = ['lol0: &lol0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * 9) + "]")
    return "---\ntitle: bomb\n" + "\n".join(lines) + "\n---\nbody\n"


def test_yaml_alias_bomb_is_refused_quickly():
    """A billion-laughs alias bomb is refused in well under a second, the message naming aliases."""
    start = time.monotonic()
    message = refused(_billion_laughs())
    assert time.monotonic() - start < 1.0
    assert "alias" in message.lower()


def test_yaml_compact_alias_bomb_is_refused():
    """The same bomb written in flow style without spaces (`[*a,*a]`) is refused too."""
    text = "---\ntitle: x\na: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
    previous = "a"
    for name in "bcdefgh":
        text += f"{name}: &{name} [{','.join(['*' + previous] * 9)}]\n"
        previous = name
    start = time.monotonic()
    message = refused(text + "---\nbody\n")
    assert time.monotonic() - start < 1.0
    assert "alias" in message.lower()


def test_python_object_tag_is_refused_and_not_run(monkeypatch):
    """`!!python/object/apply:os.system` is refused as unsupported YAML and never executed."""
    calls = []
    monkeypatch.setattr(os, "system", lambda command: calls.append(command) or 0)
    message = refused("---\ntitle: x\nrun: !!python/object/apply:os.system ['touch /tmp/pwned']\n---\nbody\n")
    assert calls == []
    assert "unsupported YAML" in message
    assert "python/object/apply" in message


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: x\ndeep: " + "[" * 30 + "]" * 30 + "\n---\nbody\n",
        "+++\ntitle = 'x'\ndeep = " + "[" * 30 + "]" * 30 + "\n+++\nbody\n",
        '{"title": "x", "deep": ' + "[" * 30 + "]" * 30 + "}\nbody\n",
        "---\ntitle: x\ndeep:\n" + "".join("  " * i + f"k{i}:\n" for i in range(40)) + "---\nbody\n",
    ],
    ids=["yaml-flow", "toml", "json", "yaml-block"],
)
def test_deep_nesting_is_refused(text):
    """Front matter nested dozens of levels deep is refused, the message saying it is nested too deeply."""
    message = refused(text)
    assert "nested" in message


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: x\ndeep: " + "[" * 5000 + "]" * 5000 + "\n---\nbody\n",
        "+++\ntitle = 'x'\ndeep = " + "[" * 5000 + "]" * 5000 + "\n+++\nbody\n",
        '{"title": "x", "deep": ' + "[" * 5000 + "]" * 5000 + "}\nbody\n",
    ],
    ids=["yaml", "toml", "json"],
)
def test_extreme_nesting_fails_cleanly(text):
    """Thousands of nesting levels fail as a PostError about depth, not a crash."""
    message = refused(text)
    assert "nest" in message or "depth" in message


def test_oversized_front_matter_is_refused():
    """A front matter over the size limit is refused saying it is too large."""
    text = "---\ntitle: x\n" + "".join(f"key{i}: {'v' * 60}\n" for i in range(2000)) + "---\nbody\n"
    message = refused(text)
    assert "KB" in message
