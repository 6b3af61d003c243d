"""Download remote images for ``import_seeds --fetch-images``, carefully.

Every hop of a download is checked: http(s) only, no loopback, private,
link-local or reserved address unless ``NEWSROOM_FETCH_ALLOWED_HOSTS`` names
it, at most three redirects, a byte limit, a total deadline, an image
content type, and a Pillow check with a pixel limit. Files are named by the
hash of their content, never by the URL.
"""

import http.client
import io
import ipaddress
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from ..images import ALLOWED_FORMATS, inspect_image, refuse_polyglot, sha256_of

MAX_REDIRECTS = 3


class FetchRefused(Exception):
    pass


@dataclass
class FetchedImage:
    name: str
    width: int
    height: int


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # each hop is checked by ImageFetcher itself


class ImageFetcher:
    def __init__(self, *, timeout=10.0, max_bytes=None, allowed_hosts=None):
        self.timeout = timeout
        self.max_bytes = max_bytes or settings.NEWSROOM_MAX_IMAGE_BYTES
        self.allowed_hosts = set(settings.NEWSROOM_FETCH_ALLOWED_HOSTS if allowed_hosts is None else allowed_hosts)
        self._opener = urllib.request.build_opener(_NoRedirects)
        self._done = {}

    def fetch(self, url, warnings):
        """The stored image for ``url``, or ``None`` (with a warning) to keep hotlinking it."""
        if url not in self._done:
            try:
                self._done[url] = self._download(url)
            except (FetchRefused, ValidationError, OSError, http.client.HTTPException) as exc:
                reason = exc.messages[0] if isinstance(exc, ValidationError) else str(exc) or type(exc).__name__
                warnings.append(f"image {url}: not downloaded ({reason}); kept as a remote link")
                self._done[url] = None
        return self._done[url]

    def check_url(self, url):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefused("only http and https URLs are fetched")
        host = parts.hostname
        if host in self.allowed_hosts:
            return
        try:
            infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError, ValueError) as exc:
            raise FetchRefused(f"cannot resolve {host}: {exc}") from None
        for info in infos:
            address = ipaddress.ip_address(info[4][0].split("%")[0])
            if getattr(address, "ipv4_mapped", None):
                address = address.ipv4_mapped
            if str(address) in self.allowed_hosts:
                continue
            if not address.is_global or address.is_multicast:
                raise FetchRefused(f"{host} is a private or local address ({address})")

    def _download(self, url):
        deadline = time.monotonic() + self.timeout
        for _ in range(MAX_REDIRECTS + 1):
            self.check_url(url)
            request = urllib.request.Request(url, headers={"User-Agent": "Newsroom image fetcher"})
            try:
                response = self._opener.open(request, timeout=self.timeout)
            except urllib.error.HTTPError as exc:
                if exc.code in (301, 302, 303, 307, 308) and exc.headers.get("Location"):
                    url = urllib.parse.urljoin(url, exc.headers["Location"])
                    exc.close()
                    continue
                raise FetchRefused(f"HTTP {exc.code}") from None
            except (urllib.error.URLError, OSError) as exc:
                raise FetchRefused(f"download failed: {getattr(exc, 'reason', exc)}") from None
            with response:
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
