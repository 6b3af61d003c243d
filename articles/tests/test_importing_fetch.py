"""Tests for articles.importing.fetch: careful downloads of remote pictures."""

import datetime as dt
import io
import shutil
import socket
import ssl
import subprocess
import time

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from articles.importing.fetch import FetchRefused, ImageFetcher, retry_failed
from articles.models import Article, Image

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


# --- DNS rebinding: every hop connects to the address its check saw -----------------------------

PUBLIC = "93.184.216.34"


@pytest.fixture
def dns(monkeypatch):
    """Test host names answering their addresses in turn, the last one ever after (a rebinding DNS server)."""
    answers = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        address = answers[host].pop(0) if len(answers[host]) > 1 else answers[host][0]
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.fixture
def connections(monkeypatch):
    """The IP addresses connected to; nothing off this machine answers (tests have no network)."""
    made = []
    real = socket.socket.connect

    def connect(sock, address):
        if isinstance(address, tuple):
            made.append(address[0])
            if not address[0].startswith("127."):
                raise ConnectionRefusedError(f"no network to {address[0]} in tests")
        return real(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return made


def test_rebinding_host_is_not_fetched_from_its_second_address(server, settings, dns, connections):
    """A name answering a public address to the check and 127.0.0.1 afterwards never reaches 127.0.0.1."""
    settings.NEWSROOM_FETCH_ALLOWED_HOSTS = []
    dns["rebind.test"] = [PUBLIC, "127.0.0.1"]
    assert ImageFetcher().fetch(f"http://rebind.test:{server.port}/good.png", []) is None
    assert connections == [PUBLIC]
    assert server.requests == []


def test_each_redirect_hop_goes_to_the_address_checked_for_it(server, dns, connections):
    """A redirect to another name is fetched from the address its check saw, with that name as Host."""
    dns["cdn.test"] = ["127.0.0.1", "127.0.0.2"]  # 127.0.0.1 is allowed; 127.0.0.2 is never checked
    hosts = []
    server.routes["/to-cdn.png"] = redirect(f"http://cdn.test:{server.port}/good.png")
    server.routes["/good.png"] = lambda h: (hosts.append(h.headers["Host"]), send(h, GOOD))
    assert ImageFetcher().fetch(server.url("/to-cdn.png"), []) is not None
    assert connections == ["127.0.0.1", "127.0.0.1"]
    assert hosts == [f"cdn.test:{server.port}"]


def test_allowed_host_name_is_looked_up_once(server, settings, dns, connections):
    """A host named in NEWSROOM_FETCH_ALLOWED_HOSTS is fetched from the first address it resolved to."""
    settings.NEWSROOM_FETCH_ALLOWED_HOSTS = ["images.internal"]
    dns["images.internal"] = ["127.0.0.1", "127.0.0.2"]
    assert ImageFetcher().fetch(f"http://images.internal:{server.port}/good.png", []) is not None
    assert connections == ["127.0.0.1"]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate and its key for the name cdn.test."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", folder / "key.pem", "-out", folder / "cert.pem", "-days", "2",
         "-subj", "/CN=cdn.test", "-addext", "subjectAltName=DNS:cdn.test"],
        check=True, capture_output=True,
    )
    return folder / "cert.pem", folder / "key.pem"


def test_https_goes_to_the_checked_address_and_verifies_the_host_name(
    settings, monkeypatch, dns, connections, certificate
):
    """Over https the checked address is asked for the host name (SNI), whose certificate must match."""
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the only trusted certificate
    settings.NEWSROOM_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    dns["cdn.test"] = ["127.0.0.1", "127.0.0.2"]
    dns["other.test"] = ["127.0.0.1"]
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    names = []
    tls.sni_callback = lambda sock, name, context: names.append(name)
    server = ImageServer()
    server.routes["/good.png"] = lambda h: send(h, GOOD)
    server.httpd.socket = tls.wrap_socket(server.httpd.socket, server_side=True)
    warnings = []
    with server:
        assert ImageFetcher().fetch(f"https://cdn.test:{server.port}/good.png", []) is not None
        assert ImageFetcher().fetch(f"https://other.test:{server.port}/good.png", warnings) is None
    assert names == ["cdn.test", "other.test"]
    assert connections == ["127.0.0.1", "127.0.0.1"]
    assert "certificate" in warnings[0].lower() and server.requests == ["/good.png"]


# --- failed downloads are recorded and tried again ---------------------------------------------


def import_seeds(*args):
    """Run import_seeds; return what it printed."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_seeds", *map(str, args), stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def post_with_image(folder, url):
    text = f"---\ntitle: 配图\ndate: 2021-05-06 07:08:09\nheadimg: '{url}'\n---\n<p>正文。</p>\n"
    (folder / "a.md").write_text(text, encoding="utf-8")


@pytest.mark.django_db
def test_failed_download_is_recorded_and_tried_again_by_the_next_import(server, tmp_path):
    """A picture that failed to download is fetched by the next import --fetch-images, though its post is unchanged."""
    url = server.url("/later.png")
    server.routes["/later.png"] = lambda h: h.send_error(503)
    post_with_image(tmp_path, url)
    import_seeds(tmp_path, "--fetch-images")
    image = Image.objects.get()
    assert not image.file and image.fetch_error == "HTTP 503" and image.fetch_failed_at

    import_seeds(tmp_path)  # without --fetch-images nothing is downloaded
    assert server.requests == ["/later.png"]

    server.routes["/later.png"] = lambda h: send(h, GOOD)
    output = import_seeds(tmp_path, "--fetch-images")
    assert "unchanged 1" in output and "failed image downloads retried 1: stored 1, failed again 0" in output
    image.refresh_from_db()
    assert image.file.name.startswith("images/remote/") and (image.width, image.height) == (12, 9)
    assert (image.fetch_error, image.fetch_failed_at) == ("", None)
    assert Article.objects.get().head_image.url == image.file.url


@pytest.mark.django_db
def test_download_failing_again_keeps_the_link_with_the_latest_reason(server, tmp_path):
    """A retried download that fails again stays a remote link, with its new reason and time and a warning."""
    url = server.url("/gone.png")
    server.routes["/gone.png"] = lambda h: h.send_error(503)
    post_with_image(tmp_path, url)
    import_seeds(tmp_path, "--fetch-images")
    first = Image.objects.get().fetch_failed_at

    del server.routes["/gone.png"]  # now a 404
    output = import_seeds(tmp_path, "--fetch-images")
    image = Image.objects.get()
    assert not image.file and image.url == url
    assert image.fetch_error == "HTTP 404" and image.fetch_failed_at > first
    assert f"warning: image {url}: not downloaded (HTTP 404)" in output
    assert "failed image downloads retried 1: stored 0, failed again 1" in output


@pytest.mark.django_db
def test_retry_takes_the_oldest_failures_first_up_to_a_limit(server):
    """Each import retries a bounded number of failed downloads, those that failed longest ago first."""
    now = timezone.now()
    for name, days in [("/a.png", 1), ("/b.png", 3), ("/c.png", 2)]:
        failed_at = now - dt.timedelta(days=days)
        Image.objects.create(source_url=server.url(name), fetch_error="HTTP 503", fetch_failed_at=failed_at)
    retried = retry_failed(ImageFetcher(), [], limit=2)
    assert [image.source_url for image in retried] == [server.url("/b.png"), server.url("/c.png")]
    assert server.requests == ["/b.png", "/c.png"]


def test_a_picture_address_in_chinese_is_fetched(server):
    """A URL with Chinese in its path is requested percent-encoded, as a browser would, and stored."""
    server.routes["/%E5%9B%BE%E7%89%87/%E5%B0%81%E9%9D%A2.png"] = lambda h: send(h, GOOD)
    warnings = []
    fetched = ImageFetcher().fetch(server.url("/图片/封面.png"), warnings)
    assert warnings == [] and (fetched.width, fetched.height) == (12, 9)
