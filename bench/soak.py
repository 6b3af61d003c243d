"""Soak test: python bench/soak.py [--articles N] [--minutes 5] [--connections 32]

Runs gunicorn on 127.0.0.1 over a database built by bench/run.py (built here
if missing), drives a mix of pages with wrk for a bounded time, and samples
the memory of the gunicorn processes every 10 s. Prints requests, errors and
the memory samples; exits non-zero on any error or memory growth over 20%.

--tiny (as CI runs it) checks that the soak test works: 200 articles, 6 s,
a memory sample every second; memory growth is shown but not judged (a few
seconds are all warm-up), errors still fail it.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402

LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def rss_mb(pid):
    """Resident memory of a process and its children, in MB."""
    total = 0
    pids = [pid] + [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


# --tiny: the soak test's code in seconds; what is given explicitly still counts.
TINY = {"articles": 200, "minutes": 0.1, "connections": 4, "workers": 2, "sample_seconds": 1}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--sample-seconds", type=float, default=10, help="time between two memory samples")
    parser.add_argument("--tiny", action="store_true",
                        help="a quick check that the soak test runs (as CI does): "
                             + ", ".join(f"--{k.replace('_', '-')} {v}" for k, v in TINY.items()))
    if "--tiny" in sys.argv[1:]:
        parser.set_defaults(**TINY)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    env = run.base_env(run.database_url(args.db, args.articles))
    if run.article_count(env) != args.articles:
        run.build(args.db, args.articles, env)
    pages = run.pages_and_queries(env)
    paths = [url for url, *_measured in pages.values()]
    paths += ["/en/", "/archive/", "/healthz", "/sitemap.xml", "/search/?q=%E5%8C%BA%E5%9D%97%E9%93%BE"]
    seconds = max(1, round(args.minutes * 60))
    samples = []
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script, run.Gunicorn(env, args.workers, page_cache=True) as server:
        script.write(LUA % ", ".join(f'"{p}"' for p in paths))
        script.flush()
        stop = threading.Event()

        def sample():
            while not stop.wait(args.sample_seconds):
                samples.append(round(rss_mb(server.process.pid), 1))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        result = subprocess.run(
            ["wrk", "-t2", f"-c{args.connections}", f"-d{seconds}s", "--timeout", "10s", "--latency",
             "-s", script.name, f"http://127.0.0.1:{server.port}"],
            capture_output=True, text=True, timeout=seconds + 60,
        )
        stop.set()
    out = result.stdout
    print(out)
    found = run.re.search(r"(\d+) requests in", out)
    if result.returncode != 0 or not found:
        sys.exit(f"wrk failed:\n{result.stderr}")
    requests = int(found.group(1))
    errors = sum(int(n) for n in run.re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket = run.re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors += sum(int(n) for n in socket.groups()) if socket else 0
    print(f"pages: {len(paths)}, requests: {requests}, errors: {errors}")
    print(f"settings other than the shipped defaults: {run.overrides(args.workers, page_cache='1')}")
    print(f"gunicorn memory (MB, every {args.sample_seconds:g} s): {samples}")
    settled = samples[len(samples) // 3 :] or samples
    growth = (max(settled) - settled[0]) / settled[0] if settled else 0
    print(f"memory growth after warm-up: {growth:.1%}" + (" (not judged: --tiny)" if args.tiny else ""))
    if errors:
        sys.exit(f"failed: {errors} errors")
    if growth > 0.2 and not args.tiny:
        sys.exit(f"failed: memory grew by {growth:.0%}")


if __name__ == "__main__":
    main()
