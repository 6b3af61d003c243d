"""Contributor, Author and Editor: what each may do to whose article, enforced on the server."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from articles.models import Article
from articles.tests.factories import ArticleFactory
from articles.tests.testdata import form_data

from .conftest import member

Status = Article.Status
CHANGELIST = reverse("admin:articles_article_changelist")
ADD = reverse("admin:articles_article_add")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def post_form(client, article, **changes):
    url = change_url(article) if article.pk else ADD
    return client.post(url, form_data(article if article.pk else None, **changes))


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def test_the_migration_makes_the_three_groups_with_their_permissions(db):
    """Contributors may not publish, authors may, editors also review; the code asks permissions, not names."""
    contributor, author, editor = (member(role) for role in ("Contributor", "Author", "Editor"))
    assert not contributor.has_perm("articles.publish_article") and contributor.has_perm("articles.add_article")
    assert author.has_perm("articles.publish_article") and not author.has_perm("articles.review_article")
    assert editor.has_perm("articles.review_article") and editor.has_perm("articles.change_category")
    assert not author.has_perm("articles.change_category")


def test_a_new_article_records_its_writer(as_user, contributor):
    """The article made from the add form belongs to whoever made it."""
    response = post_form(as_user(contributor), Article(), title="投稿", status=Status.DRAFT)
    assert response.status_code == 302
    assert Article.objects.get(title="投稿").created_by == contributor


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.SCHEDULED])
def test_a_contributor_who_posts_a_publishing_status_gets_a_form_error(as_user, contributor, status):
    """A hand-made POST of published or scheduled by a contributor is refused with a message; nothing is saved."""
    article = ArticleFactory(status=Status.DRAFT, created_by=contributor, title="草稿")
    response = post_form(as_user(contributor), article, status=status, title="想发布")
    assert response.status_code == 200
    assert "请提交审核" in str(response.context["adminform"].form.errors["status"])
    article.refresh_from_db()
    assert (article.status, article.title) == (Status.DRAFT, "草稿")


def test_a_contributor_is_offered_only_draft_and_review(as_user, contributor):
    """The status menu of a contributor's form holds draft and in review, nothing that publishes."""
    article = ArticleFactory(status=Status.DRAFT, created_by=contributor)
    form = as_user(contributor).get(change_url(article)).context["adminform"].form
    assert [value for value, _label in form.fields["status"].choices] == [Status.DRAFT, Status.REVIEW]


@pytest.mark.parametrize(
    ("role", "whose", "status", "may_change"),
    [
        ("Contributor", "own", Status.DRAFT, True),
        ("Contributor", "own", Status.REVIEW, False),
        ("Contributor", "own", Status.PUBLISHED, False),
        ("Contributor", "other", Status.DRAFT, False),
        ("Author", "own", Status.PUBLISHED, True),
        ("Author", "own", Status.DRAFT, True),
        ("Author", "other", Status.DRAFT, False),
        ("Author", "other", Status.PUBLISHED, False),
        ("Editor", "other", Status.PUBLISHED, True),
        ("Editor", "other", Status.REVIEW, True),
        (None, "other", Status.PUBLISHED, True),
    ],
)
def test_who_may_change_which_article(as_user, db, role, whose, status, may_change):
    """A change POST lands only for those allowed; for the others the article stays as it was."""
    user = member(role)
    owner = user if whose == "own" else member("Contributor")
    article = ArticleFactory(status=status, created_by=owner, title="原题")
    client = as_user(user)
    response = post_form(client, article, title="改题", status=Status.DRAFT)
    article.refresh_from_db()
    assert (article.title == "改题") == may_change, response.status_code
    if not may_change:
        assert response.status_code == 403
        page = client.get(change_url(article))  # they may still read it
        assert page.status_code == 200 and not page.context["has_change_permission"]


@pytest.mark.parametrize(("role", "own", "publishes"), [
    ("Contributor", True, False), ("Author", True, True), ("Author", False, False),
    ("Editor", False, True), (None, False, True),
])
def test_publishing_from_the_form(as_user, db, role, own, publishes):
    """Only those with the publish permission publish, and authors only their own articles."""
    user = member(role)
    article = ArticleFactory(status=Status.DRAFT, created_by=user if own else member("Contributor"))
    post_form(as_user(user), article, status=Status.PUBLISHED)
    article.refresh_from_db()
    assert (article.status == Status.PUBLISHED) == publishes


@pytest.mark.parametrize("action", ["publish", "unpublish"])
@pytest.mark.parametrize(("role", "changed"), [
    ("Contributor", set()), ("Author", {"own"}), ("Editor", {"own", "other"}), (None, {"own", "other"}),
])
def test_bulk_actions_by_role(as_user, db, action, role, changed):
    """The list's publish and unpublish actions: refused to contributors, own articles only for authors."""
    user = member(role)
    start = Status.DRAFT if action == "publish" else Status.PUBLISHED
    articles = {
        "own": ArticleFactory(status=start, created_by=user),
        "other": ArticleFactory(status=start, created_by=member("Contributor")),
    }
    client = as_user(user)
    client.post(CHANGELIST, {"action": action, ACTION_CHECKBOX_NAME: [a.pk for a in articles.values()]})
    moved = {name for name, article in articles.items() if Article.objects.get(pk=article.pk).status != start}
    assert moved == changed
    action_form = client.get(CHANGELIST).context["action_form"]
    offered = action_form is not None and action in dict(action_form.fields["action"].choices)
    assert offered == bool(changed)


@pytest.mark.parametrize(("role", "whose", "status", "deletes"), [
    ("Contributor", "own", Status.DRAFT, False),
    ("Author", "own", Status.DRAFT, True),
    ("Author", "own", Status.PUBLISHED, False),
    ("Author", "other", Status.DRAFT, False),
    ("Editor", "other", Status.PUBLISHED, True),
])
def test_who_may_delete(as_user, db, role, whose, status, deletes):
    """Deleting, from the form or the list's action: authors only their own unpublished articles, editors any."""
    user = member(role)
    for via in ("form", "action"):
        article = ArticleFactory(status=status, created_by=user if whose == "own" else member("Contributor"))
        client = as_user(user)
        if via == "form":
            client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
        else:
            client.post(CHANGELIST, {"action": "delete_selected", "post": "yes", ACTION_CHECKBOX_NAME: [article.pk]})
        assert Article.objects.filter(pk=article.pk).exists() != deletes, via


def test_reversions_recovery_of_deleted_articles_is_not_offered(client, db):
    """Recovering a deleted article would write its old row back past the sanitizer: the pages are gone."""
    client.force_login(member(None))
    assert client.get(reverse("admin:articles_article_recoverlist")).status_code == 404
    assert "recoverlist" not in client.get(CHANGELIST).content.decode()
