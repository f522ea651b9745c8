from django.db import migrations


def load(apps, schema_editor):
    from kefu.catalog.reference import load_catalog

    load_catalog(
        apps.get_model("catalog", "Business"),
        apps.get_model("catalog", "BusinessName"),
        apps.get_model("catalog", "CategoryVersion"),
        apps.get_model("catalog", "CategoryNode"),
        apps.get_model("catalog", "ResponsibilityCause"),
        apps.get_model("catalog", "TimeLimit"),
        apps.get_model("core", "Department"),
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial"), ("core", "0002_reference_data")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
