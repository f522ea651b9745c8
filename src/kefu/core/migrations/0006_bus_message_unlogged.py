"""The table bus's messages in an UNLOGGED table on PostgreSQL.

A publish is its own transaction after the change it announces has committed; on a logged table its
commit waits for the WAL to reach the disk (one fsync per work-order action, as long as the action's
own commit on a busy disk). Bus rows live for a minute and only wake browsers: after a crash
PostgreSQL empties an unlogged table, which costs nothing a reconnecting browser does not reload.
SQLite has no such thing and keeps the table as it is.
"""

from django.db import migrations


def _persistence(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_ivr_role"),
    ]

    operations = [
        migrations.RunPython(
            _persistence('ALTER TABLE "core_busmessage" SET UNLOGGED'),
            _persistence('ALTER TABLE "core_busmessage" SET LOGGED'),
        ),
    ]
