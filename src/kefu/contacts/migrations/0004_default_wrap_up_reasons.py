"""The wrap-up reasons a telecom hotline starts with (话后处理原因); administrators edit them in the admin."""

from django.db import migrations

DEFAULTS = [
    ("answered", "咨询已解答", "Question answered"),
    ("business_done", "已受理业务", "Business handled"),
    ("work_order", "已建工单", "Work order created"),
    ("transferred", "转其他部门", "Transferred to another department"),
    ("callback", "需回访", "Callback needed"),
    ("customer_hung_up", "客户挂断", "Customer hung up"),
    ("silent", "无声电话", "Silent call"),
    ("harassment", "骚扰电话", "Nuisance call"),
    ("wrong_number", "打错电话", "Wrong number"),
    ("other", "其他", "Other"),
]


def add(apps, schema_editor):
    reason = apps.get_model("contacts", "WrapUpReason")
    for position, (code, name, name_en) in enumerate(DEFAULTS, start=1):
        reason.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("contacts", "0003_wrap_up_and_hold")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
