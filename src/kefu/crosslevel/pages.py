"""What the pages of the cross-level flow share — the province's panel, the hub operator's and the SP
desk: a form posts one action, the page flashes its outcome and redirects (post/redirect/get)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from kefu.core.errors import DomainError
from kefu.workorders.choices import WorkOrderState


def act_and_redirect(request, act: Callable[[], object], to: str, **kwargs) -> HttpResponse:
    """Run ``act`` (a service call); flash "OK" or the refusal's message; redirect to the URL named
    ``to`` with ``kwargs``."""
    try:
        act()
        messages.success(request, "OK")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(to, **kwargs)


PAGE = 100  # orders per page of a desk's list


def list_context(orders: list, *, state: str) -> dict:
    """The context of a desk's order list: one page of ``orders`` (newest first), the state filter and
    where the next page starts (keyset on id)."""
    return {
        "orders": orders, "state": state, "states": WorkOrderState.CHOICES,
        "next_before": orders[-1].pk if len(orders) == PAGE else None,
    }  # fmt: skip
