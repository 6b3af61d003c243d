"""Real processes on the default settings: every gunicorn worker sees a change made by any other process."""

import datetime
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit

import dj_database_url
import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
REQUESTS = 40

pytestmark = pytest.mark.slow


@pytest.fixture
def database_url(tmp_path):
    """A database of its own for the processes: SQLite in a file, or a fresh PostgreSQL database."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'site.sqlite3'}"
        return
    import psycopg

    name = f"newsroom_processes_{uuid.uuid4().hex[:8]}"
    admin = dj_database_url.parse(configured)
    dsn = dict(host=admin["HOST"], port=admin["PORT"] or 5432, user=admin["USER"], password=admin["PASSWORD"],
               dbname=admin["NAME"], autocommit=True)
    with psycopg.connect(**dsn) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield urlsplit(configured)._replace(path=f"/{name}").geturl()
    with psycopg.connect(**dsn) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def environment(database_url):
    """The shipped defaults (no Redis, page cache on, debug off) with this test's database."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("REDIS", "NEWSROOM_", "GUNICORN_", "WEB_CONCURRENCY"))}
    env.update(DATABASE_URL=database_url, DJANGO_DEBUG="0", DJANGO_SECRET_KEY="processes-" + "x" * 40,
               DJANGO_HTTPS="0", DJANGO_STATIC_MANIFEST="0", LOG_LEVEL="WARNING")
    return env


def manage(env, *args):
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(environment, tmp_path):
    """gunicorn with three sync workers, from gunicorn.conf.py; the access log names each request's worker."""
    manage(environment, "migrate", "-v", "0")
    manage(environment, "import_seeds", str(ROOT / "fixtures" / "seeds"), "-v", "0")
    port, log = free_port(), tmp_path / "access.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--workers", str(WORKERS),
         "--bind", f"127.0.0.1:{port}", "--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s %(U)s"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
    yield port, log
    process.terminate()
    process.wait(timeout=30)


def every_worker_once(port, paths):
    """Each path requested by a different worker at the same time: (status, body) for each.

    A sync worker that has taken a connection reads it until the request is
    whole, so while the first requests are held unfinished, the next ones go
    to the other workers.
    """
    held = []
    for path in paths:
        sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        sock.sendall(f"GET {quote(path, safe='/%')} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
        held.append(sock)
    time.sleep(0.3)  # every worker has accepted its connection and waits for the rest of the request
    answers = []
    for sock in held:
        sock.sendall(b"Connection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
        sock.close()
        head, _, body = data.partition(b"\r\n\r\n")
        answers.append((int(head.split()[1]), body.decode()))
    return answers


def workers_in(log, since=0):
    lines = log.read_text().splitlines()[since:]
    return {line.split()[0] for line in lines}, len(log.read_text().splitlines())


def test_every_worker_sees_an_import_and_a_delete_from_other_processes(server, environment, tmp_path):
    """Three primed workers, then an import and a delete from two other processes: 40 requests, none stale."""
    port, log = server
    victim_url = manage(environment, "shell", "-v", "0", "-c", (
        "from articles.models import Article; print(Article.objects.published().first().get_absolute_url())"
    )).strip()
    victim_title = manage(environment, "shell", "-v", "0", "-c", (
        "from articles.models import Article; print(Article.objects.published().first().title)"
    )).strip()
    for _ in range(2):  # every worker has the home page and the article page in its own memory
        for path in ("/", victim_url):
            answers = every_worker_once(port, [path] * WORKERS)
            assert [status for status, _ in answers] == [200] * WORKERS, answers[0][1][:500]
    primed, seen = workers_in(log)
    assert len(primed) == WORKERS

    post = tmp_path / "new" / "freshly-imported.md"
    post.parent.mkdir()
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    post.write_text(f"---\ntitle: 多进程之后的新文章\ndate: {now}\ncategories: [测试]\n---\n\n<p>正文</p>\n",
                    encoding="utf-8")
    manage(environment, "import_seeds", str(post.parent), "-v", "0")
    manage(environment, "shell", "-v", "0", "-c", (
        f"from articles.models import Article; Article.objects.get(title={victim_title!r}).delete()"
    ))

    stale, answers = [], 0
    while answers < REQUESTS:
        batch = ["/", victim_url, "/"][: min(WORKERS, REQUESTS - answers)]
        for path, (status, body) in zip(batch, every_worker_once(port, batch)):
            answers += 1
            if path == "/" and ("多进程之后的新文章" not in body or victim_title in body):
                stale.append(path)
            if path == victim_url and status != 404:
                stale.append(path)
    served, _ = workers_in(log, since=seen)
    assert answers == REQUESTS and stale == []
    assert served == primed  # the same three workers answered, each primed with the old pages
