"""The desk page of callback tasks (SR-2, WO-7): the calls the signed-in member of staff (or their
department) owes customers, and recording one as made. Reads through the selector, writes through the
service; a refusal comes back as a message with its stable code."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.contacts import selectors, services
from kefu.contacts.choices import CallbackState
from kefu.contacts.models import CallbackTask
from kefu.core import scope
from kefu.core.errors import DomainError

PAGE_SIZE = 50


@login_required
def callbacks(request):
    """``?state=open|done|cancelled`` (default open), ``?all=1`` for every task in scope."""
    state = request.GET.get("state", CallbackState.OPEN)
    if state not in CallbackState:
        state = CallbackState.OPEN
    everyone = request.GET.get("all") == "1"
    rows = selectors.callback_tasks_for(user=request.user, mine=not everyone, state=state)
    return render(
        request,
        "contacts/callbacks.html",
        {
            "tasks": list(rows.select_related("subscriber")[:PAGE_SIZE]),
            "state": state,
            "states": CallbackState.CHOICES,
            "everyone": everyone,
        },
    )


@login_required
@require_POST
def callback_complete(request, task_id: int):
    task = get_object_or_404(scope.restrict(CallbackTask.objects.all(), request.user), pk=task_id)
    try:
        services.callback_task_complete(
            actor=request.user, task=task, outcome=request.POST.get("outcome", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message, extra_tags=str(exc.code))
    else:
        messages.success(request, _("回访已记录"))
    return redirect(reverse("contacts:callbacks"))
