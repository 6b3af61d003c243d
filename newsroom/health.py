import time

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def livez(request):
    """Liveness: the process answers. Touches nothing, so it is also the framework's speed floor."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def healthz(request):
    """Readiness for load balancers: the database and the cache both answer."""
    checks = {}
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # report, never raise: this page must always answer
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        cache.set("newsroom:healthz", 1, 10)
        checks["cache"] = "ok" if cache.get("newsroom:healthz") == 1 else "error: value lost"
    except Exception as exc:
        checks["cache"] = f"error: {type(exc).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    checks["status"] = "ok" if healthy else "error"
    checks["ms"] = round((time.perf_counter() - started) * 1000, 2)
    return JsonResponse(checks, status=200 if healthy else 503)
