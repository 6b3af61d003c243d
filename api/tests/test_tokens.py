"""Who sees what: readers only published articles; a staff token also drafts, reviews and scheduled ones."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken, key_digest
from articles.models import Article
from articles.tests.factories import ArticleFactory

from .conftest import error_of, make_token, titles

pytestmark = pytest.mark.django_db
LIST = "/api/v1/articles"


@pytest.fixture
def unpublished():
    later = timezone.now() + dt.timedelta(days=1)
    return {
        "draft": ArticleFactory(title="草稿", status=Article.Status.DRAFT),
        "review": ArticleFactory(title="待审", status=Article.Status.REVIEW),
        "scheduled": ArticleFactory(title="定时", status=Article.Status.SCHEDULED, published_at=later),
        "published": ArticleFactory(title="已发布"),
    }


def test_readers_never_see_drafts_reviews_or_scheduled_articles(client, unpublished):
    """Anonymous: the list holds only the published article, and the others are 404 by id and by slug."""
    assert titles(client.get(LIST)) == ["已发布"]
    for name in ("draft", "review", "scheduled"):
        article = unpublished[name]
        assert error_of(client.get(f"{LIST}/{article.pk}"), 404)["code"] == "not_found"
        assert error_of(client.get(f"{LIST}/by-slug/{article.slug}"), 404)["code"] == "not_found"


def test_a_staff_token_sees_every_status_and_filters_by_it(client, unpublished, bearer):
    """With a staff token the list has every article, each with its status, and ?status= narrows it."""
    response = client.get(LIST, **bearer)
    assert {item["title"]: item["status"] for item in response.json()["items"]} == {
        "草稿": "draft", "待审": "review", "定时": "scheduled", "已发布": "published"}
    for status, title in (("draft", "草稿"), ("review", "待审"), ("scheduled", "定时"), ("published", "已发布")):
        assert titles(client.get(LIST, {"status": status}, **bearer)) == [title]
    draft = unpublished["draft"]
    assert client.get(f"{LIST}/{draft.pk}", **bearer).json()["body"] == draft.body
    assert client.get(f"{LIST}/by-slug/{draft.slug}", **bearer).json()["id"] == draft.pk


def test_token_answers_are_never_cached(client, unpublished, bearer):
    """A token's answer is private, no-store, with no ETag: drafts never land in a shared cache."""
    response = client.get(LIST, **bearer)
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"] and not response.has_header("ETag")
    assert "Authorization" in response["Vary"]
    assert titles(client.get(LIST)) == ["已发布"]  # and the readers' answer was not taken from it


def test_a_revoked_token_is_refused_at_once(client, staff, unpublished):
    """Revoking a token in the admin makes its next request a 401."""
    token, key = make_token(staff)
    assert client.get(LIST, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    response = client.get(LIST, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert error_of(response, 401)["code"] == "unauthorized" and response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer wrong-key", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc"])
def test_an_unknown_or_malformed_token_is_a_401(client, unpublished, header):
    """A key nobody was given, or no key, or another scheme: 401, never the anonymous list instead."""
    assert error_of(client.get(LIST, HTTP_AUTHORIZATION=header), 401)["code"] == "unauthorized"


def test_the_token_of_an_inactive_user_is_refused(client, staff, unpublished):
    """A deactivated account's tokens stop working with it (401)."""
    key = make_token(staff)[1]
    User.objects.filter(pk=staff.pk).update(is_active=False)
    assert error_of(client.get(LIST, HTTP_AUTHORIZATION=f"Bearer {key}"), 401)["code"] == "unauthorized"


def test_a_user_who_is_not_staff_or_may_not_view_articles_is_forbidden(client, staff, unpublished):
    """A token whose user lost staff status, or never could view articles, is a 403."""
    key = make_token(staff)[1]
    User.objects.filter(pk=staff.pk).update(is_staff=False)
    assert error_of(client.get(LIST, HTTP_AUTHORIZATION=f"Bearer {key}"), 403)["code"] == "forbidden"
    plain = User.objects.create_user("plain", is_staff=True)
    key = make_token(plain)[1]
    assert error_of(client.get(LIST, HTTP_AUTHORIZATION=f"Bearer {key}"), 403)["code"] == "forbidden"


def test_a_group_permission_is_enough(client, unpublished):
    """view_article through a group (as the Editor group gives it) opens drafts like a direct one."""
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="API readers")
    group.permissions.add(Permission.objects.get(codename="view_article"))
    user = User.objects.create_user("grouped", is_staff=True)
    user.groups.add(group)
    key = make_token(user)[1]
    assert "草稿" in titles(client.get(LIST, HTTP_AUTHORIZATION=f"Bearer {key}"))


def test_only_the_digest_of_the_key_is_stored_and_use_is_recorded(client, staff, unpublished):
    """The database holds the key's SHA-256, never the key; a request records when the token was last used."""
    token, key = make_token(staff)
    token.refresh_from_db()
    assert len(key) == 40 and token.digest == key_digest(key) and key not in str(ApiToken.objects.values().get())
    assert token.prefix == key[:8] and token.last_used_at is None
    client.get(LIST, HTTP_AUTHORIZATION=f"Bearer {key}")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_admin_shows_a_new_key_once(admin_client, staff):
    """Adding a token shows its key on the next page only; the change form shows its first characters."""
    response = admin_client.post(reverse("admin:api_apitoken_add"), {"user": staff.pk, "name": "通讯稿"})
    assert response.status_code == 200
    token = ApiToken.objects.get()
    page = response.content.decode()
    key = page.split('id="api-key"', 1)[1].split(">", 1)[1].split("<", 1)[0]
    assert token.digest == key_digest(key) and token.user == staff
    assert "请现在复制" in page and "返回令牌列表" in page  # the admin's language
    assert "no-store" in response["Cache-Control"]
    change = admin_client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert key not in change and token.prefix in change


def test_the_admin_revokes_selected_tokens(admin_client, staff):
    """The list's action revokes the chosen tokens and leaves the others."""
    first, second = make_token(staff, "一")[0], make_token(staff, "二")[0]
    admin_client.post(reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [first.pk]})
    first.refresh_from_db(), second.refresh_from_db()
    assert first.revoked and not second.revoked


def test_staff_who_are_not_superusers_make_and_see_only_their_own_tokens(client, staff):
    """A staff user allowed to manage tokens cannot make one in another user's name, nor see others'."""
    for codename in ("add_apitoken", "change_apitoken", "view_apitoken"):
        staff.user_permissions.add(Permission.objects.get(codename=codename))
    boss = User.objects.create_superuser("boss", "boss@example.com", "x")
    make_token(boss, "老板的")
    client.force_login(staff)
    response = client.post(reverse("admin:api_apitoken_add"), {"user": boss.pk, "name": "冒名"})
    assert response.status_code == 200 and "user" in response.context["adminform"].form.errors
    assert "老板的" not in client.get(reverse("admin:api_apitoken_changelist")).content.decode()
    client.post(reverse("admin:api_apitoken_add"), {"user": staff.pk, "name": "我的"})
    assert ApiToken.objects.filter(user=staff, name="我的").exists()
