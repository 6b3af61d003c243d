"""Import benchmark: python bench/import_bench.py N [--workers W]

Generates N posts from the shared corpus (the RSS-to-Hexo posts, each copy
with its own title), imports them into a fresh SQLite database with
``manage.py import_seeds`` twice (first import, then an unchanged re-import),
and prints files/s and the peak memory of the largest process.
"""

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
FALLBACK = ROOT / "fixtures" / "seeds"
TITLE = re.compile(r"^title: '(.*)'$", re.M)


def templates():
    folders = [CORPUS / "rsshub-hexo", CORPUS / "seed"] if CORPUS.is_dir() else [FALLBACK]
    files = sorted(p for folder in folders for p in folder.iterdir() if p.is_file())
    texts = [p.read_text(encoding="utf-8") for p in files]
    return [t for t in texts if TITLE.search(t)]


TAGS = ["科技", "财经", "区块链", "游戏", "编程", "AI", "Linux", "手机", "国际", "产品", "设计", "安全"]


def generate(n, out):
    """Write ``n`` posts: corpus posts with their own titles and two tags each."""
    sources = templates()
    for i in range(n):
        text = sources[i % len(sources)]
        tags = f"tags: [{TAGS[i % len(TAGS)]}, {TAGS[(i // len(TAGS)) % len(TAGS)]}]"
        text = TITLE.sub(lambda m: f"title: '{m.group(1)} #{i}'\n{tags}", text, count=1)
        folder = out / f"{i // 1000:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"post-{i}.md").write_text(text, encoding="utf-8")


def run_import(env, posts, workers):
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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int)
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        posts = tmp / "posts"
        posts.mkdir()
        generate(args.n, posts)
        env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "bench-only-" + "x" * 40,
               "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}", "MEDIA_ROOT": str(tmp / "media")}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        print(f"{'run':<22}{'files':>8}{'seconds':>10}{'files/s':>10}{'peak MB':>10}  summary")
        for label in ("first import", "unchanged re-import"):
            seconds, peak, summary = run_import(env, posts, args.workers)
            print(f"{label:<22}{args.n:>8}{seconds:>10.2f}{args.n / seconds:>10.0f}{peak:>10.0f}  {summary}")


if __name__ == "__main__":
    main()
