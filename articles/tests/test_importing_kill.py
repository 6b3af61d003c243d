"""Killing an import with SIGKILL at random moments never leaves half an article."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .image_server import png_bytes

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import import_bench  # noqa: E402

POSTS = 2000
KILLS = 10

pytestmark = [pytest.mark.slow, pytest.mark.one_database]  # each test makes its own SQLite files


def manage(db, *args, extra_env=None, **popen):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_DEBUG": "0", "LOG_LEVEL": "WARNING",
           "DJANGO_SECRET_KEY": "kill-test-" + "x" * 40, **(extra_env or {})}
    command = [sys.executable, "manage.py", *args]
    if popen:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def snapshot(db):
    """source key -> (title, body length, categories, tags, head image URL) for every stored article."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            """SELECT a.source_key, a.title, length(a.body),
                      (SELECT count(*) FROM articles_article_categories c WHERE c.article_id = a.id),
                      (SELECT count(*) FROM articles_taggedarticle t WHERE t.content_object_id = a.id),
                      (SELECT i.source_url FROM articles_image i WHERE i.id = a.head_image_id)
               FROM articles_article a"""
        ).fetchall()
    return {row[0]: row[1:] for row in rows}


@pytest.fixture(scope="module")
def posts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("posts")
    import_bench.generate(POSTS, folder)
    return folder


def test_sigkill_at_random_points_leaves_whole_articles_only(tmp_path, posts):
    """Ten SIGKILLs during a 2,000-file import leave only complete articles; a re-run adds exactly the rest."""
    reference_db = tmp_path / "reference.sqlite3"
    assert manage(reference_db, "migrate", "-v", "0").returncode == 0
    assert manage(reference_db, "import_seeds", str(posts), "-v", "0").returncode == 0
    reference = snapshot(reference_db)
    assert len(reference) == POSTS

    db = tmp_path / "killed.sqlite3"
    assert manage(db, "migrate", "-v", "0").returncode == 0
    rng = random.Random(20261127)
    survived = []
    for _ in range(KILLS):
        process = manage(db, "import_seeds", str(posts), "-v", "0", popen=True)
        wait_until_writing(db, process, past=len(snapshot(db)))  # however slow the start, the kill lands mid-import
        time.sleep(rng.uniform(0, 0.15))
        process.send_signal(signal.SIGKILL)
        process.wait()
        for child in _orphans():  # the parser workers die with their parent's pipe; make sure
            os.kill(child, signal.SIGKILL)
        stored = snapshot(db)
        for key, values in stored.items():
            assert values == reference[key], f"{key} is incomplete after a kill: {values} != {reference[key]}"
        survived.append(len(stored))
    assert 0 < survived[-1] < POSTS, f"kills did not land during the import: {survived}"
    print("articles after each kill:", survived)

    before = len(snapshot(db))
    result = manage(db, "import_seeds", str(posts), "-v", "1")
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"created {POSTS - before}," in result.stdout
    assert snapshot(db) == reference


def wait_until_writing(db, process, past, timeout=60):
    """Return once the import has stored more than ``past`` articles (or has ended)."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        with sqlite3.connect(db, timeout=5) as conn:
            if conn.execute("SELECT count(*) FROM articles_article").fetchone()[0] > past:
                return
        time.sleep(0.02)


def _orphans():
    """Parser processes left by a killed import (children re-parented to init)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        ppid = next((line.split()[1] for line in status.splitlines() if line.startswith("PPid:")), "")
        if ppid == "1" and any(part.endswith(b"import_seeds") for part in cmdline):
            found.append(int(pid))
    return found


IMAGE_POSTS = 2000
IMAGE_KILLS = 5


class _Pictures(BaseHTTPRequestHandler):
    """/img/<n>.png: a different small PNG for every n; counts what it has served."""

    served = 0

    def do_GET(self):
        type(self).served += 1
        n = int(self.path.rsplit("/", 1)[-1].removesuffix(".png"))
        body = png_bytes(8 + n % 50, 8 + n // 50)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def media_state(db, media):
    """(articles whose head image is missing or has no file on disk, files on disk, files the database names)."""
    with sqlite3.connect(db) as conn:
        named = {row[0] for row in conn.execute("SELECT file FROM articles_image WHERE file != ''")}
        broken = conn.execute(
            """SELECT count(*) FROM articles_article a LEFT JOIN articles_image i ON i.id = a.head_image_id
               WHERE i.id IS NULL OR i.file = ''"""
        ).fetchone()[0]
    on_disk = {str(path.relative_to(media)) for path in media.rglob("*") if path.is_file()}
    broken += len(named - on_disk)
    return broken, on_disk, named


def test_sigkill_during_image_downloads_leaves_no_half_article_nor_orphaned_file(tmp_path):
    """Kills during an import with --fetch-images leave whole articles; after a re-run every file is used."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pictures)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    posts = tmp_path / "posts"
    posts.mkdir()
    for n in range(IMAGE_POSTS):
        (posts / f"picture-{n}.md").write_text(
            f"---\ntitle: '图片新闻 {n}'\ndate: 2024-01-01 00:{n % 60:02d}:00\ncategories: [图片]\n"
            f"headimg: http://127.0.0.1:{server.server_port}/img/{n}.png\n---\n<p>正文 {n}</p>\n",
            encoding="utf-8",
        )
    media = tmp_path / "media"
    env = {"MEDIA_ROOT": str(media), "NEWSROOM_FETCH_ALLOWED_HOSTS": "127.0.0.1"}
    db = tmp_path / "pictures.sqlite3"
    try:
        assert manage(db, "migrate", "-v", "0").returncode == 0
        rng = random.Random(20261127)
        stored = []
        for _ in range(IMAGE_KILLS):
            # Kill once a few more pictures have been served, however slow the machine is.
            target = _Pictures.served + rng.randint(5, 60)
            process = manage(db, "import_seeds", str(posts), "--fetch-images", "-v", "0", extra_env=env, popen=True)
            deadline = time.monotonic() + 120
            while _Pictures.served < target and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            process.send_signal(signal.SIGKILL)
            process.wait()
            for child in _orphans():
                os.kill(child, signal.SIGKILL)
            broken, _on_disk, named = media_state(db, media)
            assert broken == 0, "an article lost its picture to a kill"
            stored.append(len(named))
        assert 0 < stored[-1] < IMAGE_POSTS, f"kills did not land during the downloads: {stored}"
        print("pictures stored after each kill:", stored)

        result = manage(db, "import_seeds", str(posts), "--fetch-images", "-v", "1", extra_env=env)
        assert result.returncode == 0, result.stderr[-2000:]
        broken, on_disk, named = media_state(db, media)
        assert broken == 0
        assert on_disk == named, f"orphaned files: {sorted(on_disk - named)[:5]}"
        assert len(named) == IMAGE_POSTS
    finally:
        server.shutdown()
