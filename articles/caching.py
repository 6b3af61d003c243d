"""Whole-page caching for readers, invalidated by any content change.

Every change to an article, category, image or tag bumps one "content
version" in the cache; page keys include it, so a published change shows at
once. A scheduled article going live moves the version too: the first request
after its time does it (see ``_current_state``), so it appears on time
without any change being saved, and nothing else expires on a timer.

Below the page cache, fragments and query results are kept the same way (see
``remember``). What is kept under a version never changes, so each process
also keeps its own copy of what it has read (``_recent``): reading the shared
cache (Redis, a lock and a pickle even in local memory) is dearer than
building most fragments. Only the version itself is read from the shared
store, once per request, so a change saved by any process shows in all of
them at once.

The version must be one for every process that serves or changes content:
it lives in Redis when that is the cache (several servers), else in a file
that every process of the machine reads (``VersionFile``): gunicorn's
workers, an import or a shell run beside them. Local memory holds only what
is kept under a version, which is safe however many processes there are.
"""

import contextvars
import functools
import hashlib
import os
import time
import zlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

VERSION_KEY = "newsroom:content-version"
CACHE_SECONDS = 300  # the shared cache's copies; each process keeps its own while the version holds


class VersionFile:
    """The content version in a file, for the processes of one machine when there is no Redis.

    Overwritten in place with a checksum (renaming a new file into place made
    ext4 flush it: 2 ms a save), so a reader that catches a write half done
    sees the mismatch and reads again. Reading costs about as much as a local
    cache hit (an open and a read of a few bytes).
    """

    def __init__(self, path):
        self.path = os.fspath(path)

    def get(self):
        for _ in range(3):
            try:
                with open(self.path, "rb") as file:
                    value, _, check = file.read(64).partition(b" ")
            except FileNotFoundError:
                return None
            if check.rstrip() == b"%08x" % zlib.crc32(value):
                return float(value)
        return None  # never seen: a version is made anew, as for a missing file

    def set(self, version):
        value = b"%020.6f" % version  # one width for every version: nothing is left of a longer one
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o664)
        try:
            os.pwrite(descriptor, b"%s %08x\n" % (value, zlib.crc32(value)), 0)
        finally:
            os.close(descriptor)


@functools.cache
def _version_file(path):
    return VersionFile(path)


def _version_store():
    path = settings.NEWSROOM_VERSION_FILE
    return _version_file(path) if path else None


_version_read = True  # whether this process read the version since it last moved it (see bump_content_version)


def content_version():
    global _version_read
    _version_read = True
    store = _version_store()
    if store is not None:
        version = store.get()
        if version is None:
            store.set(time.time())
            version = store.get()
        return version
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time(), None)
        version = cache.get(VERSION_KEY, time.time())
    return version


# Set while a reader's page is built (see serve_cached): one request, one state of the content.
_pinned = contextvars.ContextVar("newsroom_freshness", default=None)


_due_box = (None, None)  # (content version, when its first scheduled article goes live, or 0)


def _next_due(version):
    """When the first article due after ``version`` was set goes live (a timestamp, or 0).

    Read once per version and process: a save that schedules an article moves
    the version. Counted from the version's own time, not from now, so that a
    process asking late still finds an article that went live in between.
    """
    global _due_box
    box = _due_box
    if box[0] != version:
        from .models import Article  # models use this module (cached_reverse)

        def first_due():
            return Article.objects.next_publication(after=version) or 0

        box = _due_box = (version, cache.get_or_set(f"newsroom:next-due:{version}", first_due, CACHE_SECONDS))
    return box[1]


def _current_state():
    version = content_version()
    if 0 < _next_due(version) <= time.time():  # a scheduled article is live now: its lists changed
        _bump()
        version = content_version()
    return version


def freshness():
    """The content version: what every cached thing depends on."""
    return _pinned.get() or _current_state()


def fresh_key(prefix, *parts, state=None):
    """A cache key for ``parts`` that changes with the content version."""
    identity = ":".join(map(str, (state or freshness(), *parts)))
    return prefix + hashlib.sha1(identity.encode()).hexdigest()


_RECENT_MAX = 1_000  # entries: a card is ~1.5 kB, an article or a whole page tens of kB (at most ~50 MB)
_recent_box = (None, {})  # (state, its values): one object, so a thread never gets another state's dict


def _recent(state):
    """This process's copies of values kept under ``state``; forgotten when the state moves."""
    global _recent_box
    box = _recent_box
    if box[0] != state or len(box[1]) >= _RECENT_MAX:
        box = _recent_box = (state, {})
    return box[1]


def remember(prefix, *parts, compute):
    """``compute()``, kept until content changes (a save, or a scheduled article going live).

    The value is shared between requests and processes: treat it as read-only.
    """
    state = freshness()
    recent = _recent(state)
    if (prefix, parts) not in recent:
        recent[prefix, parts] = cache.get_or_set(fresh_key(prefix, *parts, state=state), compute, CACHE_SECONDS)
    return recent[prefix, parts]


def remember_many(prefix, keys, *, compute):
    """``remember`` for several values at once: ``{key: value}`` for ``keys`` (tuples of parts), with
    ``compute(missing_keys)`` giving ``{key: value}`` for those no process has kept, in one call, so
    that a list of twenty articles not yet kept costs one query, not twenty."""
    state = freshness()
    recent = _recent(state)
    found = {key: recent[prefix, key] for key in keys if (prefix, key) in recent}
    wanted = {fresh_key(prefix, *key, state=state): key for key in keys if key not in found}
    if wanted:
        shared = cache.get_many(list(wanted))
        found.update({wanted[cache_key]: value for cache_key, value in shared.items()})
        missing = [key for cache_key, key in wanted.items() if cache_key not in shared]
        if missing:
            made = compute(missing)
            cache.set_many({fresh_key(prefix, *key, state=state): made[key] for key in missing}, CACHE_SECONDS)
            found.update(made)
        for key in wanted.values():
            recent[prefix, key] = found[key]
    return found


def _bump():
    global _version_read
    _version_read = False
    store = _version_store()
    if store is not None:
        store.set(time.time())
    else:
        cache.set(VERSION_KEY, time.time(), None)


def bump_content_version(**kwargs):
    """Signal receiver: content changed, so every cached page is out of date.

    The version moves when the change commits, once per transaction (an
    imported post saves a dozen rows): until then other processes cannot see
    the change, and a reader served before the commit would otherwise keep the
    old rows cached under the new version. It also moves at once when this
    process has read it since it last moved it, so that this process's own
    readers see the change inside the transaction too.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _bump()
        return
    if _version_read:
        _bump()
    if not any(func is _bump for _ids, func, _robust in connection.run_on_commit):
        transaction.on_commit(_bump)


def serve_cached(request, respond, *, personal=None, max_age=60, vary=("Cookie",)):
    """``respond()``'s response, from the page cache when the reader is anonymous.

    Adds ETag and Last-Modified and answers conditional GETs with 304. The
    page is built and rendered from one reading of the content version: its
    fragments all agree, and the shared cache is asked for the version once.
    ``personal(request)`` tells a request whose answer is its own and is not
    cached (by default: a signed-in editor's, who gets previews and fresh
    pages); the read API passes its own rule, max-age and ``Vary``.
    """
    token = _pinned.set(_current_state())
    try:
        response = _serve_cached(request, respond, personal or signed_in, max_age)
    finally:
        _pinned.reset(token)
    patch_vary_headers(response, vary)
    return response


def _rendered(response):
    if hasattr(response, "render"):
        response.render()
    return response


def signed_in(request):
    """Whether an editor is signed in. Without a session cookie nobody is: readers'
    requests need not load a session to know it."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated


def _serve_cached(request, respond, personal, max_age):
    if not settings.NEWSROOM_PAGE_CACHE or request.method not in ("GET", "HEAD") or personal(request):
        return _rendered(respond())
    state = freshness()
    address = (request.scheme, request.get_host(), request.path, request.META.get("QUERY_STRING", ""))
    key = fresh_key("newsroom:page:", get_language(), *address, state=state)  # pages carry absolute links
    etag, last_modified = f'"{key.rsplit(":", 1)[1]}"', int(state)
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        not_modified["ETag"] = etag  # a 304 says what a 200 would of the stored copy (RFC 9110, 15.4.5)
        patch_cache_control(not_modified, public=True, max_age=max_age)
        return not_modified
    # Kept as (body, headers), here and in the shared cache: every reader gets a response of their own.
    recent = _recent(state)
    stored = recent.get(key) or cache.get(key)
    if stored is None:
        response = _rendered(respond())
        if response.status_code != 200:
            return response
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        patch_cache_control(response, public=True, max_age=max_age)
        stored = (response.content, dict(response.items()))
        cache.set(key, stored, CACHE_SECONDS)
    recent[key] = stored
    return HttpResponse(stored[0], headers=stored[1])


class CachedPageMixin:
    """Class-based views whose pages readers get from the page cache."""

    def dispatch(self, request, *args, **kwargs):
        return serve_cached(request, lambda: super(CachedPageMixin, self).dispatch(request, *args, **kwargs))


def cached_page(view):
    """The same for function views and feeds."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return serve_cached(request, lambda: view(request, *args, **kwargs))

    return wrapper


def render_cards(articles, terms=(), template="includes/article_card.html"):
    """The HTML of article cards, each rendered once per content version, language and search terms.

    Lists are mostly the same cards in other combinations (home, categories,
    tags, pages); one ``get_many`` fetches them all, and only missing cards
    are rendered, from rows loaded just for them when ``articles`` is a
    ``PageArticles``. Any content change bumps the version, so no card is stale.
    """
    ids = articles.ids if hasattr(articles, "ids") else [article.pk for article in articles]
    terms = list(terms or ())
    variant = hashlib.sha1("\n".join([template, *terms]).encode()).hexdigest()[:16]
    state = freshness()
    prefix = f"newsroom:card:{state}:{get_language()}:{variant}:"
    keys = {pk: f"{prefix}{pk}" for pk in ids}
    recent = _recent(state)
    found = {key: recent[key] for key in keys.values() if key in recent}
    missing = [pk for pk in ids if keys[pk] not in found]
    if missing:
        found.update(cache.get_many([keys[pk] for pk in missing]))
        missing = [pk for pk in missing if keys[pk] not in found]
    if missing:
        wanted = set(missing)
        rows = articles.load(missing) if hasattr(articles, "load") else [a for a in articles if a.pk in wanted]
        rendered = {keys[a.pk]: render_to_string(template, {"article": a, "terms": terms}) for a in rows}
        cache.set_many(rendered, CACHE_SECONDS)
        found.update(rendered)
    recent.update(found)
    return mark_safe("".join(found[keys[pk]] for pk in ids if keys[pk] in found))  # noqa: S308 - our template


@functools.lru_cache(maxsize=4096)
def _reverse(urlconf, script_prefix, language, viewname, kwargs):
    return reverse(viewname, kwargs=dict(kwargs))


def cached_reverse(viewname, **kwargs):
    """Django's reverse(), remembered per process for the active language and script prefix.

    An article page links a dozen articles and categories, and reversing a
    long Chinese slug (quoting every byte) cost a tenth of the page.
    """
    return _reverse(get_urlconf(), get_script_prefix(), get_language(), viewname, tuple(kwargs.items()))
