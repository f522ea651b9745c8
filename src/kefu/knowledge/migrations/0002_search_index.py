"""The knowledge search index (ADR 0004), different per engine and invisible to the ORM.

SQLite: an FTS5 table of segmented words (``unicode61`` splits them at the spaces), rowid = article
id, and a compact table of each indexed article's scope (audience, kind, business, levels, validity). PostgreSQL: weighted ``tsvector`` columns (``simple`` configuration) with GIN indexes, and the same
scope columns. Filled by
``kefu knowledge reindex`` (and by every save of a published article).
"""

from django.db import migrations

SQLITE = {
    "create": [
        "CREATE VIRTUAL TABLE knowledge_search_fts USING fts5("
        "title, body, extra, pinyin, tokenize = 'unicode61 remove_diacritics 2')",
        # the scope of each indexed article, compact: the article row's body would be read through
        "CREATE TABLE knowledge_search_scope (article_id integer PRIMARY KEY, audience text NOT NULL, "
        "kind text NOT NULL, business_id integer NULL, levels text NOT NULL, valid_from text NULL, "
        "valid_until text NULL)",
    ],
    "drop": ["DROP TABLE IF EXISTS knowledge_search_fts", "DROP TABLE IF EXISTS knowledge_search_scope"],
}
POSTGRES = {
    "create": [
        "CREATE TABLE knowledge_search (article_id integer PRIMARY KEY, audience text NOT NULL, "
        "kind text NOT NULL, business_id integer NULL, levels jsonb NOT NULL, valid_from date NULL, "
        "valid_until date NULL, head tsvector NOT NULL, document tsvector NOT NULL)",
        "CREATE INDEX knowledge_search_document ON knowledge_search USING gin (document)",
        "CREATE INDEX knowledge_search_head ON knowledge_search USING gin (head)",
    ],
    "drop": ["DROP TABLE IF EXISTS knowledge_search"],
}


def _run(schema_editor, key: str) -> None:
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements[key]:
        schema_editor.execute(statement)


def create(apps, schema_editor):
    _run(schema_editor, "create")


def drop(apps, schema_editor):
    _run(schema_editor, "drop")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_articles")]

    operations = [migrations.RunPython(create, drop)]
