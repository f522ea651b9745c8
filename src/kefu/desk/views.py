"""Desk views: login, the home page, the unified customer view (VIEW-1..7), the PIN pad and the IVR
simulator (contact records, CON-1..6 and SR-1: ``contact_views``; the knowledge area:
``knowledge_views``). Views parse, call a selector or service, and render; nothing else."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST

from kefu.core.choices import Role
from kefu.core.errors import DomainError
from kefu.customers import services as customer_services
from kefu.desk import labels
from kefu.desk.forms import StaffAuthenticationForm
from kefu.desk.homes import home_for
from kefu.desk.selectors import customer_search, is_walk_in_number
from kefu.desk.view import customer_view_open
from kefu.identity import selectors as identity_selectors


class StaffLoginView(auth_views.LoginView):
    """Login with job number and password (SYS-1); a signed-in user goes straight to the desk."""

    template_name = "registration/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True


@login_required
def home(request):
    """The home page of the user's role (``kefu.desk.homes``), within the user's scope: the agent's
    call and contacts, the counters' customers, the handlers' queues with time left, the
    supervisors' figures and team queues; the system overview for the other roles.

    An htmx request (the refresh button) gets the figures only.
    """
    if request.user.role == Role.PIN_PAD:
        return redirect("desk:pin_pad")  # a PIN pad account has one screen
    found = home_for(request.user)
    context = {"figures": found.figures, "home": found, **found.blocks}
    if request.headers.get("HX-Request"):
        return render(request, "desk/_figures.html", context)
    return render(request, f"desk/home/{found.kind}.html", context)


# --------------------------------------------------------------------------------------------------
# Unified customer view


@login_required
def customer_find(request):
    """Find a customer (VIEW-1) by phone number, ID-number prefix (6+ characters) or name, narrowed by
    a city or an ID prefix ("张伟 南京", "张伟 3201"): one line opens its view, several are listed with
    the ID number masked."""
    query = request.GET.get("q", "").strip()[:100]
    parsed, lines = customer_search(user=request.user, query=query) if query else (None, [])
    if query and len(lines) == 1:
        return redirect("desk:customer", number=lines[0].number)
    if query and not lines and is_walk_in_number(user=request.user, number=query):
        return redirect("desk:customer", number=query)  # SVC-1: the walk-in authenticates first
    context = {"query": query, "lines": lines, "error": parsed.error if parsed else ""}
    return render(request, "desk/customer_find.html", context)


def _view_or_404(request, number: str, *, fragment: str = "") -> dict:
    """The view, audited (SYS-2); 404 out of scope. A view whose audit row cannot be written raises
    the DomainError the caller renders instead of the view."""
    view = customer_view_open(user=request.user, number=number, fragment=fragment)
    if view is None:
        raise Http404(_("号码不存在或不在您的数据权限范围内"))
    return view


def _refused(request, exc: DomainError, *, embedded: bool = False):
    """The page a view refused by the audit (or any other domain rule) shows: the reason, no data;
    ``embedded``: without the desk's shell, like the embed page it stands for (VIEW-7)."""
    context = {"message": exc.message, "code": exc.code, "embedded": embedded}
    return render(request, "desk/view/refused.html", context, status=exc.status)


def _view_context(request, view: dict, *, embedded: bool) -> dict:
    return {
        "view": view,
        "embedded": embedded,
        "is_hall": request.user.role in ("hall_staff", "vip_manager"),
        "labels": labels.query_labels(),
        # AUTH-5: while locked, the buttons that send the customer to the IVR / PIN pad are disabled
        "password_locked_until": identity_selectors.password_locked_until(number=view["number"]),
        # the page shows times pushed to it in the server's time zone, not the browser's
    }


@login_required
def customer(request, number: str):
    """The unified customer view of one line, with the authentication, query and acceptance panels.

    ``?fragment=products`` answers the product section only (refreshed after a business acceptance).
    """
    fragment = "products" if request.GET.get("fragment") == "products" else ""
    try:
        view = _view_or_404(request, number, fragment=fragment)
    except DomainError as exc:
        return _refused(request, exc)
    context = _view_context(request, view, embedded=False)
    if view["walk_in"] and not view["sections"]:
        return render(request, "desk/view/walk_in.html", context)
    if fragment:
        return render(request, "desk/view/_products.html", context)
    return render(request, "desk/customer.html", context)


@xframe_options_exempt
@login_required
def customer_embed(request, number: str):
    """VIEW-7: the same view without the desk's shell, for other desktops to show in an iframe.

    The only view exempt from X-Frame-Options; the session (and so the user's scope) still applies.
    """
    try:
        view = _view_or_404(request, number)
    except DomainError as exc:
        return _refused(request, exc, embedded=True)
    context = _view_context(request, view, embedded=True)
    if view["walk_in"] and not view["sections"]:
        return render(request, "desk/view/walk_in.html", context)
    return render(request, "desk/customer_embed.html", context)


@require_POST
@login_required
def customer_reveal(request, number: str):
    """A deliberate click reveals the personal data of a line to a permitted role; audited."""
    try:
        revealed = customer_services.personal_data_reveal(actor=request.user, number=number)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        return render(request, "desk/view/_reveal_denied.html", {"message": exc.message}, status=exc.status)
    return render(request, "desk/view/_revealed.html", {"revealed": revealed})


@require_POST
@login_required
def customer_edit(request, number: str):
    """VIEW-6: edit interests and the mailing address (a blank address field keeps the address)."""
    changes = {"interests": request.POST.get("interests", "")}
    address = request.POST.get("mailing_address", "").strip()
    if address:
        changes["mailing_address"] = address
    try:
        customer_services.subscriber_update_non_core(actor=request.user, number=number, changes=changes)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("客户资料已更新"))
    return HttpResponseRedirect(reverse("desk:customer", args=[number]) + "#tab-basic")


# --------------------------------------------------------------------------------------------------
# The PIN pad and the IVR simulator


@login_required
def pin_pad(request):
    """密码键盘: the screen of a PIN pad account (AUTH-3). It shows the waiting request of the staff
    member it is paired with (masked number, what to key) and posts the customer's digits; the staff
    member's page learns pass or fail only."""
    if request.user.role != Role.PIN_PAD:
        return redirect("desk:home")  # staff have their own desk; the pad's screen is the pad's
    return render(request, "desk/pin_pad.html", {})


@login_required
def ivr_simulator(request):
    """模拟IVR: the caller's keypad for the demo and the browser test; it posts the digits to the IVR
    endpoint, as the real IVR would. The agent's page itself never has a password field (AUTH-3)."""
    return render(request, "desk/ivr_simulator.html", {"collection": request.GET.get("collection", "")})
