from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.models import AccessRecord
from common.admin_committee import RecordAdmin
from common.masking import mask_numbers_in_text

NO_LONGER_THERE = _("(no longer there)")


@admin.register(AccessRecord)
class AccessRecordAdmin(RecordAdmin):
    """Read-only: the log is append-only, in the admin too."""

    list_display = ["at", "user", "kind", "committee", "resident_ref", "household_ref", "case_ref", "rows"]
    list_filter = ["kind", "committee"]
    # What was looked at, in words: joined (LEFT: a record outlives the row it points to, which has no
    # constraint on it) in the list's one query.
    list_select_related = ["user", "committee", "resident", "household__building", "case"]
    date_hierarchy = "at"
    # The detail as the log page says it: an export's filters (kept in no language) in words.
    exclude = ["detail"]
    readonly_fields = ["detail_said"]

    @admin.display(description=_("detail"))
    def detail_said(self, record: AccessRecord) -> str:
        return mask_numbers_in_text(record.detail_said)

    # The looked-at rows as the app's access log names them (templates/audit/includes/what.html): a
    # resident by name, a household by address, a case by its number only (a sensitive case's title
    # is not for every reader of the log). Named as the fields are: a bare "resident_id" column was
    # headed by Django's English "Resident id".
    @admin.display(description=_("resident"), ordering="resident_id")
    def resident_ref(self, record: AccessRecord) -> str | None:
        return _looked_at(record, "resident", lambda resident: mask_numbers_in_text(resident.name))

    @admin.display(description=_("household"), ordering="household_id")
    def household_ref(self, record: AccessRecord) -> str | None:
        return _looked_at(record, "household", lambda household: household.address)

    @admin.display(description=_("case"), ordering="case_id")
    def case_ref(self, record: AccessRecord) -> str | None:
        return _looked_at(record, "case", lambda case: case.number)


def _looked_at(record: AccessRecord, field: str, words) -> str | None:
    """The words for the row a record names in `field` (None: it names none, shown as "-")."""
    if getattr(record, f"{field}_id") is None:
        return None
    row = getattr(record, field)  # joined by list_select_related: None when the row has gone
    return words(row) if row is not None else str(NO_LONGER_THERE)
