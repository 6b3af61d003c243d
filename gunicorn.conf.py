"""gunicorn settings, from the environment: `gunicorn newsroom.wsgi` picks this file up.

The defaults are the measured ones (bench/run.py and the peer benchmark run
this file as it is): workers live as long as the server, because a recycled
worker starts cold (imports, compiled templates, its own cached pieces) and
its first requests wait for that; and no access log, because a line per
request costs more than a cached page. Set GUNICORN_MAX_REQUESTS to recycle
workers after that many requests (against a leak, say), and
GUNICORN_ACCESS_LOG=- for an access log on stdout (a proxy in front usually
keeps one already).
"""

import multiprocessing
import os

bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
