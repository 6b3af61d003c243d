"""Pages are valid HTML5 and errors are friendly."""

import html5lib
import pytest
from django.views.defaults import server_error

from articles.models import Category

from .factories import ArticleFactory, ImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    category = Category.objects.create(name="新媒体")
    image = ImageFactory()
    article = ArticleFactory(
        title="有效的 HTML", tags=["标签"], categories=[category], head_image=image, thumbnail=image,
        body="<p>正文 <a href='https://example.com'>链接</a></p><table><tr><td>1</td></tr></table>",
    )
    return {"article": article, "category": category}


@pytest.mark.parametrize(
    "url",
    ["/", "/en/", "{article}", "{category}", "/tags/标签/", "/search/?q=HTML", "/archive/", "/sources/cnBeta/",
     "/no-such-page/"],
)
def test_pages_are_valid_html5(client, site, url):
    """Each page parses without a single HTML5 parse error."""
    url = url.format(article=site["article"].get_absolute_url(), category=site["category"].get_absolute_url())
    response = client.get(url)
    parser = html5lib.HTMLParser(strict=False)
    parser.parse(response.content.decode())
    assert parser.errors == [], parser.errors[:3]


def test_server_error_page_is_friendly_and_bilingual(rf):
    """The 500 page is a styled page in Chinese and English, without a traceback."""
    response = server_error(rf.get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错了" in page and "Something went wrong" in page and "site.css" in page
    assert "Traceback" not in page
