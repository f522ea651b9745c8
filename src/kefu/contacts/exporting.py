"""Export of contact history to TXT, CSV and XLSX (CON-5)."""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.contacts.errors import ContactError, ContactErrorCode
from kefu.core.errors import ErrorCode

MAX_EXPORT_ROWS = 100_000
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _headers():
    return [
        _("编号"),
        _("开始时间"),
        _("结束时间"),
        _("时长(秒)"),
        _("渠道"),
        _("方向"),
        _("号码"),
        _("受理人"),
        _("请求类型"),
        _("服务请求分类"),
        _("摘要"),
        _("录音编号"),
    ]


def _row(c):
    return [
        c.pk,
        timezone.localtime(c.started_at).strftime("%Y-%m-%d %H:%M:%S"),
        timezone.localtime(c.ended_at).strftime("%Y-%m-%d %H:%M:%S") if c.ended_at else "",
        c.duration_seconds if c.duration_seconds is not None else "",
        str(c.get_channel_display()),
        str(c.get_direction_display()),
        c.number,
        c.staff.job_number if c.staff_id else "",
        str(c.get_request_type_display()) if c.request_type else "",
        c.category.full_path if c.category_id else "",
        c.summary,
        c.recording_ref,
    ]


def export_contacts(queryset, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ContactError(_("导出格式只能是 txt、csv 或 xlsx"), code=ErrorCode.VALIDATION_FAILED, status=400)
    rows = list(queryset.select_related("staff", "category__version")[: MAX_EXPORT_ROWS + 1])
    if len(rows) > MAX_EXPORT_ROWS:
        raise ContactError(
            _("导出超过 %(n)s 行，请缩小查询条件") % {"n": MAX_EXPORT_ROWS},
            code=ContactErrorCode.EXPORT_TOO_LARGE,
        )
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=str(_("接触记录")))
        sheet.append(_headers())
        for contact in rows:
            sheet.append(_row(contact))
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    out = io.StringIO()
    writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
    writer.writerow(_headers())
    for contact in rows:
        writer.writerow(
            ["" if v is None else str(v).replace("\t", " ").replace("\n", " ") for v in _row(contact)]
        )
    # BOM so that Excel opens the UTF-8 CSV with Chinese text correctly
    return ("\ufeff" if fmt == "csv" else "").encode() + out.getvalue().encode("utf-8")
