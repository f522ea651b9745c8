"""The shipped SP points rules (SP-1); administrators change amounts and limits in the admin."""

from django.db import migrations

RULES = [
    ("complaint", 1, None),  # each complaint the SP receives
    ("overdue_reply", 2, 48),  # no reply within 48 hours
    ("reprocess", 2, None),  # each time the province sends the result back
    ("dissatisfied", 1, None),  # the customer was not satisfied
]


def load(apps, schema_editor):
    SpPointRule = apps.get_model("sims", "SpPointRule")
    for event, points, hours in RULES:
        SpPointRule.objects.get_or_create(event=event, defaults={"points": points, "hours": hours})


class Migration(migrations.Migration):
    dependencies = [("sims", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
