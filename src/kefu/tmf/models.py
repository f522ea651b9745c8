"""Models of the TM Forum entry points: the TMF621 event listeners (hub)."""

from kefu.tmf.trouble_ticket.models import TroubleTicketListener

__all__ = ["TroubleTicketListener"]
