"""The registry in the admin: care categories are edited here; the rest is corrected here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from residents.indexing import reindex_residents
from residents.models import Building, CareCategory, Grid, Household, Resident, RevealLog


@admin.register(CareCategory)
class CareCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_en", "code", "visit_every_days", "sensitive", "order"]
    list_editable = ["visit_every_days", "sensitive", "order"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "visit_every_days" in form.changed_data:
            # A new cadence moves everyone's next visit due: the roster and the dashboard read it.
            reindex_residents(Resident.all_objects.filter(care_categories=obj).values_list("pk", flat=True))


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "worker"]
    list_filter = ["committee"]


@admin.register(Building)
class BuildingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "committee", "grid"]
    list_filter = ["committee"]
    search_fields = ["road", "lane", "number"]
    raw_id_fields = ["leader"]


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "committee", "residency"]
    list_filter = ["committee"]
    raw_id_fields = ["building"]


@admin.register(Resident)
class ResidentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "committee", "household", "archived"]
    list_filter = ["committee", "archived"]
    search_fields = ["name"]
    raw_id_fields = ["household"]
    readonly_fields = ["version", "last_visit_at", "next_visit_due"]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        reindex_residents([form.instance.pk])  # care categories (the cadence) and address are saved now


@admin.register(RevealLog)
class RevealLogAdmin(admin.ModelAdmin):
    """Append-only: read here, never changed."""

    list_display = ["revealed_at", "revealed_by", "resident", "field", "reason"]
    list_filter = ["committee"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
