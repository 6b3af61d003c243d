"""Site benchmark: python bench/run.py --articles N [--db sqlite|postgres]

Builds (or reuses) a database of N articles generated from the shared corpus,
starts gunicorn on 127.0.0.1, and measures with wrk, side by side in one run:
requests/s and p50/p99 latency of the main pages with and without the page
cache, the same for /livez (a minimal Django view: the framework's floor,
measured between every two page runs; each page is run --rounds times, each
run compared with the two floor runs around it, and the median run is shown:
a machine's speed can move 10-40 % from one run to the next), the uncached
p99 latency also at a light load (one connection per gunicorn worker, so that
it is the page's own time and not the wait for a free worker), SQL queries per
page, the time of a cold visit (every cache empty, as after a content change;
in-process median of five), and the import speed and peak memory of the build.
All traffic goes to 127.0.0.1; every wrk run is bounded by --seconds.

--tiny (as CI runs it) checks that the benchmark works, not how fast anything
is: 200 articles, wrk on four of the pages (--pages; every page is still
requested in-process for its SQL, cold time and status), one 1-second run per
page, no warm-up or light-load runs; well under a minute. Exits non-zero if a page does not answer 200 or wrk
counts an error.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import import_bench  # noqa: E402

OUT = ROOT / "bench" / "out"


def database_url(db, n):
    if db == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{OUT / f'bench-{n}.sqlite3'}"
    base = os.environ.get("BENCH_PG_URL", "postgres://postgres:postgres@127.0.0.1:5432")
    return f"{base}/newsroom_bench_{n}"


def base_env(url):
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_STATIC_MANIFEST": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(OUT / "media"),
        # wrk is one client sending thousands of requests a second: the API's per-address limit would refuse it.
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", ""),
    }


def article_count(env):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from articles.models import Article; print(Article.objects.count())"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    return int(result.stdout.strip().splitlines()[-1]) if result.returncode == 0 else -1


def reset_database(db, url, env):
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)


def build(db, n, env):
    """Import N generated posts into a fresh database; return (files/s, peak MB)."""
    reset_database(db, env["DATABASE_URL"], env)
    with tempfile.TemporaryDirectory() as tmp:
        posts = Path(tmp) / "posts"
        posts.mkdir()
        import_bench.generate(n, posts)
        seconds, peak, summary = import_bench.run_import(env, posts, 0)
    print(f"import: {summary} in {seconds:.1f} s ({n / seconds:.0f} files/s, peak {peak:.0f} MB)")
    if db == "postgres":
        # Autovacuum would otherwise visit the new rows while pages are measured.
        import psycopg

        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")
    return n / seconds, peak


def pages_and_queries(env):
    """The URLs to measure, the SQL queries each one runs and the median time of a cold visit
    (every cache empty, as after a content change), from inside Django."""
    code = r"""
import json
import time
from articles.caching import bump_content_version
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag
from articles.models import Article, Category
top = max(Category.objects.filter(parent__isnull=True), key=lambda c: Article.objects.in_category(c).count())
page = min(50, max(1, -(-Article.objects.published().in_category(top).count() // 20)))  # p50, or the last page
published = Article.objects.published().order_by("-published_at")
article = published[min(500, published.count() - 1)]
tag = Tag.objects.annotate(n=Count("articles_taggedarticle_items")).order_by("-n").first()
urls = {
    "home": "/",
    f"category p{page}": top.get_absolute_url() + f"?page={page}",
    "article": article.get_absolute_url(),
    **({"tag": reverse("articles:tag", kwargs={"slug": tag.slug})} if tag else {}),  # posts may carry no tags
    "search": "/search/?q=%E5%8C%BA%E5%9D%97%E9%93%BE",  # 区块链: in about one post in sixteen
    "feed": "/feeds/rss/",
    "api list": "/api/v1/articles",
    "api detail": f"/api/v1/articles/{article.pk}",
    "floor /livez": "/livez",
}
client = Client(HTTP_HOST="127.0.0.1")
result = {}
for name, url in urls.items():
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    count = len(queries)  # now: each request clears the query log
    cold = []  # the first visit after a content change: every cache empty
    for _ in range(5):
        bump_content_version()
        started = time.perf_counter()
        client.get(url)
        cold.append((time.perf_counter() - started) * 1000)
    result[name] = [url, count, status, sorted(cold)[2]]
print("JSON" + json.dumps(result))
"""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT, env={**env, "NEWSROOM_PAGE_CACHE": "0"}, capture_output=True, text=True,
    )
    if result.returncode != 0:
        sys.exit(f"measuring the pages in-process failed:\n{result.stderr[-3000:]}")
    import json

    line = next(line for line in result.stdout.splitlines() if line.startswith("JSON"))
    return json.loads(line[4:])


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def overrides(workers, page_cache="0 and 1"):
    """What the benchmark sets differently from the shipped defaults (gunicorn.conf.py, settings), to print."""
    shown = {"WEB_CONCURRENCY": str(workers), "NEWSROOM_PAGE_CACHE": page_cache}
    shown.update({name: os.environ[name] for name in sorted(os.environ)
                  if name.startswith(("GUNICORN_", "NEWSROOM_")) or name in ("REDIS_URL", "DB_CONN_MAX_AGE")})
    shown.setdefault("API_RATE_LIMIT", os.environ.get("API_RATE_LIMIT", "off"))
    return ", ".join(f"{name}={value}" for name, value in shown.items())


class Gunicorn:
    """gunicorn as shipped (gunicorn.conf.py), on a free local port, with ``workers`` workers."""

    def __init__(self, env, workers, page_cache):
        self.port = free_port()
        self.env = {**env, "NEWSROOM_PAGE_CACHE": "1" if page_cache else "0", "WEB_CONCURRENCY": str(workers),
                    "BIND": f"127.0.0.1:{self.port}"}

    def __enter__(self):
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.process = subprocess.Popen([gunicorn, "newsroom.wsgi"], cwd=ROOT, env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/livez", timeout=1)
                return self
            except OSError:
                time.sleep(0.2)
        self.process.kill()
        raise SystemExit("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, seconds, connections, warm=True):
    """(requests/s, p50 ms, p99 ms, errors) for ``url``, from wrk."""
    if warm:
        subprocess.run(["wrk", "-t2", "-c4", "-d1s", url], capture_output=True)  # every worker has the page
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "--latency", url],
        capture_output=True, text=True, timeout=seconds + 30,
    )
    out = result.stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not found:
        raise SystemExit(f"wrk failed on {url}:\n{out}\n{result.stderr}")
    rate = float(found.group(1))

    def percentile(p):
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * _UNITS[unit]

    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"Socket errors: .*?(\d+) timeout", out))
    return rate, percentile(50), percentile(99), errors


# --tiny: what the benchmark's code does, in seconds, with no claim on speed.
TINY = {"articles": 200, "pages": "home,category,article,api list", "seconds": 1, "rounds": 1, "connections": 4,
        "workers": 2, "light_connections": 0, "warm": False}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each page, each between two floor runs")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2, help="gunicorn workers")
    parser.add_argument("--rebuild", action="store_true", help="re-import even if the database is ready")
    parser.add_argument("--light-connections", type=int, default=None,
                        help="also measure uncached latency at this load (default: one connection per worker; "
                             "0: not measured)")
    parser.add_argument("--pages", default="",
                        help="comma-separated: measure with wrk only the pages whose names start with these "
                             "(e.g. home,category,api list; default: all; the floor is always measured)")
    parser.add_argument("--no-warm-up", dest="warm", action="store_false",
                        help="no 1-second wrk run before each page's first measured run")
    parser.add_argument("--tiny", action="store_true",
                        help="a quick check that the benchmark runs (as CI does): "
                             + ", ".join(f"--{k.replace('_', '-')} {v!r}" if k == "pages" else f"--{k.replace('_', '-')} {v}"
                                         for k, v in TINY.items() if k != "warm")
                             + ", --no-warm-up")
    if "--tiny" in sys.argv[1:]:
        parser.set_defaults(**TINY)  # what is given explicitly still counts
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    env = base_env(database_url(args.db, args.articles))
    import_rate = peak = None
    if args.rebuild or article_count(env) != args.articles:
        import_rate, peak = build(args.db, args.articles, env)
    pages = pages_and_queries(env)
    if args.pages:
        chosen = tuple(word.strip() for word in args.pages.split(",") if word.strip())
        unmeasured = [name for name in pages if not name.startswith(chosen + ("floor /livez",))]
        for name in unmeasured:
            url, _queries, status, _cold = pages.pop(name)
            if status != 200:
                sys.exit(f"{name} ({url}) answered HTTP {status} in-process")
        if len(pages) == 1:
            sys.exit(f"--pages {args.pages!r} names no page; the pages: {', '.join(unmeasured)}")
    light = args.workers if args.light_connections is None else args.light_connections
    results, light_p99, floors, spread = {}, {}, {}, {}
    floor = pages.pop("floor /livez")  # measured around every page below, printed last
    floor_url = floor[0]
    for cached in (False, True):
        with Gunicorn(env, args.workers, page_cache=cached) as server:
            base = f"http://127.0.0.1:{server.port}"
            # The floor is measured between every two page runs: a run is compared
            # with the floor around it, not with one taken minutes apart.
            runs = [wrk(base + floor_url, args.seconds, args.connections, warm=args.warm)]
            for name, (url, *_rest) in pages.items():
                paired = []  # (page run, the mean of the floor runs before and after it)
                for round_ in range(args.rounds):
                    page = wrk(base + url, args.seconds, args.connections, warm=args.warm and round_ == 0)
                    runs.append(wrk(base + floor_url, args.seconds, args.connections, warm=False))
                    paired.append((page, (runs[-2][0] + runs[-1][0]) / 2))
                paired.sort(key=lambda pair: pair[0][0] / pair[1])
                results[name, cached], floors[name, cached] = paired[len(paired) // 2]  # the median run
                spread[name, cached] = "/".join(f"{100 * page[0] / floor:.0f}" for page, floor in paired)
                if not cached and light:
                    # At full load latency is mostly waiting for a free worker; this is the page's own.
                    light_p99[name] = wrk(base + url, args.seconds, light, warm=False)[2]
                    runs.append(wrk(base + floor_url, args.seconds, args.connections, warm=False))
            results["floor /livez", cached] = sorted(runs)[len(runs) // 2]  # the median run
            floors["floor /livez", cached] = results["floor /livez", cached][0]
            if not cached and light:
                light_p99["floor /livez"] = wrk(base + floor_url, args.seconds, light, warm=args.warm)[2]
    pages["floor /livez"] = floor

    print(f"\n{args.db}, {args.articles:,} articles, {args.workers} gunicorn workers, wrk {args.connections} "
          f"connections, the median of {args.rounds} runs of {args.seconds} s per row; "
          + (f"p99 @{light}: uncached, {light} connections" if light else "no light-load runs"))
    print(f"settings other than the shipped defaults: {overrides(args.workers)}")
    print(f"{'page':<14}{'SQL':>4}{'cold ms':>8} | {'uncached req/s':>14}{'p50 ms':>8}{'p99 ms':>8}{'% floor':>8}"
          f"{f'p99 @{light}' if light else 'p99 light':>10} | {'cached req/s':>12}{'p50 ms':>8}{'p99 ms':>8}{'% floor':>8}{'errors':>7}")
    failed = []
    for name, (_url, queries, status, cold) in pages.items():
        row = f"{name:<14}{queries:>4}{cold:>8.1f} |"
        errors = 0
        for cached in (False, True):
            rate, p50, p99, err = results[name, cached]
            floor = floors[name, cached]
            errors += err
            row += f"{rate:>{14 if not cached else 12}.0f}{p50:>8.1f}{p99:>8.1f}{100 * rate / floor:>7.0f}%"
            if not cached:
                row += (f"{light_p99[name]:>10.1f}" if light else f"{'-':>10}") + " |"
        print(row + f"{errors:>7}" + ("" if status == 200 else f"  (HTTP {status})"))
        if errors or status != 200:
            failed.append(name)
    print("% floor of each run, lowest first (the table shows the middle one):")
    for name in pages:
        if name != "floor /livez":
            print(f"  {name:<14} uncached {spread[name, False]:<12} cached {spread[name, True]}")
    if import_rate:
        print(f"import: {import_rate:.0f} files/s, peak memory {peak:.0f} MB")
    if args.pages:
        print(f"not measured with wrk (--pages): {', '.join(unmeasured) or 'none'}")
    if failed:
        sys.exit(f"failed (an HTTP status other than 200, or wrk errors): {', '.join(failed)}")


if __name__ == "__main__":
    main()
