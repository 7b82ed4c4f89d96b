from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("committee", "0002_districts"),
    ]

    operations = [
        migrations.RemoveField(model_name="street", name="district_label"),
        migrations.RemoveField(model_name="historicalstreet", name="district_label"),
    ]
