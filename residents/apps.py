from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = _("Residents")

    def ready(self) -> None:
        # A resident's care categories are rows of a table Django makes for the many-to-many field:
        # its own names were English ("Resident_care_categories object (2)", under
        # "Resident-carecategory关系") on the admin's delete confirmation. Named as what they are.
        through = self.get_model("Resident").care_categories.through
        through._meta.verbose_name = _("care category of a resident")
        through._meta.verbose_name_plural = _("care categories of residents")
        through.__str__ = _care_category_row


def _care_category_row(row) -> str:
    return f"{row.resident} · {row.carecategory}"
