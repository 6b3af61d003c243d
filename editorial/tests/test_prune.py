"""Pruning old revisions: each article keeps its latest ones and every one readers saw."""

from io import StringIO

import pytest
import reversion
from django.core.management import CommandError, call_command
from reversion.models import Revision, Version

from articles.models import Article
from articles.tests.factories import ArticleFactory
from editorial import revisions

pytestmark = pytest.mark.django_db

DRAFT, PUBLISHED, SCHEDULED = Article.Status.DRAFT, Article.Status.PUBLISHED, Article.Status.SCHEDULED


def saved(article, *statuses):
    """One revision of ``article`` per status, oldest first; returns the revisions."""
    made = []
    for n, status in enumerate(statuses):
        Article.objects.filter(pk=article.pk).update(status=status)
        article.refresh_from_db()
        revisions.record([article], f"{status} {n}")
        made.append(Revision.objects.latest("pk"))
    return made


def prune(*args):
    out = StringIO()
    call_command("prune_revisions", *args, stdout=out)
    return out.getvalue()


def kept(revision_list):
    return [Revision.objects.filter(pk=revision.pk).exists() for revision in revision_list]


def test_an_article_keeps_its_latest_revisions():
    """Of an article's draft revisions, only the latest ``--keep`` are left."""
    made = saved(ArticleFactory(status=DRAFT), DRAFT, DRAFT, DRAFT, DRAFT, DRAFT)
    assert "3" in prune("--keep", "2")
    assert kept(made) == [False, False, False, True, True]


def test_every_published_or_scheduled_revision_is_kept():
    """Revisions in which the article was published or scheduled stay, however old."""
    made = saved(ArticleFactory(status=DRAFT), PUBLISHED, DRAFT, SCHEDULED, DRAFT, DRAFT)
    prune("--keep", "1")
    assert kept(made) == [True, False, True, False, True]


def test_a_revision_of_several_articles_goes_only_when_prunable_for_each():
    """A revision shared by two articles stays while it is among the latest of either."""
    old, busy = ArticleFactory(status=DRAFT), ArticleFactory(status=DRAFT)
    with reversion.create_revision():
        reversion.add_to_revision(old)
        reversion.add_to_revision(busy)
    shared = Revision.objects.latest("pk")
    saved(busy, DRAFT, DRAFT)
    prune("--keep", "1")
    assert kept([shared]) == [True]  # still the latest of ``old``
    saved(old, DRAFT)
    prune("--keep", "1")
    assert kept([shared]) == [False]


def test_a_pruned_revision_takes_its_tag_rows_with_it():
    """Deleting a revision deletes all its versions, the article's tags and tag rows too."""
    article = ArticleFactory(status=DRAFT, tags=["标签"])
    first, _second = saved(article, DRAFT, DRAFT)
    assert first.version_set.count() == 3  # the article, its tag row, the tag
    prune("--keep", "1")
    assert not Version.objects.filter(revision_id=first.pk).exists()


def test_a_dry_run_counts_and_deletes_nothing():
    """``--dry-run`` says how many revisions would go and leaves them all."""
    made = saved(ArticleFactory(status=DRAFT), DRAFT, DRAFT, DRAFT)
    assert "Would delete 2" in prune("--keep", "1", "--dry-run")
    assert kept(made) == [True, True, True]


def test_keep_must_be_at_least_one():
    """Keeping no revision at all is refused with a clear message."""
    saved(ArticleFactory(status=DRAFT), DRAFT)
    with pytest.raises(CommandError, match="at least 1"):
        prune("--keep", "0")
    assert Revision.objects.count() == 1
