"""Adapters of the SMS, email and fax ports, and the functions that pick the configured one.

The local adapters deliver nowhere: the message is kept in kefu's outbox (written by
:mod:`kefu.notify.services` for every adapter) where staff see it at ``/notify/outbox/``. A real
gateway is a class with the port's ``send`` method, named by ``KEFU_SMS_ADAPTER`` /
``KEFU_EMAIL_ADAPTER`` / ``KEFU_FAX_ADAPTER``.
"""

from __future__ import annotations

import uuid
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from kefu.ports.email import EmailPort, EmailReceipt
from kefu.ports.fax import FaxPort, FaxReceipt
from kefu.ports.sms import SmsPort, SmsReceipt

DEFAULT_SMS_ADAPTER = "kefu.notify.adapters.LocalSms"
DEFAULT_EMAIL_ADAPTER = "kefu.notify.adapters.LocalEmail"
DEFAULT_FAX_ADAPTER = "kefu.notify.adapters.LocalFax"


class LocalSms:
    """Accepts every message; kefu's outbox is the only place it goes. Never logs the text."""

    def send(self, *, to: str, text: str, sender: str = "10086") -> SmsReceipt:
        return SmsReceipt(message_id=f"local-{uuid.uuid4().hex[:16]}", accepted=True)


class LocalEmail:
    """Accepts every message; kefu's outbox is the only place it goes."""

    def send(self, *, to: str, subject: str, text: str) -> EmailReceipt:
        return EmailReceipt(message_id=f"local-{uuid.uuid4().hex[:16]}", accepted=True)


class LocalFax:
    """Accepts every document; kefu's outbox is the only place it goes (a fax server is the
    production adapter)."""

    def send(self, *, to: str, subject: str, text: str) -> FaxReceipt:
        return FaxReceipt(message_id=f"local-{uuid.uuid4().hex[:16]}", accepted=True)


@cache
def _load(path: str):
    return import_string(path)


def get_sms() -> SmsPort:
    return _load(getattr(settings, "KEFU_SMS_ADAPTER", DEFAULT_SMS_ADAPTER))()


def get_email() -> EmailPort:
    return _load(getattr(settings, "KEFU_EMAIL_ADAPTER", DEFAULT_EMAIL_ADAPTER))()


def get_fax() -> FaxPort:
    return _load(getattr(settings, "KEFU_FAX_ADAPTER", DEFAULT_FAX_ADAPTER))()
