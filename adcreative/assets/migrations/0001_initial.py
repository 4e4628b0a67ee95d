# The models of the first layout's `generation` app, in an app of their own: see adcreative/first_layout.py.

import adcreative.assets.models
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.db import migrations, models

from adcreative.first_layout import AdoptOrCreateModel


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('tenancy', '0001_initial'),
    ]

    operations = [
        AdoptOrCreateModel(
            old_table='generation_asset',
            name='Asset',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('user_id', models.UUIDField(blank=True, null=True)),
                ('kind', models.CharField(choices=[('original', 'Original'), ('cutout', 'Cutout')], max_length=16)),
                ('file', models.FileField(max_length=200, upload_to=adcreative.assets.models.asset_path)),
                ('content_type', models.CharField(max_length=40)),
                ('width', models.PositiveIntegerField()),
                ('height', models.PositiveIntegerField()),
                ('size', models.PositiveBigIntegerField()),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assets', to='tenancy.application')),
            ],
            options={
                'ordering': ['-created_at'],
            },
        ),
    ]
