"""Import benchmark: python bench/import_bench.py N [--workers W] [--db sqlite|postgres]

Generates N posts whose titles, dates, categories, pictures and bodies all
differ, imports them into a fresh database with ``manage.py import_seeds``
twice (first import, then an unchanged re-import), and prints files/s and the
peak memory of the largest process.

The posts are made by ``shared/bench/gen_corpus.py`` from the shared corpus
when the repository sits beside ``shared/`` (as on the team's machines), else
by a small generator of the same kind over ``fixtures/seeds``. With
``--db postgres`` the import goes into a database made for the run (and
dropped after it) on the PostgreSQL at ``--postgres`` (default
postgres://postgres:postgres@127.0.0.1:5432).
"""

import argparse
import contextlib
import datetime as dt
import importlib.util
import io
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GEN_CORPUS = SHARED / "bench" / "gen_corpus.py"
CORPUS = [SHARED / "corpus" / "seed", SHARED / "corpus" / "rsshub-hexo"]
FALLBACK = ROOT / "fixtures" / "seeds"
SEED = 42
POSTGRES = "postgres://postgres:postgres@127.0.0.1:5432"


def corpus_files():
    """The shared corpus's post files (``*.md`` and ``*.txt``, no READMEs), sorted."""
    found = [
        path for folder in CORPUS if folder.is_dir() for path in folder.rglob("*")
        if path.is_file() and path.suffix in (".md", ".txt") and not path.name.upper().startswith("README")
    ]
    return sorted(str(path) for path in found)


def generate(n, out, seed=SEED):
    """Write ``n`` posts into the folder ``out``: the shared generator's when it is there, else our own."""
    out = Path(out)
    files = corpus_files() if GEN_CORPUS.is_file() else []
    if files:
        spec = importlib.util.spec_from_file_location("gen_corpus", GEN_CORPUS)
        gen_corpus = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(gen_corpus)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            gen_corpus.main([str(out), str(n), "--seed", str(seed), "--from", *files])
    else:
        _generate_from_fixtures(n, out, seed)


# --- the fallback: varied posts from the repository's own fixtures ------------------------

_FRONT_MATTER = re.compile(r"\A\ufeff?\s*(---|\+\+\+)[ \t]*\r?\n.*?\r?\n\1[ \t]*\r?\n", re.S)
_TITLE = re.compile(r"""^title\s*[:=]\s*["']?(.+?)["']?\s*$""", re.M)
_BLOCK = re.compile(r"<(p|h[1-6]|figure|blockquote|ul|ol|table|pre)\b[^>]*>.*?</\1\s*>", re.S | re.I)
SOURCES = [("新媒体", "cnBeta"), ("新媒体", "IT之家"), ("新媒体", "少数派"), ("传统媒体", "BBC 中文"),
           ("传统媒体", "联合早报"), ("博客", "阮一峰的网络日志"), ("博客", "V2EX"), ("博客", "Solidot")]
SECTIONS = ["新闻", "最新", "科技", "财经", "国际"]
TAGS = ["科技", "财经", "区块链", "游戏", "编程", "AI", "Linux", "手机", "国际", "产品", "设计", "安全"]


def _fixture_parts():
    """(titles, body blocks) of the fixture posts: HTML blocks, else the Markdown paragraphs."""
    titles, blocks = [], []
    for path in sorted(FALLBACK.iterdir()):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        match = _FRONT_MATTER.match(text)
        head, body = (text[: match.end()], text[match.end():]) if match else ("", text)
        title = _TITLE.search(head)
        if title:
            titles.append(title.group(1).strip())
        found = [m.group(0) for m in _BLOCK.finditer(body)]
        blocks += found or [part.strip() for part in re.split(r"\n\s*\n", body) if part.strip()]
    return titles or ["新闻"], blocks or ["<p>正文</p>"]


def _generate_from_fixtures(n, out, seed):
    rng = random.Random(seed)
    titles, blocks = _fixture_parts()
    words = [word for title in titles for word in re.split(r"[\s，,：:、|｜\-—!！?？“”\"'（）()]+", title) if len(word) >= 2]
    start, span = dt.datetime(2018, 1, 1, tzinfo=dt.timezone.utc), 8 * 365 * 86400
    for i in range(n):
        title = " ".join(rng.choice(words or titles) for _ in range(rng.randint(2, 4)))[:70] + f" #{i}"
        group, source = rng.choice(SOURCES)
        when = start + dt.timedelta(seconds=rng.randrange(span))
        body = "\n\n".join(rng.sample(blocks, min(len(blocks), rng.randint(3, 12))))
        image = f"https://img.example.com/{when:%Y/%m}/{i:06d}.jpg"
        lines = [
            "---", "title: '" + title.replace("'", "''") + "'", "categories:",
            f" - {group}", f" - {source}", f" - {rng.choice(SECTIONS)}",
            f"tags: [{rng.choice(TAGS)}, {rng.choice(TAGS)}]", f"headimg: '{image}'", f"thumbnail: '{image}'",
            f"author: {source}", "date: " + when.strftime("%a, %d %b %Y %H:%M:%S GMT"), "---",
        ]
        (out / f"{i:05d}.md").write_text("\n".join(lines) + "\n\n<div>\n" + body + "\n</div>\n", encoding="utf-8")


# --- running ---------------------------------------------------------------------------------


def run_import(env, posts, workers):
    """Import the folder ``posts``: (seconds, peak MB of the largest process so far, summary line)."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run(
        [sys.executable, "manage.py", "import_seeds", str(posts), "-v", "1", "--workers", str(workers)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"import failed:\n{result.stderr[-3000:]}")
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return elapsed, peak / 1024, result.stdout.strip().splitlines()[-1]


@contextlib.contextmanager
def database(kind, tmp, server):
    """A DATABASE_URL for a fresh database, removed afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'bench.sqlite3'}"
        return
    import psycopg

    name = f"newsroom_import_bench_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres", default=POSTGRES, help="the PostgreSQL server for --db postgres (no database name)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        posts = tmp / "posts"
        posts.mkdir()
        generate(args.n, posts, args.seed)
        with database(args.db, tmp, args.postgres.rstrip("/")) as url:
            env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "bench-only-" + "x" * 40,
                   "DATABASE_URL": url, "MEDIA_ROOT": str(tmp / "media")}
            subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
            print(f"{args.db}, {args.n} posts ({'gen_corpus' if GEN_CORPUS.is_file() else 'fixtures'})")
            print(f"{'run':<22}{'files':>8}{'seconds':>10}{'files/s':>10}{'peak MB':>10}  summary")
            for label in ("first import", "unchanged re-import"):
                seconds, peak, summary = run_import(env, posts, args.workers)
                print(f"{label:<22}{args.n:>8}{seconds:>10.2f}{args.n / seconds:>10.0f}{peak:>10.0f}  {summary}")


if __name__ == "__main__":
    main()
