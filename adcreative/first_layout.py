"""Moving the tables of the first layout, where one app `generation` held every model, to their apps.

A database made by the first layout has `generation_asset`, `generation_recommendation`,
`generation_process`, `generation_task` and `generation_rendition`, migrated up to
LAST_MIGRATION. Each new app's first migration creates its model with `AdoptOrCreateModel`: in such a
database the old table is renamed to the new one, rows, keys and constraints untouched, and its content
type follows (admin history and permissions stay attached); in a new database the table is created.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ProjectState

OLD_APP = "generation"
LAST_MIGRATION = "0006_process_completion_notified_at"


class AdoptOrCreateModel(migrations.CreateModel):
    """CreateModel that takes over the first layout's table of the same model where there is one."""

    def __init__(self, *args: Any, old_table: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.old_table = old_table

    def deconstruct(self) -> tuple[str, Sequence[Any], dict[str, Any]]:
        name, args, kwargs = super().deconstruct()
        return name, args, {**kwargs, "old_table": self.old_table}

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        connection = schema_editor.connection
        if self.old_table not in connection.introspection.table_names():
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        applied = MigrationRecorder(connection).applied_migrations()
        if (OLD_APP, LAST_MIGRATION) not in applied:
            raise RuntimeError(
                f"{self.old_table} is from an older release that was not fully migrated: run `migrate` with "
                f"the release before the apps were split (up to {OLD_APP}.{LAST_MIGRATION}) first."
            )
        model = to_state.apps.get_model(app_label, self.name)
        schema_editor.alter_db_table(model, self.old_table, model._meta.db_table)
        schema_editor.execute(
            "UPDATE django_content_type SET app_label = %s WHERE app_label = %s AND model = %s "
            "AND NOT EXISTS (SELECT 1 FROM django_content_type WHERE app_label = %s AND model = %s)",
            [app_label, OLD_APP, self.name_lower, app_label, self.name_lower],
        )

    def describe(self) -> str:
        return f"Create model {self.name}, or adopt the table {self.old_table} of the first layout"
