"""The account managers' desk (SVC-2): a VIP manager's customers with their open service requests and
work orders; for supervisors and administrators, the assignment of VIP and enterprise customers to an
account manager. Reads here (the desk sits above customers, contacts and workorders and may join them);
the one write is ``customers.services.customer_assign_account_manager``."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kefu.contacts.choices import ContactStatus
from kefu.contacts.models import ServiceRequest
from kefu.core import scope
from kefu.core.access import admits
from kefu.core.choices import CustomerLevel, CustomerType, Role
from kefu.core.errors import DomainError
from kefu.core.models import Staff
from kefu.customers import services as customer_services
from kefu.customers.models import Customer, Subscriber
from kefu.workorders.choices import WorkOrderState
from kefu.workorders.models import WorkOrder

LIST_LIMIT = 100


@dataclass(frozen=True)
class ManagerBook:
    """What an account manager serves: their customers, and those customers' open work orders and
    open service requests (a request is open while its contact is, or while its order is)."""

    customers: list
    orders: list
    requests: list


def manager_customers(manager: Staff, *, limit: int = LIST_LIMIT) -> list[Customer]:
    """The customers assigned to ``manager`` (SVC-2), with their number of lines, by name; within the
    manager's scope. One query."""
    return list(
        scope.restrict(Customer.objects.filter(account_manager=manager), manager)
        .select_related("city")
        .annotate(lines=Count("subscribers"))
        .order_by("name", "pk")[:limit]
    )


def manager_customer_count(manager: Staff) -> int:
    """How many customers are assigned to ``manager`` within the manager's scope."""
    return scope.restrict(Customer.objects.filter(account_manager=manager), manager).count()


def manager_book(manager: Staff) -> ManagerBook:
    """The customers of ``manager`` and their open requests and orders (SVC-2), highest rank first;
    within the manager's scope. Three queries."""
    customers = manager_customers(manager)
    orders = list(
        scope.restrict(WorkOrder.objects.all(), manager)
        .filter(subscriber__customer__account_manager=manager, state__in=WorkOrderState.OPEN)
        .select_related("subscriber", "subscriber__customer")
        .order_by("-priority", "-id")[:LIST_LIMIT]
    )
    open_orders = WorkOrder.objects.filter(
        state__in=WorkOrderState.OPEN, subscriber__customer__account_manager=manager
    ).values("number")
    requests = list(
        scope.restrict(ServiceRequest.objects.all(), manager)
        .filter(contact__subscriber__customer__account_manager=manager)
        .filter(Q(contact__status=ContactStatus.OPEN) | Q(reference__in=open_orders))
        .select_related("contact", "contact__subscriber", "contact__subscriber__customer", "category")
        .order_by("-created_at", "-id")[:LIST_LIMIT]
    )
    return ManagerBook(customers=customers, orders=orders, requests=requests)


def may_assign(user) -> bool:
    return user.role in customer_services.MAY_ASSIGN_ACCOUNT_MANAGER or user.is_superuser


def unassigned_customers(user, *, limit: int = 50) -> list[Customer]:
    """VIP and enterprise customers in ``user``'s scope who have no account manager yet."""
    vip_lines = Subscriber.objects.filter(level__in=CustomerLevel.VIP).values("customer_id")
    return list(
        scope.restrict(Customer.objects.filter(account_manager__isnull=True), user)
        .filter(
            Q(customer_type=CustomerType.ENTERPRISE) | Q(level__in=CustomerLevel.VIP) | Q(pk__in=vip_lines)
        )
        .select_related("city")
        .prefetch_related("subscribers")
        .order_by("city_id", "name", "pk")[:limit]
    )


def managers_of(user) -> list[Staff]:
    """The active VIP managers in ``user``'s scope with how many customers each serves."""
    return list(
        scope.restrict(Staff.objects.filter(role=Role.VIP_MANAGER, is_active=True), user)
        .select_related("city")
        .annotate(customers=Count("managed_customers"))
        .order_by("job_number")
    )


def opens_account_managers(user) -> bool:
    return user.role == Role.VIP_MANAGER or may_assign(user)


@admits(opens_account_managers, message=gettext_lazy("只有客户经理、班长和系统管理员可以打开此页"))
def account_managers(request):
    """客户经理: a VIP manager sees their customers' open requests and orders; a supervisor or an
    administrator assigns VIP and enterprise customers to account managers."""
    user = request.user
    context: dict = {"may_assign": may_assign(user)}
    if user.role == Role.VIP_MANAGER:
        context["book"] = manager_book(user)
    else:
        context["managers"] = managers_of(user)
        context["unassigned"] = unassigned_customers(user)
    return render(request, "desk/account_managers.html", context)


@require_POST
@login_required
def account_manager_assign(request):
    """Assign (or, with no manager chosen, remove) the account manager of the customer owning a line."""
    number = request.POST.get("number", "").strip()
    manager = request.POST.get("manager", "").strip() or None
    try:
        customer = customer_services.customer_assign_account_manager(
            actor=request.user, number=number, manager=manager
        )
    except DomainError as exc:
        messages.error(request, exc.message, extra_tags=str(exc.code))
    else:
        if manager:
            messages.success(request, _("已为 %(c)s 指定客户经理 %(m)s") % {"c": customer.name, "m": manager})
        else:
            messages.success(request, _("已取消 %(c)s 的客户经理") % {"c": customer.name})
    return redirect("desk:account_managers")
