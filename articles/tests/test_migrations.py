"""Migrations run over existing data as an operator upgrading would run them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.models import Article

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("articles", "0003_fold_search_text")]


def migrate(targets=None):
    """Migrates to ``targets`` (else to the latest of every app) and gives the models as they are there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def back_to_the_latest():
    """Whatever a test does, the database is left migrated to the latest state for the next one."""
    yield
    migrate()


def test_upgrading_marks_derived_excerpts_and_keeps_search_working():
    """Upgraded from 0003, an excerpt equal to its body's start follows the body, a typed one stays, search still finds."""
    old = migrate(BEFORE).get_model("articles", "Article")
    derived = old.objects.create(title="派生", slug="a", body="<p>正文的开头。</p>", excerpt="正文的开头。",
                                 search_text="派生 正文的开头。")
    typed = old.objects.create(title="手写", slug="b", body="<p>另一段正文。</p>", excerpt="编辑写的",
                               search_text="手写 另一段正文。")
    migrate()
    assert Article.objects.get(pk=derived.pk).excerpt_from_body
    assert not Article.objects.get(pk=typed.pk).excerpt_from_body
    fresh = Article.objects.create(title="升级之后的文章", body="<p>喀布尔机场恢复航班</p>")
    assert list(Article.objects.search("机场恢复").values_list("pk", flat=True)) == [fresh.pk]
