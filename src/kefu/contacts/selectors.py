"""Reads on contact records: the history search (CON-4, CON-5); callback tasks (SR-2, WO-7)."""

from __future__ import annotations

from django.db.models import Q

from kefu.contacts.models import CallbackTask, ContactRecord
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
    """Contacts the user may see, filtered; ordered newest first for keyset pagination."""
    queryset = scope.restrict(ContactRecord.objects.all(), user)
    if number:
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
