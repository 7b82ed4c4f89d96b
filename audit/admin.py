from django.contrib import admin

from audit.models import AccessRecord
from common.admin_committee import RecordAdmin


@admin.register(AccessRecord)
class AccessRecordAdmin(RecordAdmin):
    """Read-only: the log is append-only, in the admin too."""

    list_display = ["at", "user", "kind", "committee", "resident_id", "household_id", "case_id", "rows"]
    list_filter = ["kind", "committee"]
    list_select_related = ["user", "committee"]
    date_hierarchy = "at"
