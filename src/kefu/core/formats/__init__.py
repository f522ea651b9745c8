"""One way to write dates and times everywhere, in the server's time zone (``TIME_ZONE``).

Templates get it from Django's per-language format modules below (``FORMAT_MODULE_PATH``): a datetime
shows as ``2026-12-06 14:05`` and a date as ``2026-12-06`` in Chinese and in English alike. Python code
that writes a time into a message, or hands one to a page script, uses ``local_datetime`` /
``local_date`` so the browser never converts it into its own time zone. The API keeps ISO 8601.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import formats, timezone


def local_datetime(value: datetime | str | None) -> str:
    """``value`` in the server's time zone, as ``Y-m-d H:i``; ISO strings are accepted ("" for none)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")


def local_date(value: date | datetime | str | None) -> str:
    """``value`` as ``Y-m-d`` (a datetime: its date in the server's time zone)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT")
