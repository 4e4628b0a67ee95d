# The models of the first layout's `generation` app, in an app of their own: see adcreative/first_layout.py.

import adcreative.creatives.models
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.db import migrations, models

from adcreative.first_layout import AdoptOrCreateModel


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('assets', '0001_initial'),
        ('tenancy', '0001_initial'),
    ]

    operations = [
        AdoptOrCreateModel(
            old_table='generation_process',
            name='Process',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('user_id', models.UUIDField(blank=True, db_index=True, null=True)),
                ('product_name', models.CharField(blank=True, max_length=200)),
                ('product_description', models.TextField(blank=True)),
                ('disable_safe_margin', models.BooleanField(default=False)),
                ('use_same_style', models.BooleanField(default=True)),
                ('idempotency_key', models.CharField(blank=True, max_length=200)),
                ('request_hash', models.CharField(blank=True, max_length=64)),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('completion_notified_at', models.DateTimeField(blank=True, null=True)),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='processes', to='tenancy.application')),
                ('cutout', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='assets.asset')),
            ],
            options={
                'ordering': ['-created_at'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('idempotency_key', ''), _negated=True), fields=('application', 'idempotency_key'), name='one_process_per_idempotency_key')],
            },
        ),
        AdoptOrCreateModel(
            old_table='generation_task',
            name='Task',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('order', models.PositiveSmallIntegerField()),
                ('render_state', models.PositiveSmallIntegerField(choices=[(0, 'Created'), (1, 'Queued'), (2, 'Preparing'), (3, 'Rendering'), (4, 'Finalizing'), (5, 'Completed'), (6, 'Failed'), (7, 'Cancelled')], db_index=True, default=0)),
                ('progress', models.PositiveSmallIntegerField(default=0)),
                ('prompt', models.JSONField()),
                ('preset_id', models.CharField(blank=True, max_length=80)),
                ('prompt_text', models.TextField()),
                ('negative_prompt', models.TextField(blank=True)),
                ('seed', models.BigIntegerField()),
                ('width', models.PositiveSmallIntegerField()),
                ('height', models.PositiveSmallIntegerField()),
                ('engine', models.CharField(blank=True, max_length=20)),
                ('error_code', models.CharField(blank=True, max_length=40)),
                ('error_message', models.TextField(blank=True)),
                ('result', models.FileField(blank=True, max_length=200, upload_to=adcreative.creatives.models.result_path)),
                ('thumbnail', models.FileField(blank=True, max_length=200, upload_to=adcreative.creatives.models.result_path)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('timings', models.JSONField(blank=True, default=dict)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('queued_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('process', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tasks', to='creatives.process')),
            ],
            options={
                'ordering': ['process', 'order'],
                'constraints': [models.UniqueConstraint(fields=('process', 'order'), name='one_task_per_order')],
            },
        ),
    ]
