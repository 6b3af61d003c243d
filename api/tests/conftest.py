import pytest
from django.contrib.auth.models import Permission, User

from api.models import ApiToken
from articles.tests.conftest import browser, page  # noqa: F401 - the browser fixtures, shared


def make_token(user, name="测试客户端", **fields):
    """A saved token of ``user`` and its key."""
    token = ApiToken(user=user, name=name, **fields)
    key = token.new_key()
    token.save()
    return token, key


@pytest.fixture
def staff(db):
    """A staff user who may view articles in the admin, and nothing more."""
    user = User.objects.create_user("reader-staff", "staff@example.com", "x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    return user


@pytest.fixture
def token_key(staff):
    return make_token(staff)[1]


@pytest.fixture
def bearer(token_key):
    """Headers for the test client that carry the staff token."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token_key}"}


def items(response):
    """The articles (or other items) of a 200 list answer."""
    assert response.status_code == 200, response.content
    return response.json()["items"]


def titles(response):
    return [item["title"] for item in items(response)]


def error_of(response, status):
    """The ``error`` object of an error answer, after checking its status and shape."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}
    return body["error"]
