from django.db import migrations

APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION kefu_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION kefu_audit_append_only();
"""



def load(apps, schema_editor):
    from kefu.core.reference import load_reference_data

    load_reference_data(
        apps.get_model("core", "Province"),
        apps.get_model("core", "City"),
        apps.get_model("core", "Department"),
        apps.get_model("core", "AgentGroup"),
    )


def append_only(apps, schema_editor):
    """On PostgreSQL the database itself refuses to change or delete an audit event (SYS-2).

    Only PostgreSQL: SQLite has no way to let Django's test flush (row DELETEs) through while refusing
    other deletes, so the embedded default relies on the model's guard alone.
    """
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(APPEND_ONLY_SQL)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(append_only, migrations.RunPython.noop),
    ]
