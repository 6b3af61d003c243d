import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_cache(client):
    """/healthz answers 200 with the database and cache checked, quickly."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok" and body["cache"] == "ok" and body["status"] == "ok"
    assert len(queries) == 1
    assert body["ms"] < 10
    assert "no-cache" in response["Cache-Control"]


def test_healthz_fails_when_the_cache_is_down(client, settings):
    """A broken cache makes /healthz answer 503 and name the cache."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"].startswith("error")


def test_livez_answers_without_touching_the_database(client, django_assert_num_queries):
    """/livez says the process is up without any query."""
    with django_assert_num_queries(0):
        response = client.get("/livez")
    assert response.status_code == 200 and response.content == b"ok"
