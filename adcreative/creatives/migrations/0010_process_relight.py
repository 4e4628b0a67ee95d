from django.db import migrations, models


class Migration(migrations.Migration):
    """AdCreative's `relight` (an extension, off by default) is kept with the process its tasks render for."""

    dependencies = [
        ("creatives", "0009_task_unrendered_terms"),
    ]

    operations = [
        migrations.AddField(model_name="process", name="relight", field=models.BooleanField(default=False)),
    ]
