"""Shipped configuration: the default flows (WO-2, WO-7, WO-8, WO-9, KB-2) and the national business
calendar (08:30-17:30, Monday to Friday) with the 2025 public holidays and make-up working days.
Later years' holidays are maintained by administrators (admin: 节假日)."""

import datetime as dt

from django.db import migrations

HOLIDAYS_2025 = [
    ("2025-01-01", False, "元旦"),
    ("2025-01-26", True, "春节调休"),
    *[(f"2025-01-{d}", False, "春节") for d in (28, 29, 30, 31)],
    *[(f"2025-02-0{d}", False, "春节") for d in (1, 2, 3, 4)],
    ("2025-02-08", True, "春节调休"),
    *[(f"2025-04-0{d}", False, "清明节") for d in (4, 5, 6)],
    ("2025-04-27", True, "劳动节调休"),
    *[(f"2025-05-0{d}", False, "劳动节") for d in (1, 2, 3, 4, 5)],
    ("2025-05-31", False, "端午节"),
    *[(f"2025-06-0{d}", False, "端午节") for d in (1, 2)],
    ("2025-09-28", True, "国庆节调休"),
    *[(f"2025-10-0{d}", False, "国庆节、中秋节") for d in (1, 2, 3, 4, 5, 6, 7, 8)],
    ("2025-10-11", True, "国庆节调休"),
]


def forward(apps, schema_editor):
    from kefu.workorders.flows import load_default_flows

    load_default_flows(apps.get_model("workorders", "FlowDefinition"))
    BusinessCalendar = apps.get_model("workorders", "BusinessCalendar")
    Holiday = apps.get_model("workorders", "Holiday")
    if not BusinessCalendar.objects.filter(province__isnull=True).exists():
        BusinessCalendar.objects.create(work_start=dt.time(8, 30), work_end=dt.time(17, 30), workdays="12345")
    for day, is_workday, name in HOLIDAYS_2025:
        Holiday.objects.get_or_create(
            province=None, date=dt.date.fromisoformat(day), defaults={"is_workday": is_workday, "name": name}
        )


class Migration(migrations.Migration):
    dependencies = [("workorders", "0001_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
