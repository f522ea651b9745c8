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


@pytest.mark.django_db
def test_a_reused_connection_is_checked_without_a_round_trip_and_a_closed_one_is_noticed(monkeypatch):
    """Operations (SYS-1 uptime, nothing lost on a database restart): PostgreSQL connections are
    checked before each request's reuse by looking at the socket — a healthy idle connection costs no
    ``SELECT 1`` — and a connection the server closed (here ``pg_terminate_backend``, as a restart
    does) is found unusable, so Django opens a new one instead of failing the request."""
    from tests.waits import wait_for

    assert database_from_url(URL)["ENGINE"] == "kefu.core.backends.postgresql"
    if connection.vendor != "postgresql":
        assert connection.settings_dict["ENGINE"] == "django.db.backends.sqlite3"
        return
    from django.db.backends.postgresql import base as django_base

    from kefu.core.backends.postgresql.base import DatabaseWrapper

    asked = []
    original = django_base.DatabaseWrapper.is_usable
    monkeypatch.setattr(
        django_base.DatabaseWrapper, "is_usable", lambda self: asked.append(1) or original(self)
    )
    other = DatabaseWrapper(dict(connection.settings_dict), alias="health-check")
    other.connect()
    try:
        assert other.is_usable() is True
        assert asked == []  # no SELECT 1 on an idle, healthy connection
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [other.connection.info.backend_pid])
        wait_for(lambda: other.is_usable() is False, timeout=10, message="the closed connection noticed")
        assert asked  # the socket said something arrived: the server was asked, and did not answer
    finally:
        other.close()
