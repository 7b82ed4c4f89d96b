from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.models import AccessRecord
from common.admin_committee import RecordAdmin


@admin.register(AccessRecord)
class AccessRecordAdmin(RecordAdmin):
    """Read-only: the log is append-only, in the admin too."""

    list_display = ["at", "user", "kind", "committee", "resident_ref", "household_ref", "case_ref", "rows"]
    list_filter = ["kind", "committee"]
    list_select_related = ["user", "committee"]
    date_hierarchy = "at"

    # The looked-at rows by their ids (no join: the record outlives them). Named as the fields are:
    # a bare "resident_id" column was headed by Django's English "Resident id".
    @admin.display(description=_("resident"), ordering="resident_id")
    def resident_ref(self, record: AccessRecord) -> int | None:
        return record.resident_id

    @admin.display(description=_("household"), ordering="household_id")
    def household_ref(self, record: AccessRecord) -> int | None:
        return record.household_id

    @admin.display(description=_("case"), ordering="case_id")
    def case_ref(self, record: AccessRecord) -> int | None:
        return record.case_id
