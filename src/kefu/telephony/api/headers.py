"""The call a request is made in, as the desk names it: ``kefu.callHeaders()`` sends ``X-Call-Id`` and
``X-Contact-Id`` on API calls made during a call; a page form posts the same as ``call_id`` /
``call_contact`` hidden fields (filled by desk.js at submit)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kefu.core.errors import DomainError, ErrorCode
from kefu.core.numbers import lookup_id
from kefu.telephony.selectors import current_contact


def call_context(request) -> tuple[str | None, int | None]:
    """``(call_id, contact_id)`` named by the request's headers, else by its posted form fields."""
    post = getattr(request, "POST", {})
    call_id = (request.headers.get("X-Call-Id") or post.get("call_id") or "")[:64] or None
    raw = request.headers.get("X-Contact-Id") or post.get("call_contact") or None
    if raw is None:
        return call_id, None
    contact_id = lookup_id(str(raw), name="contact_id")
    if contact_id is None:
        raise DomainError(_("接触记录编号无效"), code=ErrorCode.VALIDATION_FAILED, status=400)
    return call_id, contact_id


def call_contact_of(request):
    """The contact of the call in progress the request names (``selectors.current_contact``), or None."""
    call_id, contact_id = call_context(request)
    return current_contact(request.user, call_id=call_id, contact_id=contact_id)
