"""WO-9: the urge flow is retired (urging is the urge action on the existing order, acknowledged by
its holder) and the information sync flow now comes from the cities to the centre. Existing
installations get a new current version of ``info_sync``; orders keep the version they were
accepted under. New installations already have the shipped definitions (0002 loads them)."""

from django.db import migrations


def forward(apps, schema_editor):
    from kefu.workorders.flows import DEFAULT_FLOWS, validate

    FlowDefinition = apps.get_model("workorders", "FlowDefinition")
    FlowDefinition.objects.filter(code="urge", is_current=True).update(is_current=False)
    shipped = {code: (name, definition) for code, name, _kind, _default, definition in DEFAULT_FLOWS}
    for code in ("info_sync", "billing_adjustment"):
        current = FlowDefinition.objects.filter(code=code, is_current=True).order_by("-version").first()
        name, definition = shipped[code]
        definition = validate(definition)
        if current is None or (current.definition == definition and current.name == name):
            continue
        FlowDefinition.objects.filter(code=code).update(is_current=False)
        FlowDefinition.objects.create(
            code=code,
            name=name,
            kind=current.kind,
            business_code=current.business_code,
            category_code=current.category_code,
            version=current.version + 1,
            is_current=True,
            is_default=current.is_default,
            definition=definition,
            note="issue 11: WO-9 coordination flows",
        )


class Migration(migrations.Migration):
    dependencies = [("workorders", "0007_coordination_detail")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
