"""Celery task of TMF621 event notifications: a thin wrapper named after what it calls."""

from __future__ import annotations

from celery import shared_task

from kefu.tmf.trouble_ticket import notifications


@shared_task(name="tmf.trouble_ticket_notify", ignore_result=True)
def trouble_ticket_notify() -> dict:
    """Fan out new work-order events to the hub's listeners and deliver what is due (beat: 15 s)."""
    return notifications.deliver_pending().as_dict()
