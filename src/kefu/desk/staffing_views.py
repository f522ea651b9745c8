"""排班测算 — the supervisors' staffing page (issue 14 item 7; SP-3, ORG-4).

A forecast per interval (interval start, calls) and the centre's figures (AHT, threshold, target,
patience, shrinkage, occupancy cap, number of cities) give, per interval, the agents needed by Erlang C
and by Erlang A with their service level and occupancy, and the pooled vs per-city totals side by side
(the Halfin–Whitt effect: separate city groups need more agents than one pool). Nothing is stored: the
page parses, calls ``kefu.routing.erlang`` and renders.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core.access import admits
from kefu.core.choices import Role
from kefu.routing import erlang

MAX_ROWS = 96  # a day of quarter hours
MAX_CALLS = 1_000_000  # in one interval
MAX_CITIES = 50
MAX_LOAD = 3000.0  # erlangs in one interval: a province's peak is about 2,000; keeps a page fast
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

EXAMPLE = "08:00, 120\n08:30, 180\n09:00, 260\n09:30, 300\n10:00, 280"
DEFAULTS = {
    "forecast": EXAMPLE,
    "interval": "1800",
    "aht": "180",
    "threshold": "15",
    "target": "0.85",
    "patience": "120",
    "shrinkage": "0.3",
    "max_occupancy": "0.85",
    "cities": "4",
}


class StaffingInputError(ValueError):
    """Input the page cannot compute from; the message is shown on the form."""


@dataclass(frozen=True)
class Row:
    start: str
    calls: float
    load: float
    erlang_c: erlang.Staffing
    erlang_a: erlang.Staffing | None
    pooling: erlang.PoolingComparison


def _number(values: dict, key: str, label: str, *, low: float, high: float, optional=False) -> float | None:
    raw = (values.get(key) or "").strip()
    if not raw:
        if optional:
            return None
        raise StaffingInputError(_("请填写%(field)s") % {"field": label})
    try:
        value = float(raw)
    except ValueError:
        raise StaffingInputError(_("%(field)s必须是数字") % {"field": label}) from None
    if not math.isfinite(value) or not (low <= value <= high):
        raise StaffingInputError(
            _("%(field)s必须在%(low)s到%(high)s之间")
            % {"field": label, "low": f"{low:g}", "high": f"{high:g}"}
        )
    return value


def parse_forecast(text: str) -> list[tuple[str, float]]:
    """Rows of ``HH:MM, calls`` (comma, tab or spaces between); blank lines are skipped."""
    rows: list[tuple[str, float]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = [p for p in re.split(r"[,，\t ]+", line) if p]
        if len(parts) != 2 or not _TIME.match(parts[0]):
            raise StaffingInputError(
                _("预测第%(line)d行应为“时段开始, 话务量”，如 08:00, 120") % {"line": number}
            )
        try:
            calls = float(parts[1])
        except ValueError:
            calls = -1.0
        if not math.isfinite(calls) or not (0 <= calls <= MAX_CALLS):
            raise StaffingInputError(
                _("预测第%(line)d行的话务量必须是0到%(max)d之间的数字") % {"line": number, "max": MAX_CALLS}
            )
        rows.append((parts[0], calls))
    if not rows:
        raise StaffingInputError(_("请至少填写一个时段的话务量预测"))
    if len(rows) > MAX_ROWS:
        raise StaffingInputError(_("预测最多%(max)d个时段") % {"max": MAX_ROWS})
    return rows


def compute(values: dict) -> dict:
    """The staffing table of a forecast (the form's values, as strings)."""
    rows = parse_forecast(values.get("forecast", ""))
    interval = _number(values, "interval", _("时段长度"), low=60, high=86400)
    aht = _number(values, "aht", _("话务平均处理时长"), low=1, high=36000)
    threshold = _number(values, "threshold", _("接通时限"), low=0, high=3600)
    target = _number(values, "target", _("服务水平目标"), low=0.01, high=0.999)
    patience = _number(values, "patience", _("平均耐心时长"), low=1, high=36000, optional=True)
    shrinkage = _number(values, "shrinkage", _("缺勤率"), low=0, high=0.9)
    cap = _number(values, "max_occupancy", _("占用率上限"), low=0.1, high=1, optional=True)
    cities = _number(values, "cities", _("地市数"), low=1, high=MAX_CITIES)
    if cities != int(cities):
        raise StaffingInputError(_("地市数必须是整数"))
    keywords = {
        "aht": aht,
        "target": target,
        "threshold": threshold,
        "shrinkage": shrinkage,
        "max_occupancy": cap,
    }
    table: list[Row] = []
    try:
        for start, calls in rows:
            load = erlang.offered_load(calls, interval, aht)
            if load > MAX_LOAD:
                raise StaffingInputError(
                    _(
                        "%(start)s 时段的话务强度 %(load)s Erl 超过本页上限 %(max)s Erl，请用 kefu staffing 计算"
                    )
                    % {"start": start, "load": f"{load:.0f}", "max": f"{MAX_LOAD:.0f}"}
                )
            c = erlang.staff(load, **keywords)
            a = erlang.staff(load, patience=patience, **keywords) if patience else None
            pooling = erlang.compare_pooling(
                load, cities=int(cities), patience=patience, pooled_as=a or c, **keywords
            )
            table.append(Row(start, calls, load, c, a, pooling))
    except erlang.ErlangError as exc:
        raise StaffingInputError(str(exc)) from None
    pooled = sum(r.pooling.pooled.agents for r in table)
    per_city = sum(r.pooling.per_city_agents for r in table)
    return {
        "rows": table,
        "patience": patience,
        "cities": int(cities),
        "threshold": threshold,
        "totals": {
            "erlang_c": sum(r.erlang_c.agents for r in table),
            "erlang_a": sum(r.erlang_a.agents for r in table) if patience else None,
            "pooled": pooled,
            "per_city": per_city,
            "saved": per_city - pooled,
            "peak_pooled": max(r.pooling.pooled.agents for r in table),
            "peak_per_city": max(r.pooling.per_city_agents for r in table),
            # agent-hours: scheduled agents × interval length
            "pooled_hours": pooled * interval / 3600,
            "per_city_hours": per_city * interval / 3600,
        },
    }


def may_plan_staffing(user) -> bool:
    return getattr(user, "role", None) in (Role.SUPERVISOR, Role.ADMINISTRATOR) or user.is_superuser


@admits(may_plan_staffing, message=gettext_lazy("只有班长和系统管理员可以打开此页"))
def staffing(request):
    """排班测算: the form (GET, or POST with a forecast) and, when it computes, the table."""
    values = dict(DEFAULTS)
    result, error = None, None
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in DEFAULTS}
        try:
            result = compute(values)
        except StaffingInputError as exc:
            error = str(exc)
    status = 400 if error else 200
    return render(
        request, "desk/staffing.html", {"values": values, "result": result, "error": error}, status=status
    )
