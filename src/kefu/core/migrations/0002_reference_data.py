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

APPEND_ONLY_SQLITE = [
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]


def load(apps, schema_editor):
    from kefu.core.reference import load_reference_data

    load_reference_data(
        apps.get_model("core", "Province"),
        apps.get_model("core", "City"),
        apps.get_model("core", "Department"),
        apps.get_model("core", "AgentGroup"),
    )


def append_only(apps, schema_editor):
    """The database itself refuses to change or delete an audit event (SYS-2)."""
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(APPEND_ONLY_SQL)
        elif schema_editor.connection.vendor == "sqlite":
            for statement in APPEND_ONLY_SQLITE:
                cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(append_only, migrations.RunPython.noop),
    ]
