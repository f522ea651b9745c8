"""Celery tasks of the core: thin wrappers named after the service they call."""

from __future__ import annotations

from celery import shared_task

from kefu.core import outbox


@shared_task(name="core.outbox_purge", ignore_result=True)
def outbox_purge() -> dict:
    """The daily outbox housekeeping (scheduled by ``CELERY_BEAT_SCHEDULE`` in the settings)."""
    return outbox.outbox_purge().as_dict()
