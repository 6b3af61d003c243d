import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User

from editorial.roles import AUTHOR, CONTRIBUTOR, EDITOR, make_groups


def member(role, name=None):
    """A staff user in one of the migration's groups (``None``: a superuser)."""
    name = name or f"{(role or 'admin').lower()}{User.objects.count()}"
    if role is None:
        return User.objects.create_superuser(name, f"{name}@example.com", "x")
    user = User.objects.create_user(name, f"{name}@example.com", "x", is_staff=True)
    if not Group.objects.filter(name=role).exists():  # a browser test's flush emptied the migration's groups
        make_groups(apps, None)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def contributor(db):
    return member(CONTRIBUTOR, "contributor")


@pytest.fixture
def author(db):
    return member(AUTHOR, "author")


@pytest.fixture
def editor(db):
    return member(EDITOR, "editor")


from articles.tests.conftest import browser, page  # noqa: E402,F401 - the browser fixtures, shared
