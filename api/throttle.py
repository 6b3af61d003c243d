"""The rate limit of anonymous clients (``API_RATE_LIMIT``, e.g. "120/min"), one count per client address.

Counted where every process counts alike. The default cache is each process's
own memory, so with gunicorn's several workers and no Redis a count kept there
would allow each client the limit once per worker: the count is then in the
database, shared by every worker and server, one statement per request (an
upsert that returns the new count, exact when two workers count at once).
With Redis as the cache, the count is an atomic increment there instead, and
an API request writes nothing to the database. Windows are fixed: the count
starts again at the start of each period.
"""

import hashlib
import math
import random
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection

from .models import RequestCount

PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
PRUNE_CHANCE = 0.01  # of a window's first request: also delete the rows of windows that are over


def parse_rate(text):
    """``(requests, seconds)`` from "120/min"; None when empty or 0 (no limit)."""
    text = (text or "").strip()
    if not text or text == "0":
        return None
    count, _, period = text.partition("/")
    try:
        requests, seconds = int(count), PERIODS[period.strip().lower()]
    except (KeyError, ValueError):
        raise ValueError(f"API_RATE_LIMIT: {text!r} is not a rate like 120/min") from None
    return (requests, seconds) if requests > 0 else None


def client_address(request):
    """The client's address; behind a proxy (DJANGO_BEHIND_PROXY), the one the proxy appended last."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_PROXY and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _count_in_redis(cache, client, window, seconds):
    """The client's requests in the window, this one included: Redis increments atomically."""
    key = f"newsroom:api-rate:{client}:{window}"
    cache.add(key, 0, seconds + 1)  # the window's first request makes it; it expires with the window
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls: a new window
        cache.add(key, 1, seconds + 1)
        return 1


def _count_in_database(client, window):
    """The client's requests in the window, this one included, in one statement."""
    table, quote = RequestCount._meta.db_table, connection.ops.quote_name
    sql = f"""
        INSERT INTO {quote(table)} (client, window_start, hits) VALUES (%s, %s, 1)
        ON CONFLICT (client) DO UPDATE SET
            hits = CASE WHEN {quote(table)}.window_start = excluded.window_start
                   THEN {quote(table)}.hits + 1 ELSE 1 END,
            window_start = excluded.window_start
        RETURNING hits"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [client, window])
        return cursor.fetchone()[0]


def seconds_to_wait(request):
    """None while the client is within the limit, else how long until its window ends (for Retry-After)."""
    rate = parse_rate(settings.API_RATE_LIMIT)
    if rate is None:
        return None
    requests, seconds = rate
    now = time.time()
    window = int(now // seconds * seconds)
    client = hashlib.sha256(client_address(request).encode()).hexdigest()
    cache = caches["default"]
    if isinstance(cache, RedisCache):  # shared by every process
        hits = _count_in_redis(cache, client, window, seconds)
    else:
        hits = _count_in_database(client, window)
        if hits == 1 and random.random() < PRUNE_CHANCE:
            RequestCount.objects.filter(window_start__lt=window).delete()
    if hits <= requests:
        return None
    return max(1, math.ceil(window + seconds - now))
