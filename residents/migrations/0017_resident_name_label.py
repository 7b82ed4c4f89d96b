# A resident's name is labelled 姓名 (full name), as the registry's form and the import say, not 名称 (a label only: no SQL).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('residents', '0016_importrun_changes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalresident',
            name='name',
            field=models.CharField(max_length=30, verbose_name='full name'),
        ),
        migrations.AlterField(
            model_name='resident',
            name='name',
            field=models.CharField(max_length=30, verbose_name='full name'),
        ),
    ]
