"""Reads on contact records: the history search (CON-4, CON-5); callback tasks (SR-2, WO-7)."""

from __future__ import annotations

from django.db.models import Q

from kefu.contacts.models import CallbackTask, ContactRecord, WrapUpReason
from kefu.core import scope
from kefu.core.choices import DepartmentKind, Role


def contact_history(
    *,
    user,
    number: str = "",
    channel: str = "",
    direction: str = "",
    request_type: str = "",
    since=None,
    until=None,
    staff: str = "",
    text: str = "",
):
    """Contacts the user may see, filtered; ordered newest first for keyset pagination. The history
    of one walk-in's number (SVC-1, authenticated to this user) is that line's, in its home city."""
    queryset = scope.restrict(ContactRecord.objects.all(), user)
    if number:
        if walk_in_line(user=user, number=number) is not None:
            queryset = scope.restrict_serving(ContactRecord.objects.all(), user)
        queryset = queryset.filter(number=number)
    if channel:
        queryset = queryset.filter(channel=channel)
    if direction:
        queryset = queryset.filter(direction=direction)
    if request_type:
        queryset = queryset.filter(request_type=request_type)
    if since:
        queryset = queryset.filter(started_at__gte=since)
    if until:
        queryset = queryset.filter(started_at__lt=until)
    if staff:
        queryset = queryset.filter(staff__job_number=staff)
    if text:
        queryset = queryset.filter(summary__contains=text)
    return queryset.order_by("-started_at", "-id")


def walk_in_line(*, user, number: str):
    """The subscriber behind ``number`` if it is a walk-in ``user`` may serve now (SVC-1: hall or VIP
    staff, a line of another city of their province, authenticated to them: ``scope.may_serve``);
    else None. No query for anyone but hall and VIP staff."""
    from kefu.customers.models import Subscriber

    if getattr(user, "role", "") not in scope.WALK_IN_ROLES:
        return None
    subscriber = scope.restrict_serving(Subscriber.objects.all(), user).filter(number=number).first()
    if subscriber is None or not scope.is_walk_in(subscriber, user) or not scope.may_serve(subscriber, user):
        return None
    return subscriber


def contact_served(*, user, contact_id) -> ContactRecord | None:
    """One contact ``user`` may read and act on: in their scope, or a walk-in's (SVC-1: a contact of
    another city of the province about a line whose customer has authenticated to them). None
    otherwise, and for an id that is not a number."""
    if not (str(contact_id).isascii() and str(contact_id).isdigit()):
        return None
    related = (
        "staff",
        "province",
        "city",
        "category__version",
        "subscriber",
        "wrap_up_reason",
        "wrapped_up_by",
    )
    prefetched = ("requests__category__version", "links_out")
    own = (
        scope.restrict(ContactRecord.objects.all(), user)
        .select_related(*related)
        .prefetch_related(*prefetched)
    )
    contact = own.filter(pk=contact_id).first()
    if contact is not None or getattr(user, "role", "") not in scope.WALK_IN_ROLES:
        return contact
    served = scope.restrict_serving(ContactRecord.objects.all(), user).select_related(*related)
    contact = served.prefetch_related(*prefetched).filter(pk=contact_id).first()
    if contact is None or contact.subscriber is None or not scope.may_serve(contact.subscriber, user):
        return None
    return contact


def callback_tasks_for(*, user, mine: bool = False, state: str = ""):
    """Callback tasks the user may see, newest first; ``mine``: those assigned to the user — to them
    in person, to their department, or (staff filed without a department) to the centre or city team
    they work for, by the rule of :meth:`CallbackTask.is_assigned_to`."""
    queryset = scope.restrict(
        CallbackTask.objects.select_related("assignee_staff", "assignee_department", "done_by"), user
    )
    if state:
        queryset = queryset.filter(state=state)
    if mine:
        assigned = Q(assignee_staff_id=user.pk)
        if user.department_id is not None:
            assigned |= Q(assignee_department_id=user.department_id)
        elif user.role == Role.CITY_HANDLER and user.city_id:
            assigned |= Q(
                assignee_department__kind=DepartmentKind.CITY_TEAM, assignee_department__city_id=user.city_id
            )
        elif user.role in (Role.BACK_OFFICE, Role.HOTLINE_AGENT) and not user.city_id:
            assigned |= Q(
                assignee_department__kind=DepartmentKind.CENTRE,
                assignee_department__province_id=user.province_id,
            )
        queryset = queryset.filter(assigned)
    return queryset.order_by("-id")


def wrap_up_reasons():
    """The wrap-up reasons an agent may choose now, in their order (the admin keeps the list)."""
    return WrapUpReason.objects.filter(active=True).order_by("position", "id")
