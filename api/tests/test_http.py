"""The API as HTTP: CORS for chosen origins, the rate limit, JSON errors for everything."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import RequestCount
from api.throttle import parse_rate
from articles.tests.factories import ArticleFactory
from articles.tests.test_caching_redis import REDIS_URL, redis_cache  # noqa: F401 - a fixture

from .conftest import error_of

pytestmark = pytest.mark.django_db
LIST = "/api/v1/articles"


@pytest.fixture
def origins(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]


def test_an_allowed_origin_may_read_the_api(client, origins):
    """A listed origin gets Access-Control-Allow-Origin back, and can read the ETag."""
    response = client.get(LIST, HTTP_ORIGIN="https://app.example.com")
    assert response["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "ETag" in response["Access-Control-Expose-Headers"] and "origin" in response["Vary"].lower()


def test_another_origin_gets_no_cors_headers(client, origins):
    """An origin that is not listed gets the answer without CORS headers: its browser keeps it from the script."""
    response = client.get(LIST, HTTP_ORIGIN="https://evil.example.net")
    assert response.status_code == 200 and not response.has_header("Access-Control-Allow-Origin")


def test_no_origin_is_allowed_by_default(client):
    """API_CORS_ORIGINS empty (the default): no origin is allowed."""
    response = client.get(LIST, HTTP_ORIGIN="https://app.example.com")
    assert not response.has_header("Access-Control-Allow-Origin")


def test_an_answer_without_origin_still_varies_by_origin(client, origins):
    """A request with no Origin gets no CORS headers, but Vary: origin, so that no shared cache hands that
    answer to a browser's cross-origin request."""
    response = client.get(LIST)
    assert not response.has_header("Access-Control-Allow-Origin") and "origin" in response["Vary"].lower()
    assert "origin" not in client.get("/", HTTP_ORIGIN="https://app.example.com").get("Vary", "").lower()


def test_cors_is_only_for_the_api(client, origins):
    """Pages, the admin and feeds never answer CORS, even to a listed origin."""
    assert not client.get("/", HTTP_ORIGIN="https://app.example.com").has_header("Access-Control-Allow-Origin")


def test_a_preflight_allows_get_with_a_token(client, origins):
    """A browser asking whether it may send Authorization with a GET is told yes, and only GET."""
    response = client.options(LIST, HTTP_ORIGIN="https://app.example.com", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
                              HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "authorization" in response["Access-Control-Allow-Headers"]
    assert [m.strip() for m in response["Access-Control-Allow-Methods"].split(",")] == ["GET", "OPTIONS"]


def test_too_many_requests_are_a_429_with_retry_after(client, settings):
    """Past API_RATE_LIMIT an address gets 429 JSON and how many seconds to wait."""
    settings.API_RATE_LIMIT = "3/min"
    for _ in range(3):
        assert client.get(LIST).status_code == 200
    response = client.get("/api/v1/tags")  # one count per address, whichever endpoint
    assert error_of(response, 429)["code"] == "too_many_requests"
    assert 1 <= int(response["Retry-After"]) <= 60 and "no-store" in response["Cache-Control"]


def test_the_limit_is_per_address(client, settings):
    """Another client address has a count of its own."""
    settings.API_RATE_LIMIT = "1/min"
    assert client.get(LIST).status_code == 200
    assert client.get(LIST).status_code == 429
    assert client.get(LIST, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, settings):
    """With DJANGO_BEHIND_PROXY the last X-Forwarded-For address counts: a client cannot pick its own."""
    settings.API_RATE_LIMIT, settings.BEHIND_PROXY = "1/min", True
    assert client.get(LIST, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 200
    assert client.get(LIST, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9").status_code == 429
    assert client.get(LIST, HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 200


def test_the_count_is_shared_through_the_database(client, settings):
    """The count lives in the database, not in this process: what other workers counted is seen here."""
    settings.API_RATE_LIMIT = "5/min"
    client.get(LIST)
    RequestCount.objects.update(hits=5)  # four requests served by other workers
    assert client.get(LIST).status_code == 429


def test_with_redis_the_count_is_kept_there_and_shared(client, settings, redis_cache):
    """With Redis as the cache, a request writes no count to the database, and what other processes
    counted in Redis is seen here."""
    import redis

    settings.API_RATE_LIMIT = "5/min"
    assert client.get(LIST).status_code == 200
    assert RequestCount.objects.count() == 0
    shared = redis.Redis.from_url(REDIS_URL)
    (key,) = shared.keys("*newsroom:api-rate:*")
    shared.incrby(key, 4)  # four requests served by other workers
    response = client.get(LIST)
    assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 60


def test_staff_tokens_are_not_rate_limited(client, settings, bearer):
    """Token requests are not counted: the admin decides who has one."""
    settings.API_RATE_LIMIT = "1/min"
    for _ in range(3):
        assert client.get(LIST, **bearer).status_code == 200
    assert RequestCount.objects.count() == 0


def test_refused_tokens_count_against_the_address(client, settings):
    """Guessing keys is rate-limited like anonymous reading."""
    settings.API_RATE_LIMIT = "2/min"
    for _ in range(2):
        assert client.get(LIST, HTTP_AUTHORIZATION="Bearer guess").status_code == 401
    assert client.get(LIST, HTTP_AUTHORIZATION="Bearer guess").status_code == 429


def test_no_limit_no_count(client, settings):
    """API_RATE_LIMIT empty or 0 turns the limit off, and with it its query."""
    settings.API_RATE_LIMIT = "0"
    ArticleFactory()
    client.get(LIST)
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST)
    assert len(queries) == 0


@pytest.mark.parametrize("text, rate", [("120/min", (120, 60)), ("10/s", (10, 1)), ("1000/hour", (1000, 3600)),
                                        ("5/day", (5, 86400)), ("", None), ("0", None)])
def test_rates_are_read_as_written(text, rate):
    """The rate's forms: count/s, /min, /hour, /day; empty or 0 for none."""
    assert parse_rate(text) == rate


def test_a_mistyped_rate_says_what_is_wrong():
    """A rate that cannot be read is an error naming the setting, not a silent default."""
    with pytest.raises(ValueError, match="API_RATE_LIMIT"):
        parse_rate("120 per minute")


def test_an_unknown_address_is_a_json_404(client):
    """An address under /api/ that is no endpoint answers the API's 404, not the site's page."""
    assert error_of(client.get("/api/v1/nothing-here"), 404)["code"] == "not_found"
    assert error_of(client.get("/api/v2/articles"), 404)["code"] == "not_found"


def test_an_unknown_article_is_a_json_404(client):
    """An id no article has: 404 in the API's error shape."""
    assert error_of(client.get(f"{LIST}/987654"), 404) == {"code": "not_found", "message": "Not found.", "field": None}


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_writing_is_a_json_405_naming_get(client, method):
    """The API is read-only: other methods answer 405 in JSON with Allow: GET."""
    response = getattr(client, method)(LIST)
    assert error_of(response, 405)["code"] == "method_not_allowed" and response["Allow"] == "GET"


def test_a_bad_filter_names_its_field_and_reason(client):
    """A 400 says which parameter and why."""
    assert error_of(client.get(LIST, {"limit": "500"}), 400) == {
        "code": "invalid", "message": "Input should be less than or equal to 100", "field": "limit"}


def test_answers_are_utf8_json_in_one_language(client):
    """Chinese is sent as itself, and a client's Accept-Language changes no address in the answer."""
    ArticleFactory(title="中文标题")
    english = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en")
    assert "中文标题".encode() in english.content and "/en/" not in english.content.decode()
    assert english.content == client.get(LIST, HTTP_ACCEPT_LANGUAGE="zh-hans").content
