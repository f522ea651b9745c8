"""The SP service-quality file (SP-2): CSV, UTF-8, comma-separated, one header line, one row per SP.

    month,province,sp_code,sp_name,hotline,service_mobile,hotline_calls,answered_15s,complaints,complaints_resolved,resolved_in_time
    2026-04,JS,SP901234,彩信天气预报,02566668888,13912345678,1200,1080,15,14,13

See README.md for each column's rule. :func:`parse` checks every row and returns all errors at once,
each naming its line (the header is line 1), its column and what is wrong; a file with any error is
refused whole.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from kefu.core.numbers import INT32_MAX, is_digits

COLUMNS = [
    "month", "province", "sp_code", "sp_name", "hotline", "service_mobile",
    "hotline_calls", "answered_15s", "complaints", "complaints_resolved", "resolved_in_time",
]  # fmt: skip
COUNTS = COLUMNS[6:]
SP_CODE = re.compile(r"^SP\d{6}$")
FIXED_LINE = re.compile(r"^0\d{9,11}$")  # area code + number; never an extension (SP-3)
MOBILE = re.compile(r"^1[3-9]\d{9}$")
MAX_ROWS = 5000
# The largest count a row may carry: the national figure adds up one row per province (34 at most)
# in the same 32-bit columns, so a province's count is at most a 34th of them.
COUNT_MAX = INT32_MAX // 34


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "message": self.message}


def sha256(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def build(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row[k] for k in COLUMNS})
    return out.getvalue()


def parse(content: str, *, month: str, province: str) -> tuple[list[dict], list[RowError]]:
    """(rows with counts as ints, errors). ``month`` (YYYY-MM) and ``province`` are what the file is
    for: every row must say the same."""
    errors: list[RowError] = []
    reader = csv.reader(io.StringIO(content.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        return [], [RowError(1, "", _("文件为空，缺少表头"))]
    except csv.Error as exc:
        return [], [RowError(1, "", _("不是有效的CSV：%(e)s") % {"e": exc})]
    if [h.strip() for h in header] != COLUMNS:
        return [], [RowError(1, "", _("表头应为：%(c)s") % {"c": ",".join(COLUMNS)})]
    rows: list[dict] = []
    seen: dict[str, int] = {}
    try:
        for line, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                errors.append(RowError(line, "", _("超过%(n)s行") % {"n": MAX_ROWS}))
                break
            if len(values) != len(COLUMNS):
                errors.append(
                    RowError(line, "", _("应有%(n)s列，实有%(m)s列") % {"n": len(COLUMNS), "m": len(values)})
                )
                continue
            row = dict(zip(COLUMNS, (v.strip() for v in values), strict=True))
            row_errors = _check(row, line, month=month, province=province)
            if row["sp_code"] in seen:
                row_errors.append(
                    RowError(line, "sp_code", _("与第%(n)s行的SP代码重复") % {"n": seen[row["sp_code"]]})
                )
            seen.setdefault(row["sp_code"], line)
            errors += row_errors
            if not row_errors:
                rows.append({**row, **{k: int(row[k]) for k in COUNTS}})
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "", _("不是有效的CSV：%(e)s") % {"e": exc}))
    return rows, errors


def _check(row: dict, line: int, *, month: str, province: str) -> list[RowError]:
    errors = []

    def bad(field: str, message: str) -> None:
        errors.append(RowError(line, field, message))

    if row["month"] != month:
        bad("month", _("月份应为 %(m)s，实为“%(v)s”") % {"m": month, "v": row["month"]})
    if row["province"] != province:
        bad("province", _("省代码应为 %(p)s，实为“%(v)s”") % {"p": province, "v": row["province"]})
    if not SP_CODE.match(row["sp_code"]):
        bad("sp_code", _("SP代码应为 SP 加6位数字"))
    if not row["sp_name"] or len(row["sp_name"]) > 60:
        bad("sp_name", _("SP名称必填，最多60个字符"))
    if not FIXED_LINE.match(row["hotline"]):
        bad("hotline", _("客服热线应为带区号的固定电话，不能是分机"))
    if not MOBILE.match(row["service_mobile"]):
        bad("service_mobile", _("服务手机应为11位手机号码"))
    counts = {}
    for key in COUNTS:
        if not is_digits(row[key]):
            bad(key, _("应为非负整数，实为“%(v)s”") % {"v": row[key]})
        elif len(row[key]) > 10 or int(row[key]) > COUNT_MAX:
            bad(key, _("应为 0 到 %(max)s 之间的整数，实为“%(v)s”") % {"max": COUNT_MAX, "v": row[key][:20]})
        else:
            counts[key] = int(row[key])
    for part, whole, message in (
        ("answered_15s", "hotline_calls", _("15秒内接通量不能大于热线呼入量")),
        ("complaints_resolved", "complaints", _("已解决投诉不能大于投诉量")),
        ("resolved_in_time", "complaints_resolved", _("及时解决投诉不能大于已解决投诉")),
    ):
        if part in counts and whole in counts and counts[part] > counts[whole]:
            bad(part, message)
    return errors
