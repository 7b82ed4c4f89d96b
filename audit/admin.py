from django.contrib import admin

from audit.models import AccessRecord


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, in the admin too."""

    list_display = ["at", "user", "kind", "committee", "resident_id", "household_id", "case_id", "rows"]
    list_filter = ["kind", "committee"]
    list_select_related = ["user", "committee"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
