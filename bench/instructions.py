"""CPU instructions per request: python bench/instructions.py [--articles N] [--page-cache] PATH...

Timings on a shared 2-core machine move by a third from one run to the next;
instruction counts do not. Each PATH is requested through Django's WSGI
handler, as gunicorn calls it (with its percent-decoding of the address),
under valgrind's callgrind (`apt-get install valgrind`): once with 0 and once
with 40 requests after 5 warm-up requests, and the difference is divided by
40, so start-up costs cancel out. Uses the database built by bench/run.py.

--tiny (as CI runs it) checks that the count works, on "/" unless PATHs are
given: 200 articles, 1 warm-up and 5 counted requests. Exits non-zero if a
path answers 4xx or 5xx.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402

# Run inside valgrind: argv = path, requests.
CLIENT = r"""
import io, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
from urllib.parse import unquote_to_bytes
from newsroom.wsgi import application

path, _, query = sys.argv[1].partition("?")

def call():
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": unquote_to_bytes(path).decode("latin-1"), "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
    }
    status = []
    body = b"".join(application(environ, lambda s, headers, exc_info=None: status.append(s)))
    return status[0], len(body)

for _ in range(int(sys.argv[3])):
    first = call()
for _ in range(int(sys.argv[2])):
    call()
print("RESULT", *first)
"""


def instructions(env, path, requests, warm_ups):
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out", sys.executable, "-c", CLIENT,
             path, str(requests), str(warm_ups)],
            cwd=run.ROOT, env=env, capture_output=True, text=True,
        )
    if result.returncode != 0:
        sys.exit(f"valgrind on {path} failed:\n{result.stderr[-3000:]}")
    total = int(re.search(r"Collected : (\d+)", result.stderr).group(1))
    status = re.search(r"^RESULT (.*)$", result.stdout, re.M).group(1)
    return total, status


# --tiny: the count's code in seconds; what is given explicitly still counts.
TINY = {"articles": 200, "requests": 5, "warm_ups": 1}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", metavar="PATH", help="e.g. / or /feeds/rss/ (percent-encoded)")
    parser.add_argument("--articles", type=int, default=10_000, help="the bench/run.py database to use")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--page-cache", action="store_true", help="serve pages from the page cache")
    parser.add_argument("--requests", type=int, default=40, help="requests counted (after the warm-up ones)")
    parser.add_argument("--warm-ups", type=int, default=5, help="requests before the counted ones")
    parser.add_argument("--tiny", action="store_true",
                        help="a quick check that the count runs (as CI does), on / unless PATHs are given: "
                             + ", ".join(f"--{k.replace('_', '-')} {v}" for k, v in TINY.items()))
    if "--tiny" in sys.argv[1:]:
        parser.set_defaults(**TINY)
    args = parser.parse_args()
    if not args.paths:
        if not args.tiny:
            parser.error("at least one PATH is needed")
        args.paths = ["/"]
    if args.requests < 1 or args.warm_ups < 1:
        parser.error("--requests and --warm-ups must be at least 1")
    if not shutil.which("valgrind"):
        sys.exit("valgrind is needed: apt-get install valgrind")
    env = run.base_env(run.database_url(args.db, args.articles))
    env["NEWSROOM_PAGE_CACHE"] = "1" if args.page_cache else "0"
    if run.article_count(env) != args.articles:
        run.build(args.db, args.articles, env)
    shown = {name: os.environ[name] for name in os.environ if name.startswith("NEWSROOM_") or name == "REDIS_URL"}
    shown["NEWSROOM_PAGE_CACHE"] = env["NEWSROOM_PAGE_CACHE"]
    print("settings other than the shipped defaults: " + ", ".join(f"{k}={v}" for k, v in shown.items()))
    failed = []
    for path in args.paths:
        # Counts do not depend on the machine's load: both runs at once, one per core.
        with ThreadPoolExecutor(2) as pool:
            runs = pool.map(lambda n: instructions(env, path, n, args.warm_ups), (0, args.requests))
            (base, _), (total, status) = runs
        shown = path if len(path) <= 60 else path[:57] + "..."
        print(f"{(total - base) / args.requests / 1e6:6.2f} M instructions/request  {status}  {shown}")
        if status[:1] in ("4", "5"):
            failed.append(path)
    if failed:
        sys.exit(f"failed (answered 4xx or 5xx): {', '.join(failed)}")


if __name__ == "__main__":
    main()
