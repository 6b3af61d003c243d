"""A throwaway local HTTP server and test pictures for the --fetch-images tests."""

import io
import random
import socket
import struct
import threading
import time
import zlib
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image as PILImage


def png_bytes(width, height, noisy=False):
    """A real PNG; ``noisy`` makes it incompressible (for byte-limit tests)."""
    if noisy:
        rng = random.Random(1234)
        picture = PILImage.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    else:
        picture = PILImage.new("RGB", (width, height), (200, 30, 30))
        picture.putpixel((0, 0), (0, 0, 255))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


@cache
def bomb_png(size=20000):
    """A valid PNG of ``size``×``size`` one-colour pixels that compresses to a few dozen KB."""
    row = b"\x00" + b"\x00" * ((size + 7) // 8)  # filter byte + one bit per pixel
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(size)) + compressor.flush()

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", size, size, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def send(handler, body, content_type="image/png", length=True, status=200):
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    if length:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    try:
        handler.wfile.write(body)
    except OSError:
        pass


def redirect(location):
    def route(handler):
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


def reset_midway(handler):
    """Start a picture, then reset the connection (a flaky CDN)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "image/png")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    handler.wfile.write(png_bytes(8, 8)[:40])
    handler.wfile.flush()
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()


def stall(seconds):
    """Send the headers, then nothing for ``seconds``."""

    def route(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "image/png")
        handler.end_headers()
        handler.wfile.flush()
        time.sleep(seconds)

    return route


def trickle(seconds, interval=0.2):
    """Send one byte every ``interval`` for ``seconds`` (a slow-loris server)."""

    def route(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "image/png")
        handler.end_headers()
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                handler.wfile.write(b"x")
                handler.wfile.flush()
                time.sleep(interval)
        except OSError:
            pass

    return route


class ImageServer:
    """Serve ``routes`` (path -> handler function) on 127.0.0.1 in a background thread."""

    def __init__(self):
        self.routes = {}
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append(self.path)
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404, "Not Found")
                else:
                    route(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
