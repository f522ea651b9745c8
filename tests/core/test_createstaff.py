"""`kefu createstaff` (SYS-1): operators create staff from scripts; bad input changes nothing."""

import pytest
from django.core.management import CommandError, call_command

from kefu.core.models import AuditEvent, Staff

pytestmark = pytest.mark.django_db


def test_createstaff_with_city_scope():
    """SYS-1: a city handler gets a city scope and an audited creation."""
    call_command(
        "createstaff",
        job_number="nj0001",
        password="long-enough-1",
        role="city_handler",
        province="JS",
        city="3201",
    )
    staff = Staff.objects.get(job_number="nj0001")
    assert staff.scope_kind == "city"
    assert staff.check_password("long-enough-1")
    assert AuditEvent.objects.filter(action="staff.create", object_id=str(staff.pk)).exists()


@pytest.mark.parametrize(
    "options, message",
    [
        ({"province": "XX"}, "unknown province"),
        ({"province": "ZJ", "city": "3201"}, "not in province"),
        ({"province": "JS", "password": "short"}, "at least 8"),
        ({}, "province"),
    ],
    ids=["unknown-province", "city-outside-province", "short-password", "missing-province"],
)
def test_createstaff_errors_change_nothing(options, message):
    """SYS-1: bad createstaff input is a clear error and creates nothing."""
    arguments = {"job_number": "bad01", "password": "long-enough-1", "role": "hotline_agent", **options}
    with pytest.raises(CommandError, match=message):
        call_command("createstaff", **arguments)
    assert not Staff.objects.filter(job_number="bad01").exists()
