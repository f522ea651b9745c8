"""The 2026 public holidays and make-up working days of the national business calendar (the State
Council's schedule for 2026), beside 2025's from 0002. Provinces add their own in the admin."""

import datetime as dt

from django.db import migrations

HOLIDAYS_2026 = [
    *[(f"2026-01-0{d}", False, "元旦") for d in (1, 2, 3)],
    ("2026-01-04", True, "元旦调休"),
    ("2026-02-14", True, "春节调休"),
    *[(f"2026-02-{d}", False, "春节") for d in range(15, 24)],
    ("2026-02-28", True, "春节调休"),
    *[(f"2026-04-0{d}", False, "清明节") for d in (4, 5, 6)],
    *[(f"2026-05-0{d}", False, "劳动节") for d in (1, 2, 3, 4, 5)],
    ("2026-05-09", True, "劳动节调休"),
    *[(f"2026-06-{d}", False, "端午节") for d in (19, 20, 21)],
    ("2026-09-20", True, "国庆节调休"),
    *[(f"2026-09-{d}", False, "中秋节") for d in (25, 26, 27)],
    *[(f"2026-10-0{d}", False, "国庆节") for d in (1, 2, 3, 4, 5, 6, 7)],
    ("2026-10-10", True, "国庆节调休"),
]


def forward(apps, schema_editor):
    Holiday = apps.get_model("workorders", "Holiday")
    for day, is_workday, name in HOLIDAYS_2026:
        Holiday.objects.get_or_create(
            province=None, date=dt.date.fromisoformat(day), defaults={"is_workday": is_workday, "name": name}
        )


def backward(apps, schema_editor):
    Holiday = apps.get_model("workorders", "Holiday")
    Holiday.objects.filter(province=None, date__year=2026).delete()


class Migration(migrations.Migration):
    dependencies = [("workorders", "0004_list_indexes")]

    operations = [migrations.RunPython(forward, backward)]
