"""Authentication of customers (AUTH-1..8) and what follows from it: grants, the lock, the security
notice, SMS one-time passwords, IVR password collection and service-password changes.

Secrets (service passwords, one-time passwords, IVR digits) are only ever passed to a check: they are
not logged, not audited, not stored, not put into an exception message (AUTH-3, AUTH-4).

A failed attempt is a fact to keep (AUTH-5, AUTH-8): the attempt, the failure count and the lock are
committed first, and only then is the failure raised as a problem (401 / 423).

One module per concern; callers import the public names from here (``from kefu.identity import
services``):

- ``policy`` — who may do what, the limits from settings, finding a number or a call in scope;
- ``attempt`` — one attempt and ``authenticate``;
- ``grants`` — ``grant_valid``, ``require_grant`` (queries, business acceptance);
- ``otp`` — ``otp_send``;
- ``notice`` — ``security_notice_acknowledge``;
- ``passwords`` — ``service_password_change``, ``service_password_reset``;
- ``collection`` — secrets the customer keys for staff: the IVR during a call, the paired PIN pad at a
  counter (request, the pad's pending request, the device's submission, pairing).

``policy.customer_keyed`` is the one place that decides who may pass on a secret (AUTH-3).
"""

from kefu.identity.errors import AuthFailed, AuthLocked, AuthRequired, PasswordNotFromCustomer
from kefu.identity.services.attempt import AuthOutcome, authenticate
from kefu.identity.services.collection import (
    collection_in_scope,
    password_collection_request,
    password_collection_submit,
    pin_pad_pair,
    pin_pad_pending,
    pin_pad_request,
)
from kefu.identity.services.grants import grant_valid, require_grant
from kefu.identity.services.notice import security_notice_acknowledge
from kefu.identity.services.otp import otp_send, pysecrets
from kefu.identity.services.passwords import service_password_change, service_password_reset
from kefu.identity.services.policy import (
    ID_SHOWN_ROLES,
    IVR_ROLES,
    OTP_MAX_ATTEMPTS,
    PIN_PAD_HOLDER_ROLES,
    customer_keyed,
    grant_period,
    is_self_service,
    lock_period,
    max_failures,
    may_post_for_staff,
    otp_period,
    pin_pad_of,
    require_customer_keyed,
    require_device,
    self_service_recogniser,
    subscriber_in_scope,
)

__all__ = [
    "ID_SHOWN_ROLES",
    "IVR_ROLES",
    "OTP_MAX_ATTEMPTS",
    "AuthFailed",
    "AuthLocked",
    "AuthOutcome",
    "AuthRequired",
    "PIN_PAD_HOLDER_ROLES",
    "PasswordNotFromCustomer",
    "authenticate",
    "collection_in_scope",
    "customer_keyed",
    "may_post_for_staff",
    "require_customer_keyed",
    "require_device",
    "grant_period",
    "is_self_service",
    "pin_pad_of",
    "pin_pad_pair",
    "pin_pad_pending",
    "pin_pad_request",
    "self_service_recogniser",
    "grant_valid",
    "lock_period",
    "max_failures",
    "otp_period",
    "otp_send",
    "password_collection_request",
    "password_collection_submit",
    "pysecrets",  # the random source of one-time passwords; tests fix it through this name
    "require_grant",
    "security_notice_acknowledge",
    "service_password_change",
    "service_password_reset",
    "subscriber_in_scope",
]
