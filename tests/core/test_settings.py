"""Settings from KEFU_DATABASE_URL: PostgreSQL connections prepare the statements they repeat."""

import pytest
from django.db import connection

from kefu.settings import database_from_url

URL = "postgres://kefu@db.example:5432/kefu"


def test_postgres_url_prepares_repeated_statements_unless_told_not_to():
    """Operations: server-side binding with preparing after two runs by default; a pooler in
    transaction mode turns both off, and preparing alone can be turned off or tuned."""
    assert database_from_url(URL)["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 2}
    assert database_from_url(URL + "?prepare_threshold=5")["OPTIONS"]["prepare_threshold"] == 5
    assert database_from_url(URL + "?prepare_threshold=off")["OPTIONS"] == {
        "server_side_binding": True,
        "prepare_threshold": None,
    }
    assert database_from_url(URL + "?server_side_binding=false")["OPTIONS"] == {
        "server_side_binding": False,
        "prepare_threshold": None,
    }
    assert database_from_url(URL + "?sslmode=require")["OPTIONS"]["sslmode"] == "require"
    with pytest.raises(ValueError, match="prepare_threshold"):
        database_from_url(URL + "?prepare_threshold=soon")


@pytest.mark.django_db
def test_the_running_connection_prepares_what_it_repeats():
    """Operations: on PostgreSQL a statement sent three times is prepared on the server (parsed and
    planned once); the embedded SQLite default has no such options."""
    from kefu.core.models import Province

    for _ in range(3):
        list(Province.objects.filter(code="JS"))
    if connection.vendor != "postgresql":
        assert "prepare_threshold" not in connection.settings_dict["OPTIONS"]
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any('FROM "core_province"' in s for s in statements), statements


def test_a_postgres_url_lets_psycopg_remember_a_new_orders_insert():
    """Operations (WO-1): psycopg remembers the conversion of statements with up to 128 parameters
    once a PostgreSQL database is configured, so the INSERT of a new work order (one parameter per
    column) is converted once per process, not on every accept."""
    from psycopg import _queries

    from kefu.workorders.models import WorkOrder

    database_from_url(URL)
    columns = [f for f in WorkOrder._meta.concrete_fields if not f.primary_key]
    assert len(columns) > 50
    assert _queries.MAX_CACHED_STATEMENT_PARAMS >= len(columns)
