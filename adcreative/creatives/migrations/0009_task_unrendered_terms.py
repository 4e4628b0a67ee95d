from django.db import migrations


class Migration(migrations.Migration):
    """The words a custom prompt's engine cannot draw are the task's prompt.unrenderedTerms (API.md): the
    column takes the contract's name."""

    dependencies = [
        ("creatives", "0008_task_unresolved"),
    ]

    operations = [
        migrations.RenameField(model_name="task", old_name="unresolved", new_name="unrendered_terms"),
    ]
