"""The case categories and outside bodies every committee starts with; edited in the admin afterwards."""

from django.db import migrations

CATEGORIES = [
    # code, Chinese, English, default working days
    ("drainage", "排水积水", "Drainage", 10),
    ("hardship", "困难帮扶", "Hardship aid", 15),
    ("dispute", "邻里纠纷", "Neighbour dispute", 10),
    ("relocation", "动迁旧改", "Relocation", 20),
    ("environment", "环境卫生", "Environment", 5),
    ("roads", "道路设施", "Roads and facilities", 15),
    ("garbage", "垃圾分类", "Garbage sorting", 5),
    ("illegal_construction", "违章搭建", "Illegal construction", 20),
    ("elderly", "为老服务", "Elderly care", 7),
    ("safety", "安全隐患", "Safety", 3),
    ("other", "其他", "Other", 10),
]

BODIES = [
    ("街道社区事务受理服务中心", "Street community affairs service centre", ""),
    ("街道民政科", "Street civil-affairs office", ""),
    ("街道房管办", "Street housing office", ""),
    ("物业公司", "Property company", ""),
    ("城市管理执法中队", "City management enforcement team", ""),
    ("派出所", "Police station", "110"),
    ("区排水管理所", "District drainage office", ""),
    ("区市政养护公司", "District road maintenance company", ""),
    ("街道网格化管理中心", "Street grid management centre", ""),
    ("绿化市容所", "Greening and city appearance office", ""),
    ("人民调解委员会", "People's mediation committee", ""),
    ("街道残联", "Street disabled persons' federation", ""),
]


def forwards(apps, schema_editor):
    CaseCategory = apps.get_model("cases", "CaseCategory")
    OutsideBody = apps.get_model("cases", "OutsideBody")
    for order, (code, name, name_en, days) in enumerate(CATEGORIES):
        CaseCategory.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "default_due_days": days, "order": order * 10}
        )
    for order, (name, name_en, phone) in enumerate(BODIES):
        OutsideBody.objects.get_or_create(
            name=name, defaults={"name_en": name_en, "phone": phone, "order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
