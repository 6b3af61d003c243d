"""Search indexes, each database its own (see articles/search.py).

SQLite: an FTS5 table with the trigram tokenizer, kept in step by triggers.
PostgreSQL: pg_trgm GIN indexes for icontains on title and text.

Caution: on SQLite, a later migration that alters a column of
articles_article rebuilds the table and drops these triggers; such a
migration must run SQLITE_FORWARD again (test_search catches the loss).
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE articles_search USING fts5(
        search_text, content='articles_article', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER articles_search_ai AFTER INSERT ON articles_article BEGIN
        INSERT INTO articles_search(rowid, search_text) VALUES (new.id, new.search_text); END""",
    """CREATE TRIGGER articles_search_ad AFTER DELETE ON articles_article BEGIN
        INSERT INTO articles_search(articles_search, rowid, search_text)
        VALUES ('delete', old.id, old.search_text); END""",
    """CREATE TRIGGER articles_search_au AFTER UPDATE OF search_text ON articles_article BEGIN
        INSERT INTO articles_search(articles_search, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO articles_search(rowid, search_text) VALUES (new.id, new.search_text); END""",
    "INSERT INTO articles_search(articles_search) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS articles_search_ai",
    "DROP TRIGGER IF EXISTS articles_search_ad",
    "DROP TRIGGER IF EXISTS articles_search_au",
    "DROP TABLE IF EXISTS articles_search",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS article_title_trgm ON articles_article USING gin (UPPER(title) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS article_text_trgm ON articles_article USING gin (UPPER(search_text) gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS article_title_trgm", "DROP INDEX IF EXISTS article_text_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
