"""Browser flows: Playwright driving Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import os
import time

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM calls here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser(django_db_setup):
    """One Chromium for the session.

    Playwright's sync API runs an asyncio loop in this thread, and from then on Django's connection
    handler (an asgiref Local, context-local when a loop runs) hands out new connection objects.
    Those lack the test database's serialized reference data that ``serialized_rollback`` restores
    after each flush, so it is carried over to them.
    """
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context per test, as a Chinese-language desktop browser would be."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
    wait_for_requests_to_finish()


def wait_for_requests_to_finish(timeout: float = 15.0) -> None:
    """Let the live server finish what the closed page asked of it before the database is flushed.

    Closing the browser does not stop a request the server is still handling; on PostgreSQL the
    flush's TRUNCATE and such a request's row locks can deadlock. Wait until no other session of the
    test database is inside a transaction, and end the ones still there after ``timeout`` seconds.
    """
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return
    busy = (
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
    )
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute(busy)
            pids = [row[0] for row in cursor.fetchall()]
            if not pids:
                return
            if time.monotonic() > deadline:
                cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [pids])
                return
            time.sleep(0.05)
