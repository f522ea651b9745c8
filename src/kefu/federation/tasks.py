"""Celery tasks: thin wrappers named after the service they call."""

from __future__ import annotations

from celery import shared_task

from kefu.federation import delivery, services


@shared_task(name="federation.deliver_pending", ignore_result=True)
def deliver_pending() -> dict:
    """Deliver due federation messages and apply held ones that can go now (beat, every few seconds:
    the safety net behind the delivery right after commit and the ``kefu federation deliver`` loop)."""
    report = delivery.deliver_all()
    return {
        "delivered": report.delivered,
        "retried": report.retried,
        "dead": report.dead,
        "held_applied": services.held_retry(),
    }
