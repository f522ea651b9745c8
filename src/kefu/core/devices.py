"""Accounts that are devices, not people (AUTH-3).

A PIN pad (``Role.PIN_PAD``) is in the customer's hands at a hall counter or a VIP manager's desk. Its
account reaches its own screen and the endpoints that screen calls, nothing else: any other page
sends it back to its screen, any other API endpoint answers 403. Its data scope is empty as well
(``core/scope.py``), so this is the second fence, not the only one. Checked in one place for both ways
in: the session (``core.middleware.DeviceAccountMiddleware``) and the bearer token
(``core.auth.BearerTokenAuthentication``). Views are named by their URL names, so this module needs
to import none of the apps above it.
"""

from __future__ import annotations

from kefu.core.choices import Role

DEVICE_VIEWS: dict[str, frozenset[str]] = {
    Role.PIN_PAD: frozenset(
        {
            "desk:pin_pad",  # the pad's screen
            "api:pin-pad-pending",  # what the paired member of staff asked it to collect
            "api:password-collection",  # the digits the customer keyed
            "telephony:events",  # the desk script's live stream (the pad's own channel)
            "api:desk-live",  # the stream's snapshot on reconnection (no call, no queue of a pad's)
            "login",
            "logout",
            "set_language",
        }
    )
}
DEVICE_HOME = {Role.PIN_PAD: "desk:pin_pad"}


def is_device(user) -> bool:
    return getattr(user, "role", None) in DEVICE_VIEWS


def device_may_open(user, view_name: str | None) -> bool:
    """Whether ``user`` may open the view named ``view_name``: always for people, for a device only
    the views of its screen."""
    allowed = DEVICE_VIEWS.get(getattr(user, "role", None))
    return allowed is None or view_name in allowed
