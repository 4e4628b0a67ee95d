# Each claim of a recommendation leases it to its worker, renewed while it works.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('recommendations', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='recommendation',
            name='lease_until',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
