# Each claim of a task leases it to its worker, renewed while it renders.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('creatives', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='task',
            name='lease_until',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
