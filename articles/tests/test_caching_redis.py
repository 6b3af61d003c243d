import os

import pytest
from django.core.cache import cache

from .factories import ArticleFactory

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"no Redis at {REDIS_URL}: .ci/run must start one")
        pytest.skip(f"no Redis at {REDIS_URL}")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    cache.clear()
    yield cache
    cache.clear()


def test_page_cache_in_redis_serves_and_invalidates(client, redis_cache, django_assert_num_queries):
    """With Redis as the cache, a page is served from it and a published change shows at once."""
    article = ArticleFactory(title="第一版标题")
    assert "第一版标题" in client.get("/").content.decode()
    with django_assert_num_queries(0):
        assert "第一版标题" in client.get("/").content.decode()
    article.title = "第二版标题"
    article.save()
    assert "第二版标题" in client.get("/").content.decode()
