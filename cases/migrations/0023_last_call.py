# Each case keeps its latest follow-up call (day and answer): the columns, added empty (instant on
# PostgreSQL). 0024 fills them from the calls, in batches of its own transactions: filled here, in
# this ALTER TABLE's transaction, the table stayed locked against every read for the whole fill
# (80 s at 400,000 cases with 300,000 calls; minutes at a district's 2,000,000).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0022_text_limits'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='last_call_result',
            field=models.CharField(blank=True, choices=[('satisfied', 'satisfied'), ('mostly', 'mostly satisfied'), ('not_satisfied', 'not satisfied')], editable=False, max_length=20, verbose_name='answer at the last follow-up call'),
        ),
        migrations.AddField(
            model_name='case',
            name='last_called_on',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='last called on'),
        ),
    ]
