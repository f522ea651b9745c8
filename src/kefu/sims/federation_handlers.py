"""SIMS's ``workorder.*`` handlers (WO-3, WO-4, SP-1): the hub's events on the SP complaint orders
(:func:`kefu.sims.services.apply`)."""

from __future__ import annotations

from kefu.crosslevel import messages
from kefu.sims import services

messages.handle_actions(services.apply, roles={"sims"})
