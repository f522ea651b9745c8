"""Dates and times: one format everywhere, in the server's time zone (SYS-1; issue 12 item 8)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from kefu.core.formats import local_date, local_datetime
from kefu.desk.templatetags.desk import when
from kefu.identity.errors import AuthLocked
from kefu.identity.services.attempt import AuthOutcome

# 06:05 UTC is 14:05 in Asia/Shanghai, the settings' TIME_ZONE
MOMENT = datetime(2026, 12, 6, 6, 5, 30, tzinfo=UTC)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_templates_write_datetimes_and_dates_one_way(language, settings):
    """SYS-1: a bare datetime and date in a template read 2026-12-06 14:05 and 2026-12-06, in Chinese
    and English alike, in the server's time zone (not UTC)."""
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.USE_TZ
    template = Template('{{ moment }}|{{ day }}|{{ moment|date:"SHORT_DATETIME_FORMAT" }}|{{ moment|date }}')
    with translation.override(language):
        text = template.render(Context({"moment": MOMENT, "day": date(2026, 12, 6)}))
    assert text == "2026-12-06 14:05|2026-12-06|2026-12-06 14:05|2026-12-06"


def test_python_helpers_and_the_desk_filter_agree():
    """SYS-1: the helpers for messages and page scripts, and the desk's ``when`` filter (ISO strings as
    the customer view carries them), give the same text."""
    assert local_datetime(MOMENT) == "2026-12-06 14:05"
    assert local_datetime("2026-12-06T06:05:30+00:00") == "2026-12-06 14:05"
    assert local_date(MOMENT) == "2026-12-06" and local_date("2026-12-06") == "2026-12-06"
    assert when(MOMENT) == when("2026-12-06T14:05:30+08:00") == "2026-12-06 14:05"
    assert when("2026-12-06") == "2026-12-06"
    assert local_datetime(None) == "" and when("") == ""


def test_locked_until_is_written_by_the_server():
    """AUTH-5, SYS-1: a locked number's "until" comes in the server's time zone, ready to show (the page
    no longer converts it with the browser's zone); the ISO value stays for the API."""
    outcome = AuthOutcome(authenticated=False, method="password", number="13800000000", reason="locked",
                          locked_until=MOMENT)  # fmt: skip
    with pytest.raises(AuthLocked) as raised:
        outcome.raise_if_failed()
    assert raised.value.extra["locked_until_display"] == "2026-12-06 14:05"
    assert raised.value.extra["locked_until"] == MOMENT.isoformat()
