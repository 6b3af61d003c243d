"""The shipped gunicorn settings are the measured ones: workers are not recycled, no access log."""

import os
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def shipped(monkeypatch, **env):
    for name in ("GUNICORN_MAX_REQUESTS", "GUNICORN_ACCESS_LOG", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_workers_live_as_long_as_the_server(monkeypatch):
    """By default no worker is recycled (a recycled worker starts cold and its first readers wait)."""
    assert shipped(monkeypatch)["max_requests"] == 0


def test_recycling_is_a_choice_with_jitter(monkeypatch):
    """GUNICORN_MAX_REQUESTS turns recycling on, spread out so workers do not restart together."""
    conf = shipped(monkeypatch, GUNICORN_MAX_REQUESTS="5000")
    assert (conf["max_requests"], conf["max_requests_jitter"]) == (5000, 500)


def test_the_access_log_is_off_unless_asked_for(monkeypatch):
    """No access log line per request by default; GUNICORN_ACCESS_LOG=- writes one to stdout."""
    assert shipped(monkeypatch)["accesslog"] is None
    assert shipped(monkeypatch, GUNICORN_ACCESS_LOG="-")["accesslog"] == "-"


def test_the_benchmark_runs_the_shipped_server_settings(monkeypatch):
    """bench/run.py changes only the workers, the address, the page cache and the API's rate limit, and says so."""
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    for name in [n for n in os.environ if n.startswith(("GUNICORN_", "NEWSROOM_"))] + ["REDIS_URL", "API_RATE_LIMIT"]:
        monkeypatch.delenv(name, raising=False)
    import run

    server = run.Gunicorn({"PATH": "/usr/bin"}, workers=2, page_cache=True)
    assert set(server.env) == {"PATH", "NEWSROOM_PAGE_CACHE", "WEB_CONCURRENCY", "BIND"}
    assert run.overrides(2) == "WEB_CONCURRENCY=2, NEWSROOM_PAGE_CACHE=0 and 1, API_RATE_LIMIT=off"
    sys.modules.pop("run")
