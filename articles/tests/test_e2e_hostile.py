"""Hostile posts, imported and shown in a real browser, run no script anywhere."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOOK = """
window.__xss = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__xss.push(name + ":" + args.join(",")); };
}
"""

PAYLOAD = "\"'><script>alert('x')</script><img src=x onerror=alert('img')>"

HOSTILE_POST = f"""---
title: '标题{PAYLOAD.replace("'", "''")} 恶意'
author: '作者{PAYLOAD.replace("'", "''")}'
categories:
 - '分类{PAYLOAD.replace("'", "''")}'
tags: ['标签{PAYLOAD.replace("'", "''")}', 'javascript:alert(1)']
headimg: 'javascript:alert(1)'
thumbnail: 'https://img.example.com/a.jpg?"><script>alert(1)</script>'
date: 2024-05-01 10:00:00
---
<p>正文开始</p>
<script>alert('script')</script>
<img src="x" onerror="alert('onerror')">
<a href="javascript:alert('href')">js link</a>
<a href="JaVaScRiPt:alert('case')">case link</a>
<a href="java&#x09;script:alert('tab')">tab link</a>
<a href="javascript:123">digits link</a>
<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">data link</a>
<svg onload="alert('svg')"><script>alert('svg-script')</script></svg>
<iframe src="javascript:alert('iframe')"></iframe>
<div onmouseover="alert('hover')" style="background:url(javascript:alert('css'))">悬停</div>
<form action="javascript:alert('form')"><button>提交</button></form>
<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')></style></mglyph></table></mtext></math>
<noscript><p title="</noscript><img src=x onerror=alert('noscript')>"></p></noscript>
<details open ontoggle="alert('toggle')"><summary>s</summary></details>
<p>正文结束</p>
"""


@pytest.fixture
def hostile_article(tmp_path):
    (tmp_path / "hostile.md").write_text(HOSTILE_POST, encoding="utf-8")
    call_command("import_seeds", str(tmp_path), verbosity=0)
    return Article.objects.get()


def exercise(page, url):
    """Open ``url``, hover, focus and click every element, and return what ran."""
    page.goto(url)
    page.evaluate(
        """() => {
          for (const el of document.querySelectorAll('*')) {
            for (const type of ['mouseover', 'mouseenter', 'focus', 'click', 'toggle', 'animationstart']) {
              el.dispatchEvent(new Event(type, {bubbles: true, cancelable: true}));
            }
            if (el.focus) el.focus();
          }
        }"""
    )
    page.wait_for_timeout(200)
    scripted_links = page.evaluate(
        """() => [...document.querySelectorAll('[href],[src],[action],[formaction]')]
                 .map(el => el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('action')
                            || el.getAttribute('formaction'))
                 .filter(v => /^\\s*(javascript|data|vbscript):/i.test(v || ''))"""
    )
    return page.evaluate("window.__xss"), scripted_links


@pytest.mark.parametrize("csp", ["on", "off"])
def test_hostile_post_runs_nothing_on_any_page(live_server, page, hostile_article, settings, admin_user, csp):
    """Article, lists, search, tag, category, feed and admin pages show the hostile post without running it."""
    if csp == "off":
        settings.CONTENT_SECURITY_POLICY = None
    page.add_init_script(HOOK)
    page.on("dialog", lambda dialog: dialog.dismiss())
    article = hostile_article
    tag = article.tags.exclude(name__startswith="javascript").get()
    category = article.categories.get()
    urls = [
        article.get_absolute_url(),
        "/",
        "/en/",
        "/search/?q=恶意",
        reverse("articles:tag", kwargs={"slug": tag.slug}),
        category.get_absolute_url(),
        reverse("articles:author", kwargs={"name": article.author}),
        "/feeds/rss/",
        "/feeds/atom/",
    ]
    for url in urls:
        ran, links = exercise(page, live_server.url + url)
        assert ran == [] and links == [], f"{url}: ran {ran}, script links {links}"
    # The editor's view: the admin change page of the same article.
    page.context.add_cookies([_session_cookie(live_server, admin_user)])
    ran, links = exercise(page, live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    assert ran == [] and links == [], f"admin: ran {ran}, script links {links}"
    assert "正文结束" in page.content()


def _session_cookie(live_server, user):
    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"name": django_settings.SESSION_COOKIE_NAME, "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url}
