"""The OpenAPI document and the interactive docs, served from this site alone."""

import json
import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_openapi_document_describes_every_endpoint(client):
    """/api/v1/openapi.json is OpenAPI 3 JSON with each path, the filters and the token scheme."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/articles", "/api/v1/articles/{id}", "/api/v1/articles/by-slug/{slug}",
        "/api/v1/categories", "/api/v1/tags", "/api/v1/sources", "/api/v1/authors",
    }
    listing = schema["paths"]["/api/v1/articles"]["get"]
    parameters = {p["name"] for p in listing["parameters"]}
    assert parameters == {"category", "tag", "source", "author", "language", "published_after", "published_before",
                          "q", "status", "cursor", "limit"}
    limit = next(p for p in listing["parameters"] if p["name"] == "limit")["schema"]
    assert (limit["maximum"], limit["default"]) == (100, 20)
    assert {"200", "400", "429"} <= set(listing["responses"])
    assert schema["components"]["securitySchemes"]["staffToken"] == {"type": "http", "scheme": "bearer"}
    assert "body" not in schema["components"]["schemas"]["ArticleSummary"]["properties"]
    assert "body" in schema["components"]["schemas"]["Article"]["properties"]


def test_the_docs_page_uses_only_this_sites_static_files(client):
    """/api/v1/docs loads Swagger UI from /static/ (shipped inside django-ninja), no CDN, no inline script."""
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert assets and all(url.startswith("/static/") for url in assets), assets
    assert all(finders.find(url.removeprefix("/static/")) for url in assets)  # each is really there
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs, _ in scripts)  # data, not code
    assert '"validatorUrl": null' in html  # Swagger UI would fetch a badge from elsewhere


def test_the_csp_lets_the_docs_run_from_this_site(client):
    """The site's Content-Security-Policy (django-csp) allows scripts and styles from itself: enough for the docs."""
    policy = client.get("/api/v1/docs")["Content-Security-Policy"]
    directives = dict((part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == ["'self'"] and "'self'" in directives["style-src"]
    assert "'self'" in directives["connect-src"]  # the docs fetch openapi.json and try requests
