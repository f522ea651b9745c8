"""Fixtures shared by every test: provinces, staff of any role and scope, API clients.

How the suite is laid out (see the Makefile's ``test`` target):
- unit tests (no marker) run on SQLite and on PostgreSQL; they build their data with the factories of
  ``tests/factories.py`` (never with ``kefu seed``, whose data has shapes that follow ids);
- tests that start kefu processes carry the marker ``nodes`` (federation nodes, the demos, several web
  servers), browser tests the marker ``e2e``; both run once, on PostgreSQL. A test without either
  marker that starts kefu fails at once (``_GuardedPopen`` below); a unit test that commits for real
  (``django_db(transaction=True)``) carries ``committing`` and runs with them (collection refuses it
  otherwise);
- a test that waits for something polls it with ``tests.waits.wait_for``, never a fixed sleep.
"""

from __future__ import annotations

import functools
import itertools
import subprocess

import pytest
from django.contrib.auth.hashers import make_password
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kefu.core.models import City, Province, Staff

PASSWORD = "correct-horse-9"
_numbers = itertools.count(1)
PROCESS_MARKERS = ("nodes", "e2e", "sip")  # the stages that run once, on PostgreSQL (see the Makefile)
# Markers of the stage whose every test may commit for real; see pytest_collection_modifyitems.
COMMITTING_MARKERS = (*PROCESS_MARKERS, "committing")


class _GuardedPopen(subprocess.Popen):
    """A test that starts kefu (or a browser) belongs to the multi-process stages: it runs there once,
    and the unit stages, run on both databases, stay fast. Starting one from a test without the
    ``nodes`` or ``e2e`` marker fails at once, naming the test."""

    unit_test: str | None = None

    def __init__(self, args, *more, **options):
        words = [str(a) for a in ([args] if isinstance(args, str | bytes) else args)]
        starts_kefu = "kefu.cli" in words or any(w.endswith(("/kefu", "gunicorn", "chromium")) for w in words)
        if self.unit_test and starts_kefu:
            self.args, self.returncode = args, None  # what repr() shows in the failure
            raise AssertionError(
                f"{self.unit_test} starts a process ({' '.join(words)[:120]}): mark it "
                "@pytest.mark.nodes so that it runs in the multi-process stage"
            )
        super().__init__(args, *more, **options)


subprocess.Popen = _GuardedPopen


def pytest_collection_modifyitems(config, items):
    """A test that commits for real (``django_db(transaction=True)``) empties the tables when it ends,
    the reference data of the migrations included. pytest-django runs such tests last, but the unit
    stages hand out whole files to each worker (``--dist loadfile``), so one in a unit file would run
    mid-stream and the worker's next tests would find no provinces. Such a test carries the marker
    ``committing`` (or ``nodes``/``e2e``) and runs in the process stage; without it collection fails."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        committing = marker is not None and (
            marker.kwargs.get("transaction") or (marker.args and marker.args[0] is True)
        )
        if committing and not any(item.get_closest_marker(name) for name in COMMITTING_MARKERS):
            raise pytest.UsageError(
                f"{item.nodeid} commits for real (django_db(transaction=True)): mark it "
                "@pytest.mark.committing so that it runs in the process stage"
            )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    unit = not any(item.get_closest_marker(name) for name in PROCESS_MARKERS)
    _GuardedPopen.unit_test = item.nodeid if unit else None
    try:
        return (yield)
    finally:
        _GuardedPopen.unit_test = None


@functools.cache
def _password_hash() -> str:
    """One argon2 hash of PASSWORD for every test member of staff: hashing is slow on purpose."""
    return make_password(PASSWORD)


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Rolled-back rows may come back under the same id in the next test (SQLite), so the caches a
    process keeps between requests start empty in every test."""
    from kefu.api.schema import forget_schema
    from kefu.catalog.nodes import forget_nodes
    from kefu.core.auth import BearerTokenAuthentication
    from kefu.routing.client import forget as forget_router
    from kefu.workorders.flows import forget_flow_versions
    from kefu.workorders.pickers import forget_categories

    forget_flow_versions()
    forget_categories()
    forget_nodes()
    BearerTokenAuthentication.forget()
    forget_schema()
    forget_router()  # the in-process router is rebuilt from this test's database
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the test's thread (the locale middleware
    activates a language per request and never resets it); code run outside a request in the next
    test would then speak English. Every test starts and ends in the default language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def js(db) -> Province:
    return Province.objects.get(code="JS")


@pytest.fixture
def zj(db) -> Province:
    return Province.objects.get(code="ZJ")


@pytest.fixture
def nanjing(db) -> City:
    return City.objects.get(code="3201")


@pytest.fixture
def hangzhou(db) -> City:
    return City.objects.get(code="3301")


@pytest.fixture
def make_staff(db):
    """make_staff(role, province="JS", city=None, **fields) -> Staff with password PASSWORD."""

    def make(role: str = "hotline_agent", province: str | None = "JS", city: str | None = None, **fields):
        staff = Staff(
            job_number=fields.pop("job_number", f"t{next(_numbers):05d}"),
            name=fields.pop("name", "测试员工"),
            role=role,
            province=Province.objects.get(code=province) if province else None,
            city=City.objects.get(code=city) if city else None,
            **fields,
        )
        staff.password = _password_hash()
        staff.save()
        return staff

    return make


@pytest.fixture
def api_client_for():
    """api_client_for(staff) -> APIClient authenticated with the staff's bearer token."""

    def make(staff: Staff | None) -> APIClient:
        client = APIClient()
        if staff is not None:
            token, _ = Token.objects.get_or_create(user=staff)
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.key}")
        return client

    return make


@pytest.fixture
def js_agent(make_staff) -> Staff:
    return make_staff("hotline_agent", "JS")


@pytest.fixture
def zj_agent(make_staff) -> Staff:
    return make_staff("hotline_agent", "ZJ")


@pytest.fixture
def js_admin(make_staff) -> Staff:
    return make_staff("administrator", "JS", is_staff=True)


@pytest.fixture(scope="session")
def platform_federation(tmp_path_factory):
    """Real nodes HUB (hub), JS (province) and PLAT (platform), started once per test process and shared
    by every module that uses them (capability queries, own-platform complaints): starting nodes is
    the slow part of the ``nodes`` tests. A module that stops or reconfigures a node puts it back."""
    from tests.capability.harness import PLATFORM_ENV, PLATFORM_SPEC, start, stop

    fed = start(tmp_path_factory, PLATFORM_SPEC, env=PLATFORM_ENV)
    try:
        yield fed
    finally:
        stop(fed)
