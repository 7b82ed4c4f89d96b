# The version field named, so that the admin shows "版本" rather than Django's English "Version" (a label only: no SQL).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0018_referral_waiting_open_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='case',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name='version'),
        ),
    ]
