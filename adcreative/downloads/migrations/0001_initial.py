# The models of the first layout's `generation` app, in an app of their own: see adcreative/first_layout.py.

import adcreative.downloads.models
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from adcreative.first_layout import AdoptOrCreateModel


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('creatives', '0001_initial'),
    ]

    operations = [
        AdoptOrCreateModel(
            old_table='generation_rendition',
            name='Rendition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('variant', models.CharField(choices=[('full.jpg', 'Full size JPEG'), ('full.pdf', 'Full size PDF'), ('thumbnail.png', 'Thumbnail PNG'), ('thumbnail.pdf', 'Thumbnail PDF')], max_length=20)),
                ('file', models.FileField(max_length=200, upload_to=adcreative.downloads.models.rendition_path)),
                ('size', models.PositiveBigIntegerField()),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('task', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='renditions', to='creatives.task')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('task', 'variant'), name='one_rendition_per_variant')],
            },
        ),
    ]
