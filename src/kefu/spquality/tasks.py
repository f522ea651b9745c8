"""Celery tasks: thin wrappers named after the service they call."""

from __future__ import annotations

from celery import shared_task

from kefu.spquality import services


@shared_task(name="spquality.report_due", ignore_result=True)
def report_due() -> str:
    """Daily (beat): make and upload last month's SP quality file unless the hub has accepted it."""
    return services.report_due()
