"""One shape for every error the API answers: ``{"error": {"code", "message", "field"}}``."""

from http import HTTPStatus

from django.http import Http404, JsonResponse
from ninja.errors import AuthenticationError, HttpError, ValidationError

API_PREFIX = "/api/"


class ApiError(Exception):
    """An answer other than 200, raised from anywhere in a request: a bad filter, an unknown id, a bad token."""

    def __init__(self, status, code, message, field=None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def error_response(status, code, message, field=None):
    body = {"error": {"code": code, "message": message, "field": field}}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _code(status):
    return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")  # 405: method_not_allowed


def on_api_error(request, exc):
    return error_response(exc.status, exc.code, exc.message, exc.field)


def on_invalid_input(request, exc):
    """A query parameter pydantic refused: the first one, named, with pydantic's reason."""
    error = exc.errors[0]
    location = [part for part in error.get("loc", ()) if part not in ("query", "path", "filters")]
    field = str(location[-1]) if location else None
    message = error.get("msg", "Invalid value.")
    if error.get("type") == "extra_forbidden":
        message = "Unknown parameter."
    return error_response(400, "invalid", message, field)


def on_http_error(request, exc):
    return error_response(exc.status_code, _code(exc.status_code), str(exc.message))


def on_not_found(request, exc):
    return error_response(404, "not_found", "Not found.")


def on_unauthorized(request, exc):
    return error_response(401, "unauthorized", "A valid token is needed.")


def register_handlers(api):
    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(ValidationError, on_invalid_input)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(AuthenticationError, on_unauthorized)


class ApiResponseMiddleware:
    """What the API's views do not answer themselves is JSON too: an unknown address (404), a method
    other than GET (405), a server error (500). And API responses never vary by language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return response
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            status = response.status_code
            json = error_response(status, _code(status), HTTPStatus(status).phrase.capitalize() + ".")
            for header, value in response.items():  # Allow, and the security headers
                if header.lower() not in ("content-type", "content-length"):
                    json[header] = value
            response = json
        if "Vary" in response:
            kept = [v.strip() for v in response["Vary"].split(",") if v.strip().lower() != "accept-language"]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
