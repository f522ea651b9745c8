"""SP-2 pages: the province's monthly files, the hub's report status and national figures, SIMS's
national figures (SP staff see their own SP)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kefu.core import scope
from kefu.core.access import admits
from kefu.core.choices import Role
from kefu.core.errors import DomainError
from kefu.spquality import selectors, services
from kefu.spquality.models import NationalFigure, ProvinceFile, SpFigure

PROVINCE_ROLES = {Role.SUPERVISOR, Role.ADMINISTRATOR, Role.BACK_OFFICE}


@admits(PROVINCE_ROLES)
def province_page(request):
    month = services.previous_month()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            month = services.month_of(request.POST.get("month") or f"{month:%Y-%m}")
            if action == "collect":
                count = services.figures_collect(month=month, actor=request.user)
                messages.success(request, _("已从工单统计 %(n)d 个SP的投诉量") % {"n": count})
            elif action == "generate":
                file = services.file_generate(month=month, actor=request.user)
                messages.success(request, f"{file.filename}: {file.rows}")
            elif action == "upload":
                file = services.file_upload(month=month, actor=request.user)
                (messages.success if file.status == "accepted" else messages.error)(
                    request, f"{file.filename}: {file.get_status_display()} {file.last_error}"
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("spquality:home")
    files = scope.restrict(ProvinceFile.objects.select_related("province"), request.user)[:24]
    figures = scope.restrict(SpFigure.objects.filter(month=month), request.user).order_by("sp_code")
    return render(request, "spquality/province.html", {"files": files, "figures": figures, "month": month,
                                                       "due": services.due_date(month)})  # fmt: skip


@admits({Role.HUB_OPERATOR, Role.ADMINISTRATOR})
def hub_page(request):
    month = services.month_of(request.GET["month"]) if request.GET.get("month") else services.previous_month()
    return render(request, "spquality/hub.html", {**selectors.hub_report_status(month),
                                                  "national": services.national_rows(month)})  # fmt: skip


@admits({Role.SP_STAFF, Role.ADMINISTRATOR})
def sims_page(request):
    figures = scope.restrict(NationalFigure.objects.all(), request.user)[:500]
    return render(request, "spquality/sims.html", {"figures": figures})
