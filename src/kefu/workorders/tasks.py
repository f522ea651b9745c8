"""Celery tasks: thin wrappers named after the service they call."""

from __future__ import annotations

from celery import shared_task

from kefu.workorders import sla


@shared_task(name="workorders.sla_sweep", ignore_result=True)
def sla_sweep() -> dict:
    """The periodic SLA sweep (scheduled by ``CELERY_BEAT_SCHEDULE`` in the settings)."""
    return sla.sla_sweep().as_dict()
