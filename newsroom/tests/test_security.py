import json
import logging

import pytest

from newsroom.logging import JSONFormatter

pytestmark = pytest.mark.django_db


def test_public_pages_send_security_headers(client):
    """Pages carry CSP, nosniff, frame denial, a referrer policy and COOP."""
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_json_log_lines_carry_request_context(rf):
    """Log lines are JSON objects with the request's method, path and status."""
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/x",), None)
    record.request = rf.get("/x?y=1")
    record.status_code = 500
    line = json.loads(JSONFormatter().format(record))
    assert line["message"] == "Internal Server Error: /x"
    assert line["request"] == {"method": "GET", "path": "/x?y=1"}
    assert line["status"] == 500 and line["level"] == "ERROR"
