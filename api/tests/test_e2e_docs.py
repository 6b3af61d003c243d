"""The API's docs in a real browser, under the site's Content-Security-Policy."""

from urllib.parse import urlsplit

import pytest

from articles.tests.factories import ArticleFactory
from articles.tests.test_e2e import shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_docs_render_and_try_a_request_with_nothing_from_elsewhere(live_server, page):
    """Swagger UI shows every endpoint and runs "Try it out" with no CSP violation and no request off the site."""
    ArticleFactory(title="文档里的新闻")
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/articles" in [p.strip() for p in paths] and len(paths) == 7
    page.locator(".opblock-summary-path", has_text="/api/v1/categories").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    shot(page, "api-docs")
    assert hosts == {urlsplit(live_server.url).netloc}
    assert page.errors == []
