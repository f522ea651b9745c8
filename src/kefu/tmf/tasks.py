"""Celery tasks of the TM Forum entry points (found by ``autodiscover_tasks``)."""

from kefu.tmf.trouble_ticket.tasks import trouble_ticket_notify

__all__ = ["trouble_ticket_notify"]
