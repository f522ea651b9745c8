"""``workorder.*`` message types on a province (WO-3, WO-4): the hub's events go through the work-order
engine (:func:`kefu.crosslevel.services.apply`). The hub and SIMS register their own appliers for the
same types (``kefu.hub.federation_handlers``, ``kefu.sims.federation_handlers``). Event handlers run
inside the receiving transaction; whatever they forward with ``send`` commits with it."""

from __future__ import annotations

from kefu.crosslevel import messages, services

messages.handle_actions(services.apply, roles={"province"})
