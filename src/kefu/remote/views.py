"""The province desk's 异地用户 panel (SVC-1): ask the home province, show its answer or why not."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError
from kefu.core.models import Province
from kefu.core.numbers import is_digits
from kefu.remote import services
from kefu.workorders.views import category_groups


@login_required
def remote_page(request):
    if request.user.role not in services.MAY_ASK:
        raise PermissionDenied
    form = {k: (request.POST.get(k) or "").strip() for k in ("number", "home", "what", "verified_by")}
    complaint = {k: (request.POST.get(k) or "").strip() for k in ("category", "title", "description")}
    answer = error = None
    intent = request.POST.get("intent", "")
    if request.method == "POST" and intent in services.REQUEST_KINDS:
        form.pop("what")
        try:
            order = services.remote_request(
                actor=request.user,
                kind=intent,
                **form,
                title=complaint["title"],
                description=complaint["description"],
                category=complaint["category"],
            )
            messages.success(
                request,
                _("已受理异地%(k)s %(n)s，请后台发往一级客服转归属省 %(h)s")
                % {"k": services.REQUEST_KINDS[intent], "n": order.number, "h": form["home"].upper()},
            )
            return redirect("workorders:detail", order.number)
        except DomainError as exc:
            error = {"code": exc.code, "message": exc.message}
        form["what"] = ""
    elif request.method == "POST":
        try:
            answer = services.remote_query(actor=request.user, **form)
            answer["cells"] = [[row.get(c["key"]) for c in answer["columns"]] for row in answer["rows"]]
        except DomainError as exc:
            error = {"code": exc.code, "message": exc.message}
    # A province's only peer is the hub (star topology): the home province is any other province, and
    # the hub says if it cannot reach it.
    provinces = list(
        Province.objects.exclude(code=settings.KEFU_NODE_CODE).order_by("gb_code").values_list("code", "name")
    )
    return render(
        request,
        "remote/panel.html",
        {
            "form": form,
            "answer": answer,
            "error": error,
            "provinces": provinces,
            "whats": [(k, str(v)) for k, v in services.WHAT.items()],
            "verifications": services.verifications_for(request.user),
            "complaint": complaint,
            "groups": category_groups("complaint"),
            "suggestion_groups": category_groups("suggestion"),
            "business_groups": _allowed(category_groups("business_handling")),
            "intent": intent,
            "selected": int(complaint["category"]) if is_digits(complaint["category"]) else None,
        },
    )


def _allowed(groups: list[dict]) -> list[dict]:
    """Only the business categories a remote customer may have relayed (``KEFU_REMOTE_BUSINESS``)."""
    allowed = services.remote_business_allowed()
    kept = []
    for group in groups:
        options = [o for o in group["options"] if o["name"].split("›")[0].strip() in allowed]
        if options:
            kept.append({**group, "options": options})
    return kept
