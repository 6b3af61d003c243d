import re

import pytest

from articles import sanitize
from articles.sanitize import clean_html, parses_as_written, url_scheme


@pytest.mark.parametrize(
    "html",
    [
        "<p>段落</p>",
        "<h2>标题</h2>",
        "<ul><li>一</li></ul>",
        "<ol start=\"3\"><li>三</li></ol>",
        "<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>",
        "<blockquote><p>引用</p></blockquote>",
        "<pre><code>if (a &amp;&amp; b) {}</code></pre>",
        "<figure><figcaption>说明</figcaption></figure>",
    ],
)
def test_structure_survives(html):
    """Paragraphs, headings, lists, tables, quotes, code and figures are kept as written."""
    assert clean_html(html) == html


def test_image_keeps_its_attributes_and_becomes_lazy_and_referrer_free():
    """Body images keep src/alt/size and get loading=lazy and referrerpolicy=no-referrer."""
    out = clean_html('<img src="https://a.cn/x.jpg" alt="图" width="10" height="5" class="big" data-x="1">')
    assert 'src="https://a.cn/x.jpg"' in out and 'alt="图"' in out and 'width="10"' in out
    assert 'loading="lazy"' in out and 'referrerpolicy="no-referrer"' in out
    assert "class" not in out and "data-x" not in out


def test_external_links_get_a_safe_rel():
    """Links to other sites carry rel=noopener noreferrer nofollow; relative links do not."""
    out = clean_html('<a href="https://example.com" target="_blank">外链</a><a href="/about">内链</a>')
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">外链</a>' in out
    assert '<a href="/about">内链</a>' in out
    assert "target" not in out


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        "<style>p{color:red}</style>",
        '<iframe src="https://evil.example"></iframe>',
        '<object data="x"></object><embed src="x">',
        "<svg><script>alert(1)</script></svg>",
        '<form action="x"><input name="a"><button>提交</button></form>',
        "<math><mi>x</mi></math>",
    ],
)
def test_active_content_is_removed_with_its_content(html):
    """Scripts, styles, frames, plugins, SVG, MathML and forms vanish entirely, text included."""
    assert clean_html(f"<div>前{html}后</div>") == "<div>前后</div>"


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "javascript:123",
        "JaVaScRiPt:alert(1)",
        "java&#x09;script:alert(1)",
        " javascript:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
    ],
)
def test_dangerous_url_schemes_are_dropped(href):
    """javascript:, data: and other schemes lose their href/src, whatever their spelling."""
    out = clean_html(f'<a href="{href}">x</a><img src="{href}">')
    assert "href" not in out and "src" not in out


def test_event_handlers_and_inline_styles_are_removed():
    """on* attributes and style attributes never survive."""
    out = clean_html('<p style="color:red" onmouseover="alert(1)">文字</p>')
    assert out == "<p>文字</p>"


def test_unknown_tags_are_unwrapped_keeping_their_text():
    """Unknown or legacy tags go but their text stays."""
    assert clean_html('<p><font color="red">红字</font><custom-el>自定义</custom-el></p>') == "<p>红字自定义</p>"


def test_text_that_looks_like_markup_stays_text():
    """Raw < and & in text are escaped, not lost."""
    out = clean_html("<p>1 <= Node.val <= 100 && 设置 -> 帮助</p>")
    assert out == "<p>1 &lt;= Node.val &lt;= 100 &amp;&amp; 设置 -&gt; 帮助</p>"


def test_comments_and_empty_spacers_are_removed():
    """HTML comments and empty spacer paragraphs are dropped."""
    assert clean_html("<p>a</p><!-- x --><p>\u00a0</p><div>  </div>") == "<p>a</p>"


@pytest.mark.parametrize(
    "html",
    [
        '<p onclick="x">a<a href="http://e.com">b</a><img src="http://e.com/i.png"></p>',
        "<ul><li>1<li>2</ul><p>x<p>y",
        '<a href="javascript:1">j</a><script>s</script><font>f</font>',
    ],
)
def test_sanitizing_twice_changes_nothing(html):
    """clean_html is idempotent: cleaning stored HTML again gives the same HTML."""
    once = clean_html(html)
    assert clean_html(once) == once


@pytest.mark.parametrize(
    "html",
    [
        "<p>a</p><p>b &amp; c &lt;d&gt;</p>",
        '<ol reversed start="3"><li>a<ul><li>b</li></ul></li></ol>',
        '<table><tbody><tr><td colspan="2">x</td></tr></tbody></table>',
        '<p>链接 <a href="https://a.cn/?x=1&amp;y=2" title="say &quot;hi&quot;">a</a><br>&nbsp;</p>',
        '<figure><img src="https://a.cn/1.jpg" alt=""><figcaption>图</figcaption></figure>',
    ],
)
def test_markup_that_parses_as_written_is_recognised(html):
    """Markup whose every element, attribute and text a browser builds just as written passes the check."""
    assert parses_as_written(html)


@pytest.mark.parametrize(
    "html",
    [
        "<p>a<p>b",  # an end tag the parser adds
        "<h2>a<h3>b</h3></h2>",  # a heading the parser closes before the next
        '<a href="https://a.cn/">a<a href="https://b.cn/">b</a></a>',  # a link the parser takes out of another
        "<table><tr><td>x</td></tr></table>",  # a <tbody> the parser adds
        "<table><td>x</td>y</table>",  # text the parser moves out of the table
        "<p>a<div>b</div></p>",  # a paragraph the parser closes, and one it adds
        "<pre>\nx</pre>",  # a first newline the parser drops
        "<p>a</p><!-- b -->",  # not written the serializer's way: a comment
        "<p title=a>x</p>",  # nor an unquoted attribute
        '<noscript><noscript></noscript><img src="x"></noscript>',  # elements outside the policy: a browser
        "<textarea>&lt;/textarea&gt;&lt;img src=x&gt;</textarea>",  # with scripting on parses these otherwise
        "</p>",
    ],
)
def test_markup_a_parser_would_change_is_not_recognised(html):
    """Markup a browser would build differently from what it says fails the check."""
    assert not parses_as_written(html)


@pytest.mark.parametrize(
    "html",
    [
        "<pre>\n\n<img src=x onerror=alert(1)></pre>",  # the parser drops the first newline of a <pre>
        "<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style></style></h1>",  # a heading in a heading
    ],
)
def test_markup_the_parser_rebuilds_is_stored_the_way_a_browser_builds_it(html):
    """Where the first cleaning leaves markup a browser rebuilds, it is cleaned again until it parses as written."""
    once = sanitize._clean_once(html)
    out = clean_html(html)
    assert not parses_as_written(once) and out != once
    assert parses_as_written(out) and clean_html(out) == out


def test_a_body_nested_thousands_deep_is_checked_without_running_out_of_stack():
    """Deep nesting does not break the check (it walks the tree without recursion)."""
    html = "<blockquote>" * 3000 + "x" + "</blockquote>" * 3000
    assert parses_as_written(html)


def test_url_scheme_normalizes_like_a_browser():
    """Control characters, whitespace, entities and case do not hide a scheme."""
    assert url_scheme("\x01 J&#x41;vA\tscript:alert(1)") == "javascript"
    assert url_scheme("/relative/path") == ""


@pytest.mark.parametrize(
    ("html", "levels"),
    [
        ("<h1>一</h1><p>正文</p><h2>二</h2><h3>三</h3>", ["h2", "h3", "h4"]),  # Markdown's "# heading"
        ("<h3>小节</h3><p>正文</p><h3>小节</h3>", ["h2", "h2"]),  # the seed's h3 right under the title
        ("<h2>一</h2><h4>跳级</h4><h2>二</h2><h6>再跳</h6>", ["h2", "h3", "h2", "h3"]),
        ("<h2>一</h2><h3>二</h3><h2>三</h2>", ["h2", "h3", "h2"]),  # already in order: kept
    ],
)
def test_body_headings_sit_in_order_under_the_title(html, levels):
    """Body headings start at <h2> (the title is the page's only <h1>) and never skip a level."""
    out = clean_html(html)
    assert re.findall(r"<(h\d)>", out) == levels
    assert re.findall(r"</(h\d)>", out) == levels  # each heading closes as it opens
    assert clean_html(out) == out


def test_a_figure_caption_becomes_its_pictures_alt_text():
    """A picture in a figure without alt text gets the figcaption, or the figure's own text beside it."""
    with_caption = clean_html('<figure><img src="https://a.cn/1.jpg"><figcaption> 抵达 多哈 </figcaption></figure>')
    assert 'alt="抵达 多哈"' in with_caption and "<figcaption> 抵达 多哈 </figcaption>" in with_caption
    beside = clean_html('<figure class="wp-caption"><img src="https://a.cn/2.jpg">撤离的人抵达多哈 (路透社)</figure>')
    assert 'alt="撤离的人抵达多哈 (路透社)"' in beside


def test_alt_text_already_given_is_kept_and_a_picture_without_any_gets_an_empty_one():
    """An author's alt text wins over the caption; a picture with neither gets alt="" (and no invented text)."""
    assert 'alt="作者写的"' in clean_html('<figure><img src="https://a.cn/1.jpg" alt="作者写的"><figcaption>说明</figcaption></figure>')
    assert 'alt=""' in clean_html('<p><img src="https://a.cn/3.jpg"></p>')


def test_a_link_with_nothing_inside_is_dropped():
    """A share button's link whose icon was removed shows nothing to readers: it goes, the text around it stays."""
    assert clean_html('<p>前<a href="https://service.weibo.com/share"><i class="icon"></i></a>后</p>') == "<p>前后</p>"
    assert clean_html('<p><a href="https://a.cn/"> </a></p>') == ""
    kept = clean_html('<p><a href="https://a.cn/"><img src="https://a.cn/1.jpg"></a></p>')
    assert 'href="https://a.cn/"' in kept  # a picture is something inside


@pytest.mark.parametrize(
    "html",
    [
        """<a href="https://a.cn/" title='say "hi" &amp; bye'>链接</a>""",
        '<figure><img src="https://a.cn/1.jpg"><figcaption>他说“好”，"真的" &amp; 然后</figcaption></figure>',
    ],
)
def test_a_quote_and_an_ampersand_in_one_attribute_keep_the_markup(html):
    """An attribute holding both a quote and an entity settles in one clean: the body keeps its markup."""
    out = clean_html(html)
    assert out.startswith(("<a ", "<figure>")) and clean_html(out) == out
    assert "&amp;amp;" not in out
