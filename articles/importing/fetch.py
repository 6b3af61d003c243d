"""Download remote images for ``import_seeds --fetch-images``, carefully.

Every hop of a download is checked: http(s) only, no loopback, private,
link-local or reserved address unless ``NEWSROOM_FETCH_ALLOWED_HOSTS`` names
it, at most three redirects, a byte limit, a total deadline, an image
content type, and a Pillow check with a pixel limit. Each hop connects to
the address its check approved, so a host name cannot answer a public address
to the check and a local one to the download (DNS rebinding). Files are named
by the hash of their content, never by the URL.
"""

import contextlib
import http.client
import io
import ipaddress
import socket
import ssl
import time
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.encoding import iri_to_uri

from ..images import ALLOWED_FORMATS, inspect_image, refuse_polyglot, sha256_of
from ..models import Image

MAX_REDIRECTS = 3
REDIRECTS = (301, 302, 303, 307, 308)
PORTS = {"http": 80, "https": 443}
RETRY_LIMIT = 100  # failed downloads tried again per import, so a run stays short


class FetchRefused(Exception):
    pass


@dataclass
class FetchedImage:
    name: str
    width: int
    height: int


def _connect(address, timeout):
    """A TCP socket to ``address`` (``(family, sockaddr)``): no name is looked up again here."""
    family, sockaddr = address
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(sockaddr)
    except OSError:
        sock.close()
        raise
    return sock


class PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the checked ``address``; ``host`` only names the site (the Host header)."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = _connect(self.address, self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the checked ``address``; SNI and the certificate check still use ``host``."""

    def __init__(self, host, port, address, timeout):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self):
        self.sock = self.tls.wrap_socket(_connect(self.address, self.timeout), server_hostname=self.host)


class ImageFetcher:
    def __init__(self, *, timeout=10.0, max_bytes=None, allowed_hosts=None):
        self.timeout = timeout
        self.max_bytes = max_bytes or settings.NEWSROOM_MAX_IMAGE_BYTES
        self.allowed_hosts = set(settings.NEWSROOM_FETCH_ALLOWED_HOSTS if allowed_hosts is None else allowed_hosts)
        self._done = {}
        self.errors = {}  # URL -> why its download failed

    def fetch(self, url, warnings):
        """The stored image for ``url``, or ``None`` (with a warning) to keep hotlinking it."""
        if url not in self._done:
            try:
                self._done[url] = self._download(url)
            except (FetchRefused, ValidationError, OSError, http.client.HTTPException) as exc:
                reason = exc.messages[0] if isinstance(exc, ValidationError) else str(exc) or type(exc).__name__
                warnings.append(f"image {url}: not downloaded ({reason}); kept as a remote link")
                self._done[url] = None
                self.errors[url] = reason
        return self._done[url]

    def check_url(self, url):
        """The address to download ``url`` from, as ``(family, sockaddr)``, once it is checked.

        The host is looked up here only; the download connects to this address.
        A host in NEWSROOM_FETCH_ALLOWED_HOSTS is not checked, but pinned too.
        """
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in PORTS or not parts.hostname:
            raise FetchRefused("only http and https URLs are fetched")
        host = parts.hostname
        try:
            infos = socket.getaddrinfo(host, parts.port or PORTS[parts.scheme], proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError, ValueError) as exc:
            raise FetchRefused(f"cannot resolve {host}: {exc}") from None
        for info in infos:
            address = ipaddress.ip_address(info[4][0].split("%")[0])
            if getattr(address, "ipv4_mapped", None):
                address = address.ipv4_mapped
            if host in self.allowed_hosts or str(address) in self.allowed_hosts:
                continue
            if not address.is_global or address.is_multicast:
                raise FetchRefused(f"{host} is a private or local address ({address})")
        return infos[0][0], infos[0][4]

    def _download(self, url):
        deadline = time.monotonic() + self.timeout
        for _ in range(MAX_REDIRECTS + 1):
            address = self.check_url(url)
            parts = urllib.parse.urlsplit(url)
            connection_class = PinnedHTTPSConnection if parts.scheme == "https" else PinnedHTTPConnection
            connection = connection_class(parts.hostname, parts.port or PORTS[parts.scheme], address, self.timeout)
            # A path in Chinese is sent percent-encoded, as a browser sends it.
            path = iri_to_uri(urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, "")))
            with contextlib.closing(connection):
                try:
                    connection.request("GET", path, headers={"User-Agent": "Newsroom image fetcher"})
                    response = connection.getresponse()
                except OSError as exc:
                    raise FetchRefused(f"download failed: {exc}") from None
                if response.status in REDIRECTS and response.getheader("Location"):
                    url = urllib.parse.urljoin(url, response.getheader("Location"))
                    continue
                if not 200 <= response.status < 300:
                    raise FetchRefused(f"HTTP {response.status}")
                return self._store(response, deadline)
        raise FetchRefused(f"more than {MAX_REDIRECTS} redirects")

    def _store(self, response, deadline):
        content_type = response.headers.get_content_type()
        if not content_type.startswith("image/") or content_type == "image/svg+xml":
            raise FetchRefused(f"content type {content_type} is not a picture")
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchRefused(f"{declared} bytes, over the limit of {self.max_bytes}")
        buffer = io.BytesIO()
        while chunk := response.read1(64 * 1024):  # read1: a slow sender cannot stall one call
            buffer.write(chunk)
            if buffer.tell() > self.max_bytes:
                raise FetchRefused(f"over the limit of {self.max_bytes} bytes")
            if time.monotonic() > deadline:
                raise FetchRefused(f"took longer than {self.timeout:g} s")
        fmt, width, height = inspect_image(buffer)
        refuse_polyglot(buffer)
        name = f"images/remote/{sha256_of(buffer)}.{ALLOWED_FORMATS[fmt]}"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(buffer.getvalue()))
        return FetchedImage(name=name, width=width, height=height)


def retry_failed(fetcher, warnings, limit=RETRY_LIMIT):
    """Download again the images whose last download failed, oldest failure first; return them.

    Their posts are mostly unchanged files, which an import skips unread, so
    nothing else would ever try them again.
    """
    images = list(Image.objects.filter(file="").exclude(fetch_error="").order_by("fetch_failed_at", "pk")[:limit])
    for image in images:
        fetched = fetcher.fetch(image.source_url, warnings)
        if fetched:
            image.file.name, image.width, image.height = fetched.name, fetched.width, fetched.height
            image.fetch_error, image.fetch_failed_at = "", None
        else:
            image.fetch_error, image.fetch_failed_at = fetcher.errors[image.source_url][:500], timezone.now()
        image.save(update_fields=["file", "width", "height", "fetch_error", "fetch_failed_at"])
    return images
