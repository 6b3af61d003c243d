"""Tests for articles.importing.fetch: careful downloads of remote pictures."""

import time

import pytest
from django.core.files.storage import default_storage

from articles.importing.fetch import FetchRefused, ImageFetcher

from .image_server import ImageServer, png_bytes, redirect, send, stall, trickle

GOOD = png_bytes(12, 9)


@pytest.fixture
def server(settings):
    settings.NEWSROOM_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.NEWSROOM_MAX_IMAGE_BYTES = 100_000
    settings.NEWSROOM_MAX_IMAGE_PIXELS = 1_000_000
    with ImageServer() as running:
        running.routes.update(
            {
                "/good.png": lambda h: send(h, GOOD),
                "/same.png": lambda h: send(h, GOOD),
                "/loop.png": redirect("/loop.png"),
                "/hop1.png": redirect("/hop2.png"),
                "/hop2.png": redirect("/good.png"),
                "/to-file.png": redirect("file:///etc/passwd"),
                "/stall.png": stall(4),
                "/trickle.png": trickle(5),
            }
        )
        yield running


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://127.0.0.1/a.png", ["http"]),
        ("file:///etc/passwd", ["http"]),
        ("http:///nohost.png", ["http"]),
        ("http://10.1.2.3/a.png", ["private or local", "10.1.2.3"]),
        ("http://192.168.0.1/a.png", ["private or local"]),
        ("http://169.254.169.254/latest/meta-data/", ["private or local"]),
        ("http://127.0.0.1/a.png", ["private or local"]),
        ("http://localhost/a.png", ["private or local"]),
        ("http://[::1]/a.png", ["private or local"]),
        ("http://[::ffff:127.0.0.1]/a.png", ["private or local", "127.0.0.1"]),
        ("http://0.0.0.0/a.png", ["private or local"]),
        ("http://2130706433/a.png", ["private or local", "127.0.0.1"]),
        ("http://0x7f.0.0.1/a.png", ["private or local", "127.0.0.1"]),
        ("http://0177.0.0.1/a.png", ["private or local", "127.0.0.1"]),
        ("http://127.1/a.png", ["private or local", "127.0.0.1"]),
        ("http://[fd00::1]/a.png", ["private or local"]),
        ("http://100.64.0.1/a.png", ["private or local"]),
    ],
)
def test_check_url_refuses_non_http_and_local_addresses(settings, url, words):
    """Only http(s) URLs to public addresses are fetched; loopback, private and link-local ones are refused."""
    settings.NEWSROOM_FETCH_ALLOWED_HOSTS = []
    with pytest.raises(FetchRefused) as info:
        ImageFetcher().check_url(url)
    for word in words:
        assert word in str(info.value)


def test_check_url_accepts_public_address(settings):
    """A public IP address is accepted (no DNS needed for a literal)."""
    settings.NEWSROOM_FETCH_ALLOWED_HOSTS = []
    ImageFetcher().check_url("https://93.184.216.34/picture.jpg")


def test_allowed_hosts_setting_lets_a_local_address_through(settings):
    """NEWSROOM_FETCH_ALLOWED_HOSTS names hosts or IPs that may be fetched although local."""
    settings.NEWSROOM_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    fetcher = ImageFetcher()
    fetcher.check_url("http://127.0.0.1:8000/a.png")
    fetcher.check_url("http://localhost:8000/a.png")  # resolves to an allowed IP
    with pytest.raises(FetchRefused):
        fetcher.check_url("http://10.0.0.1/a.png")


def test_fetch_stores_picture_named_by_content(server):
    """A fetched picture is stored once, under a name made from its content, with its size."""
    fetcher = ImageFetcher()
    warnings = []
    first = fetcher.fetch(server.url("/good.png"), warnings)
    second = fetcher.fetch(server.url("/same.png"), warnings)
    assert warnings == []
    assert (first.width, first.height) == (12, 9)
    assert first.name == second.name
    assert "good" not in first.name and first.name.endswith(".png")
    with default_storage.open(first.name) as handle:
        assert handle.read() == GOOD


def test_fetch_each_url_once(server):
    """The same URL is downloaded once per fetcher, even when asked for again."""
    fetcher = ImageFetcher()
    fetcher.fetch(server.url("/good.png"), [])
    fetcher.fetch(server.url("/good.png"), [])
    assert server.requests.count("/good.png") == 1


def test_redirects_followed_up_to_a_limit(server):
    """Two redirects are followed; an endless redirect loop is given up with a warning."""
    fetcher = ImageFetcher()
    assert fetcher.fetch(server.url("/hop1.png"), []) is not None
    warnings = []
    assert fetcher.fetch(server.url("/loop.png"), warnings) is None
    assert "redirects" in warnings[0]
    assert server.requests.count("/loop.png") <= 5


def test_redirect_to_another_scheme_refused(server):
    """A redirect to a file: URL is refused with a warning."""
    warnings = []
    assert ImageFetcher().fetch(server.url("/to-file.png"), warnings) is None
    assert "http" in warnings[0]


def test_redirect_to_a_private_address_is_checked_again(server):
    """Every hop is checked: an allowed host redirecting to a private address is refused."""
    server.routes["/to-private.png"] = redirect("http://10.0.0.1/secret.png")
    warnings = []
    assert ImageFetcher().fetch(server.url("/to-private.png"), warnings) is None
    assert "private or local" in warnings[0] and "10.0.0.1" in warnings[0]


def test_stalled_download_gives_up_with_warning(server):
    """A server that stops sending mid-download is given up with a warning, not an exception."""
    warnings = []
    assert ImageFetcher(timeout=0.5).fetch(server.url("/stall.png"), warnings) is None
    assert warnings and "kept as a remote link" in warnings[0]


def test_slow_download_stops_at_the_deadline(server):
    """A server trickling bytes is given up at the fetcher's total deadline."""
    warnings = []
    start = time.monotonic()
    assert ImageFetcher(timeout=1.0).fetch(server.url("/trickle.png"), warnings) is None
    assert time.monotonic() - start < 2.5
    assert warnings
