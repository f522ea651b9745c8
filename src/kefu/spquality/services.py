"""SP service-quality files (SP-2): the province makes and uploads last month's file by the 8th; the
hub checks every row, keeps what it accepts, sums the provinces nationally and passes the result to
SIMS; SIMS keeps the national figures.

Province: :func:`figures_collect` (complaint figures from the province's SP complaint orders),
:func:`figures_seed` (demo/test figures), :func:`file_generate`, :func:`file_upload`,
:func:`report_due` (the daily beat task). Hub: :func:`hub_file_receive` (``sp.quality.upload``).
SIMS: :func:`national_store` (``sp.quality.national``).
"""

from __future__ import annotations

import logging
import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit
from kefu.core.errors import DomainError
from kefu.core.models import Province
from kefu.core.numbers import is_digits
from kefu.federation import client, peers
from kefu.federation.errors import PeerError
from kefu.federation.services import send
from kefu.spquality import fileformat
from kefu.spquality.errors import SpQualityErrorCode
from kefu.spquality.models import HubFile, HubRow, NationalFigure, ProvinceFile, SpFigure

logger = logging.getLogger("kefu.spquality")
DEMO_SPS = [
    ("SP901234", "彩信天气预报"), ("SP902001", "手机报"), ("SP903377", "音乐随身听"),
    ("SP904512", "掌上股市"), ("SP905066", "趣味游戏厅"),
]  # fmt: skip


def month_of(value: str) -> date:
    """``YYYY-MM`` → the first day of that month; DomainError when malformed (ASCII digits only:
    ``int()`` would read '２０２６-０５' as May 2026)."""
    try:
        year, month = value.split("-")
        if not (is_digits(year) and is_digits(month)):
            raise ValueError(value)
        return date(int(year), int(month), 1)
    except (ValueError, AttributeError):
        raise DomainError(
            _("月份格式应为 YYYY-MM"), code=SpQualityErrorCode.VALIDATION_FAILED, status=400
        ) from None


def previous_month(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def due_date(month: date) -> date:
    """The day the file for ``month`` is due: the KEFU_SPQUALITY_DUE_DAY-th of the next month."""
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following.replace(day=settings.KEFU_SPQUALITY_DUE_DAY)


def _province() -> Province:
    province = Province.objects.filter(code=settings.KEFU_NODE_CODE).first()
    if province is None:
        raise DomainError(
            _("本节点不是省节点：%(c)s") % {"c": settings.KEFU_NODE_CODE},
            code=SpQualityErrorCode.NOT_A_PROVINCE,
            status=400,
        )
    return province


# --- province ---------------------------------------------------------------------------------
@transaction.atomic
def figures_seed(*, month: date, actor=None) -> int:
    """Demo/test figures of five SPs for ``month`` (deterministic per province and month); keeps any
    figure already recorded. Returns how many were added."""
    province = _province()
    rng = random.Random(f"{province.code}-{month:%Y%m}")
    added = 0
    for i, (code, name) in enumerate(DEMO_SPS):
        calls = rng.randint(300, 3000)
        answered = int(calls * rng.uniform(0.78, 0.98))
        complaints = rng.randint(0, 40)
        resolved = rng.randint(0, complaints)
        _fig, created = SpFigure.objects.get_or_create(
            province=province, month=month, sp_code=code,
            defaults={"sp_name": name, "hotline": f"0{rng.randint(10, 99)}{rng.randint(10**7, 10**8 - 1)}",
                      "service_mobile": f"139{rng.randint(10**7, 10**8 - 1)}", "hotline_calls": calls,
                      "answered_15s": answered, "complaints": complaints, "complaints_resolved": resolved,
                      "resolved_in_time": rng.randint(0, resolved) if i else resolved},
        )  # fmt: skip
        added += created
    audit.record(actor=actor, action="spquality.figures_seed", object_type="spquality", object_id=f"{month:%Y-%m}",
                 changes={"added": added}, province_id=province.pk)  # fmt: skip
    return added


@transaction.atomic
def figures_collect(*, month: date, actor=None) -> int:
    """The complaint columns of ``month`` from this province's own SP complaints: every work order
    accepted that month (local time) and sent to SIMS for an SP (WO-3) counts for that SP; archived
    ones are resolved, and resolved in time when archived by the order's deadline. The hotline
    columns (dial tests) are kept as recorded; an SP first seen here gets a row named after the
    complained-about business, its hotline still to be recorded. Returns how many SPs were updated."""
    from kefu.crosslevel.models import CrossLink
    from kefu.workorders.choices import WorkOrderState

    province = _province()
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(month, time.min), zone)
    end = timezone.make_aware(datetime.combine(following, time.min), zone)
    links = (
        CrossLink.objects.filter(
            role="origin", target="SIMS", order__province=province,
            order__accepted_at__gte=start, order__accepted_at__lt=end,
        )
        .exclude(sp_code="")
        .values("sp_code", "order__state", "order__closed_at", "order__order_due_at", "order__business__name")
    )  # fmt: skip
    counts: dict[str, dict] = {}
    for link in links:
        c = counts.setdefault(link["sp_code"], {"complaints": 0, "complaints_resolved": 0, "resolved_in_time": 0,
                                                "name": link["order__business__name"] or link["sp_code"]})  # fmt: skip
        c["complaints"] += 1
        if link["order__state"] == WorkOrderState.ARCHIVED:
            c["complaints_resolved"] += 1
            due, closed = link["order__order_due_at"], link["order__closed_at"]
            c["resolved_in_time"] += due is None or (closed is not None and closed <= due)
    recorded = {
        f.sp_code: f for f in SpFigure.objects.select_for_update().filter(province=province, month=month)
    }
    for code, c in counts.items():
        figure = recorded.get(code) or SpFigure(
            province=province, month=month, sp_code=code, sp_name=c["name"][:60]
        )
        figure.complaints, figure.complaints_resolved, figure.resolved_in_time = (
            c["complaints"], c["complaints_resolved"], c["resolved_in_time"],
        )  # fmt: skip
        figure.save()
    audit.record(actor=actor, action="spquality.figures_collect", object_type="spquality",
                 object_id=f"{month:%Y-%m}", changes={"sps": len(counts)}, province_id=province.pk)  # fmt: skip
    return len(counts)


@transaction.atomic
def file_generate(*, month: date, actor=None) -> ProvinceFile:
    """Build the province's file for ``month`` from its recorded figures (a regeneration replaces an
    earlier, not yet accepted file) and keep a copy under DATA_DIR/spquality."""
    province = _province()
    existing = ProvinceFile.objects.select_for_update().filter(province=province, month=month).first()
    if existing is not None and existing.status == ProvinceFile.Status.ACCEPTED:
        raise DomainError(
            _("%(m)s 的文件总部已接收，不能重新生成") % {"m": f"{month:%Y-%m}"},
            code=SpQualityErrorCode.ALREADY_ACCEPTED,
            status=409,
        )
    rows = [
        {
            "month": f"{month:%Y-%m}",
            "province": province.code,
            **{k: getattr(f, k) for k in fileformat.COLUMNS[2:]},
        }
        for f in SpFigure.objects.filter(province=province, month=month).order_by("sp_code")
    ]
    content = fileformat.build(rows)
    file = existing or ProvinceFile(province=province, month=month)
    file.content, file.sha256, file.rows = content, fileformat.sha256(content), len(rows)
    file.status, file.generated_at, file.errors, file.last_error = (
        ProvinceFile.Status.GENERATED,
        timezone.now(),
        [],
        "",
    )
    file.save()
    audit.record(
        actor=actor,
        action="spquality.file_generate",
        obj=file,
        changes={"month": f"{month:%Y-%m}", "rows": len(rows)},
    )
    out = settings.DATA_DIR / "spquality"
    transaction.on_commit(lambda: _write_copy(out, file.filename, content))
    return file


def _write_copy(directory, name: str, content: str) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(content, encoding="utf-8")
    except OSError:  # the database copy is the record; the file is a convenience
        logger.warning("could not write %s", name, exc_info=True)


def file_upload(*, month: date, actor=None) -> ProvinceFile:
    """Upload the generated file to the hub (synchronous: the hub answers with its verdict at once)."""
    from kefu.capability.services import hub_code

    file = ProvinceFile.objects.select_related("province").filter(province=_province(), month=month).first()
    if file is None:
        raise DomainError(
            _("%(m)s 的文件尚未生成") % {"m": f"{month:%Y-%m}"},
            code=SpQualityErrorCode.NOT_GENERATED,
            status=409,
        )
    payload = {
        "month": f"{month:%Y-%m}",
        "filename": file.filename,
        "content": file.content,
        "sha256": file.sha256,
    }
    try:
        answer = client.request(to=hub_code(), type="sp.quality.upload", payload=payload,
                                timeout=settings.KEFU_FEDERATION_TIMEOUT)  # fmt: skip
    except PeerError as exc:
        status, errors, last_error = ProvinceFile.Status.FAILED, [], exc.message
    else:
        accepted = bool(answer.get("accepted"))
        status = ProvinceFile.Status.ACCEPTED if accepted else ProvinceFile.Status.REFUSED
        errors, last_error = answer.get("errors") or [], "" if accepted else str(answer.get("message", ""))
    with transaction.atomic():
        file = ProvinceFile.objects.select_for_update().get(pk=file.pk)
        file.status, file.errors, file.last_error, file.uploaded_at = (
            status,
            errors,
            last_error,
            timezone.now(),
        )
        file.save()
        audit.record(actor=actor, action="spquality.file_upload", obj=file,
                     changes={"month": f"{month:%Y-%m}", "status": status, "errors": len(errors)})  # fmt: skip
    return file


def report_due(*, today: date | None = None) -> str:
    """The daily task: on a province, make and upload last month's file unless the hub accepted it."""
    if settings.KEFU_ROLE != "province" or not peers.of_role("hub"):
        return "not a federated province"
    month = previous_month(today)
    file = ProvinceFile.objects.filter(province__code=settings.KEFU_NODE_CODE, month=month).first()
    if file is not None and file.status == ProvinceFile.Status.ACCEPTED:
        return "already accepted"
    if file is None or file.status != ProvinceFile.Status.GENERATED:
        figures_collect(month=month)
        file = file_generate(month=month)
    return file_upload(month=month).status


# --- hub --------------------------------------------------------------------------------------
def hub_file_receive(*, payload: dict, sender: str) -> dict:
    """Check every row of a province's file; accept it whole (store, aggregate, forward to SIMS) or
    refuse it whole with every row's errors (nothing stored)."""
    month_text = str(payload.get("month", ""))
    month = month_of(month_text)
    content = str(payload.get("content", ""))
    if payload.get("sha256") and payload["sha256"] != fileformat.sha256(content):
        return {"accepted": False, "message": _("文件校验和不符，请重新上报"), "errors": []}
    rows, errors = fileformat.parse(content, month=f"{month:%Y-%m}", province=sender)
    if errors:
        return {
            "accepted": False,
            "message": _("文件有 %(n)s 处错误，整份拒收") % {"n": len(errors)},
            "errors": [e.as_dict() for e in errors],
        }
    late = timezone.localdate() > due_date(month)
    with transaction.atomic():
        HubFile.objects.select_for_update().filter(province=sender, month=month, current=True).update(
            current=False
        )
        file = HubFile.objects.create(
            province=sender, month=month, late=late, sha256=fileformat.sha256(content), rows=len(rows)
        )
        HubRow.objects.bulk_create(
            HubRow(file=file, **{k: r[k] for k in fileformat.COLUMNS[2:]}) for r in rows
        )
        audit.record(actor=None, action="spquality.hub_receive", obj=file,
                     changes={"province": sender, "month": month_text, "rows": len(rows), "late": late})  # fmt: skip
        national_forward(month=month)
    return {"accepted": True, "rows": len(rows), "late": late, "file": file.pk}


def national_rows(month: date) -> list[dict]:
    """The national figures per SP for ``month``: sums over the provinces' current files."""
    figures = HubRow.objects.filter(file__month=month, file__current=True)
    sums = {k: Sum(k) for k in fileformat.COUNTS}
    result = []
    for row in figures.values("sp_code").annotate(**sums).order_by("sp_code"):
        same = figures.filter(sp_code=row["sp_code"])
        first = same.order_by("file__province").first()
        provinces = sorted(set(same.values_list("file__province", flat=True)))
        result.append({"sp_code": row["sp_code"], "sp_name": first.sp_name, "hotline": first.hotline,
                       "service_mobile": first.service_mobile, "provinces": ",".join(provinces),
                       **{k: row[k] or 0 for k in fileformat.COUNTS}})  # fmt: skip
    return result


def national_forward(*, month: date) -> None:
    """Queue the month's national figures to SIMS (in the caller's transaction, through the outbox;
    the order reference keeps the versions in sequence on the link)."""
    sims = peers.of_role("sims")
    if not sims:
        logger.warning("no SIMS peer configured; national SP figures not forwarded")
        return
    version = HubFile.objects.filter(month=month).count()
    send(to=sims[0].code, type="sp.quality.national", order=f"SPQ{month:%Y%m}",
         payload={"month": f"{month:%Y-%m}", "version": version, "rows": national_rows(month)})  # fmt: skip


# --- SIMS -------------------------------------------------------------------------------------
def national_store(*, payload: dict) -> dict:
    """SIMS: replace the month's national figures with the hub's newer version (runs in the inbox
    transaction; an older version arriving late changes nothing)."""
    month = month_of(str(payload.get("month", "")))
    version = int(payload.get("version") or 0)
    current = (
        NationalFigure.objects.filter(month=month)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    if current is not None and current > version:
        return {"kept_version": current}
    NationalFigure.objects.filter(month=month).delete()
    keys = ["sp_code", "sp_name", "hotline", "service_mobile", "provinces", *fileformat.COUNTS]
    NationalFigure.objects.bulk_create(
        NationalFigure(month=month, version=version, **{k: row.get(k, "") for k in keys})
        for row in payload.get("rows", [])
    )
    return {"stored": len(payload.get("rows", [])), "version": version}
