"""Pages in a real browser: Debian's Chromium driven by Playwright (never a downloaded browser)."""

from pathlib import Path

import pytest

from articles.models import Category

from .factories import ArticleFactory

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_reader_goes_from_home_to_category_to_article(live_server, page):
    """A reader opens the home page, follows a section link and opens an article, with no errors."""
    section = Category.objects.create(name="新媒体")
    ArticleFactory(title="浏览器里的新闻", body="<p>正文内容。</p>", categories=[section])
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    shot(page, "home")
    page.get_by_role("link", name="新媒体").first.click()
    page.wait_for_url("**/category/**")
    shot(page, "category")
    page.get_by_role("link", name="浏览器里的新闻").click()
    assert page.locator("h1").inner_text() == "浏览器里的新闻"
    shot(page, "article")
    assert page.errors == []


def test_reader_searches_in_chinese_and_switches_to_english(live_server, page):
    """A two-character Chinese search finds and highlights the article; the English link switches the UI."""
    ArticleFactory(title="塔利班与美国达成协议", body="<p>多哈会谈的消息。</p>")
    ArticleFactory(title="无关的新闻", body="<p>别的内容。</p>")
    page.goto(live_server.url + "/")
    page.fill("#search-q", "塔利")
    page.press("#search-q", "Enter")
    page.wait_for_url("**/search/**")
    assert page.locator(".card").count() == 1
    assert page.locator(".card mark").first.inner_text() == "塔利"
    shot(page, "search")
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/search/**")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h2.page-title").inner_text() == "1 result for “塔利”"
    shot(page, "search-en")
    assert page.errors == []


def test_hostile_body_runs_no_script(live_server, page):
    """Script tags, event handlers and javascript: links from a post never run in the browser."""
    article = ArticleFactory(
        title="恶意正文",
        body=(
            '<p>文本</p><script>alert("script")</script>'
            '<img src="/nope.png" onerror="alert(\'onerror\')">'
            '<a id="js" href="javascript:alert(\'href\')">点我</a>'
            '<svg onload="alert(\'svg\')"></svg>'
        ),
    )
    page.goto(live_server.url + article.get_absolute_url())
    page.locator("#js, a:has-text('点我')").first.click()
    page.wait_for_timeout(300)
    assert not [e for e in page.errors if e.startswith("dialog")]


@pytest.mark.parametrize(
    ("path", "archive", "screenshot"), [("/", "归档", "home-375"), ("/en/", "Archive", "home-375-en")]
)
def test_section_links_fit_one_row_on_a_phone(live_server, page, path, archive, screenshot):
    """On a 375 px phone the section links are one row that scrolls sideways, not rows pushing the page down."""
    for name in ("新媒体", "国际新闻", "科技前沿", "财经", "体育", "娱乐八卦", "汽车", "房产家居", "健康"):
        Category.objects.create(name=name)
    ArticleFactory(title="手机上的新闻")
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(live_server.url + path)
    shot(page, screenshot)
    nav = page.locator(".site-nav")
    in_view = """n => [...n.querySelectorAll("a")].filter(a => {
        const box = n.getBoundingClientRect(), link = a.getBoundingClientRect();
        return link.left >= box.left - 1 && link.right <= box.right + 1;  // a pixel for rounding
    }).map(a => a.textContent)"""
    link_height = nav.locator("a").first.bounding_box()["height"]
    assert nav.bounding_box()["height"] < 1.5 * link_height  # one row
    assert page.locator(".site-header").bounding_box()["height"] < 4 * link_height
    assert len(nav.evaluate(in_view)) >= 3  # not squeezed beside the brand
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # the page itself does not scroll sideways
    nav.hover()
    page.mouse.wheel(1000, 0)  # the rest is a swipe away
    page.wait_for_function("() => (n => n.scrollLeft > 0 && n.scrollLeft + n.clientWidth >= n.scrollWidth - 1)"
                           "(document.querySelector('.site-nav'))")
    assert nav.evaluate(in_view)[-1] == archive
    assert page.errors == []
