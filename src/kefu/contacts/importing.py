"""Batch import of contact records from CSV or XLSX (CON-2): every row is validated first; one bad row
rejects the whole file, and the report names each bad row, its column and why."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kefu.contacts.choices import Channel, Direction
from kefu.contacts.errors import ContactError, ContactErrorCode
from kefu.contacts.services import ContactInput
from kefu.core import scope
from kefu.core.choices import RequestType
from kefu.core.numbers import is_digits

MAX_ROWS = 50_000

# Column headers accepted, English or Chinese, mapped to ContactInput fields.
COLUMNS = {
    "channel": "channel",
    "渠道": "channel",
    "direction": "direction",
    "方向": "direction",
    "number": "number",
    "号码": "number",
    "started_at": "started_at",
    "开始时间": "started_at",
    "ended_at": "ended_at",
    "结束时间": "ended_at",
    "request_type": "request_type",
    "请求类型": "request_type",
    "category": "category",
    "分类编号": "category",
    "summary": "summary",
    "摘要": "summary",
    "recording_ref": "recording_ref",
    "录音编号": "recording_ref",
}
REQUIRED = ("channel", "number", "started_at")


@dataclass
class ImportReport:
    rows: list[ContactInput] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    def reject(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "field": column, "message": str(message)})


def _label_lookup(choices) -> dict[str, str]:
    table = {}
    for value, label in choices.CHOICES:
        table[value] = value
        table[str(label)] = value
    return table


def read_table(content: bytes, filename: str) -> list[dict[str, str]]:
    """Rows as dicts keyed by our field names; raises ContactError if the file cannot be read."""
    name = filename.lower()
    try:
        if name.endswith(".xlsx"):
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
            raw = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
        elif name.endswith((".csv", ".txt")):
            text = (
                content.decode("utf-8-sig")
                if not content.startswith(b"\xff\xfe")
                else content.decode("utf-16")
            )
            raw = list(csv.reader(io.StringIO(text)))
        else:
            raise ContactError(_("只支持 CSV 或 XLSX 文件"), code=ContactErrorCode.IMPORT_UNREADABLE)
    except ContactError:
        raise
    except Exception:  # openpyxl and csv raise many kinds; the user only needs to know the file is unreadable
        raise ContactError(_("文件无法读取，请检查格式"), code=ContactErrorCode.IMPORT_UNREADABLE)
    raw = [row for row in raw if any(str(v).strip() for v in row)]
    if not raw:
        raise ContactError(_("文件为空"), code=ContactErrorCode.IMPORT_UNREADABLE)
    header = [COLUMNS.get(str(h).strip(), "") for h in raw[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ContactError(
            _("缺少必填列：%(c)s") % {"c": ", ".join(missing)}, code=ContactErrorCode.IMPORT_UNREADABLE
        )
    if len(raw) - 1 > MAX_ROWS:
        raise ContactError(
            _("一次最多导入 %(n)s 行") % {"n": MAX_ROWS}, code=ContactErrorCode.IMPORT_UNREADABLE
        )
    return [
        {
            key: (value if isinstance(value, datetime) else str(value).strip())
            for key, value in zip(header, row, strict=False)
            if key
        }
        for row in raw[1:]
    ]


def _when(value) -> datetime | None:
    if isinstance(value, datetime):
        parsed = value
    else:
        parsed = parse_datetime(value.replace("/", "-")) if value else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def validate_rows(*, actor, table: list[dict[str, str]]) -> ImportReport:
    """Check every row; collect all errors rather than stopping at the first."""
    from kefu.catalog.models import CategoryNode
    from kefu.customers.models import Subscriber

    channels = _label_lookup(Channel)
    directions = _label_lookup(Direction)
    request_types = _label_lookup(RequestType)
    numbers = {row.get("number", "") for row in table}
    subscribers = {s.number: s for s in Subscriber.objects.filter(number__in=numbers)}
    visible = set(
        scope.restrict(Subscriber.objects.filter(number__in=numbers), actor).values_list("number", flat=True)
    )
    category_ids = {row.get("category") for row in table if row.get("category")}
    categories = {
        str(c.pk): c
        for c in CategoryNode.objects.filter(pk__in=[c for c in category_ids if is_digits(str(c))])
    }
    report = ImportReport()
    for index, row in enumerate(table, start=2):  # row 1 is the header
        before = len(report.errors)
        channel = channels.get(row.get("channel", ""))
        if channel is None:
            report.reject(index, "channel", _("未知渠道“%(v)s”") % {"v": row.get("channel", "")})
        direction = directions.get(row.get("direction") or Direction.INBOUND)
        if direction is None:
            report.reject(index, "direction", _("方向只能是 呼入/呼出"))
        number = row.get("number", "")
        subscriber = subscribers.get(number)
        if not number:
            report.reject(index, "number", _("号码必填"))
        elif subscriber is None:
            report.reject(index, "number", _("号码 %(n)s 不存在") % {"n": number})
        elif number not in visible:
            report.reject(index, "number", _("号码 %(n)s 不在您的数据权限范围内") % {"n": number})
        started = _when(row.get("started_at", ""))
        if started is None:
            report.reject(index, "started_at", _("开始时间无法识别，格式如 2026-11-01 09:30:00"))
        ended = _when(row.get("ended_at", "")) if row.get("ended_at") else None
        if row.get("ended_at") and ended is None:
            report.reject(index, "ended_at", _("结束时间无法识别"))
        if started and ended and ended < started:
            report.reject(index, "ended_at", _("结束时间早于开始时间"))
        request_type = ""
        if row.get("request_type"):
            request_type = request_types.get(row["request_type"])
            if request_type is None:
                report.reject(index, "request_type", _("未知请求类型“%(v)s”") % {"v": row["request_type"]})
        category = None
        if row.get("category"):
            category = categories.get(str(row["category"]))
            if category is None:
                report.reject(index, "category", _("分类编号 %(v)s 不存在") % {"v": row["category"]})
        if len(report.errors) == before:
            report.rows.append(
                ContactInput(
                    channel=channel,
                    direction=direction,
                    number=number,
                    subscriber=subscriber,
                    started_at=started,
                    ended_at=ended,
                    request_type=request_type or "",
                    category=category,
                    summary=row.get("summary", ""),
                    recording_ref=row.get("recording_ref", ""),
                )
            )
    return report
