import pytest

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password="correct horse battery", is_staff=True)


def test_right_password_signs_in(client, editor):
    """An editor with the right password gets into the admin."""
    assert attempt(client, "editor", "correct horse battery").status_code == 302


def test_five_failures_lock_the_account_even_for_the_right_password(client, editor):
    """After five wrong passwords the account is locked: the right password is refused too."""
    for _ in range(4):
        assert attempt(client, "editor", "wrong").status_code == 200
    assert attempt(client, "editor", "wrong").status_code == 429  # the fifth failure locks
    locked = attempt(client, "editor", "correct horse battery")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_unknown_and_known_usernames_answer_alike(client, editor):
    """A made-up username is locked after five failures just like a real one."""
    for _ in range(5):
        attempt(client, "editor", "wrong")
        attempt(client, "nobody-here", "wrong")
    real, fake = attempt(client, "editor", "x"), attempt(client, "nobody-here", "x")
    assert real.status_code == fake.status_code == 429
    assert real.content == fake.content


def test_lock_ends_after_the_cool_off(client, editor):
    """Once the 15-minute cool-off has passed, the right password works again."""
    import datetime as dt

    from axes.models import AccessAttempt
    from django.utils import timezone

    for _ in range(5):
        attempt(client, "editor", "wrong")
    assert attempt(client, "editor", "correct horse battery").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert attempt(client, "editor", "correct horse battery").status_code == 302
