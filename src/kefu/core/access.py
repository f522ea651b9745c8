"""Which staff a page admits, declared on the view itself (SYS-1).

A view that only some roles may open says so with ``@admits(...)``: the decorator refuses the others
(403, as the view's own check did) and leaves the rule on the view, so the desk's navigation asks the
same rule before it offers a link (``view_admits``). One rule, two readers: a menu never offers a page
that would answer 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

ADMITS_ATTRIBUTE = "kefu_admits"


def admits(rule: Iterable[str] | Callable[[object], bool], *, message: str | None = None):
    """Decorate a view so that only users the rule admits get in; the others get 403.

    ``rule`` is either roles (``Role`` values) or a predicate on the user. Login is required as well.
    """
    if callable(rule):
        predicate = rule
    else:
        roles = frozenset(rule)

        def predicate(user) -> bool:
            return getattr(user, "role", None) in roles

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied(message) if message else PermissionDenied
            return view(request, *args, **kwargs)

        wrapped = login_required(guarded)
        setattr(wrapped, ADMITS_ATTRIBUTE, predicate)
        return wrapped

    return decorate


def view_admits(view, user) -> bool:
    """Whether ``view`` (a function as routed) would let ``user`` in: views with no declared rule admit
    every signed-in user."""
    predicate = getattr(view, ADMITS_ATTRIBUTE, None)
    return predicate is None or bool(predicate(user))
