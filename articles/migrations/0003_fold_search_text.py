"""Store search_text lower-cased, and index it as it is on PostgreSQL.

Search used to fold case on every candidate row (``UPPER(search_text) LIKE``);
with the text folded once when stored, a plain LIKE does. Rows are rewritten
in Python, so stored and searched text are folded by the same rule. On SQLite
the FTS5 triggers of migration 0002 re-index each rewritten row.
"""

from django.db import migrations

BATCH = 1000


def fold(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    rows = Article.objects.only("pk", "search_text").order_by("pk")
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:BATCH])
        if not batch:
            break
        changed = [row for row in batch if row.search_text != row.search_text.lower()]
        for row in changed:
            row.search_text = row.search_text.lower()
        Article.objects.bulk_update(changed, ["search_text"])
        last = batch[-1].pk


def on_postgresql(*statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


FOLDED_INDEX = "CREATE INDEX article_text_trgm ON articles_article USING gin (search_text gin_trgm_ops)"
UPPER_INDEX = "CREATE INDEX article_text_trgm ON articles_article USING gin (UPPER(search_text) gin_trgm_ops)"
DROP_INDEX = "DROP INDEX IF EXISTS article_text_trgm"


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_search_index")]

    # The index is dropped while the rows are rewritten: keeping it up to date
    # row by row made the rewrite several times slower.
    operations = [
        migrations.RunPython(on_postgresql(DROP_INDEX), on_postgresql(UPPER_INDEX)),
        migrations.RunPython(fold, migrations.RunPython.noop),
        migrations.RunPython(on_postgresql(FOLDED_INDEX), on_postgresql(DROP_INDEX)),
    ]
