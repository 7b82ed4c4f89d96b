"""The admin, where an administrator corrects data. Every correction leaves a history."""

import logging

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from audit import services as audit
from committee.models import Committee, District, DistrictOfficer, Membership, Street, StreetOfficer, User
from common.admin_masking import MaskedNumbersAdmin

logger = logging.getLogger(__name__)

admin.site.site_header = _("Needle administration")
admin.site.site_title = _("Needle")
admin.site.index_title = _("Correct data")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["committee"]


class StreetOfficerInline(admin.TabularInline):
    model = StreetOfficer
    extra = 0


class DistrictOfficerInline(admin.TabularInline):
    model = DistrictOfficer
    extra = 0
    autocomplete_fields = ["user", "district"]  # pick from a search, not a list of every user


@admin.register(User)
class NeedleUserAdmin(MaskedNumbersAdmin, UserAdmin):
    """Staff accounts. A member of staff's work phone is often their own mobile: it is masked like a
    resident's, and revealed to correct it with a reason, recorded in the access log of each
    committee they work in (the log is kept per committee; the reason names whose phone it was)."""

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "phone", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")}),
    )
    list_display = ["username", "full_name", "is_active", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_superuser", "memberships__role"]
    search_fields = ["username", "full_name"]
    inlines = [MembershipInline, StreetOfficerInline, DistrictOfficerInline]
    masked_fields = {"phone": "phone"}

    def has_delete_permission(self, request, obj=None) -> bool:
        # Staff who leave are made inactive (is_active), not deleted: their name stays on the cases
        # and timelines they wrote, and the kept counts stay right (deleted, their cases became
        # unassigned in SQL, under the same counter key as the committee's unassigned ones).
        return False

    def record_reveal(self, request, obj, field, reason) -> None:
        committee_ids = sorted(set(obj.memberships.values_list("committee_id", flat=True)))
        if not committee_ids:
            # A street or district officer belongs to no committee: the committees they read.
            committee_ids = sorted(
                set(Committee.objects.filter(street__officers__user=obj).values_list("pk", flat=True))
                | set(
                    Committee.objects.filter(street__district__officers__user=obj).values_list(
                        "pk", flat=True
                    )
                )
            )
        detail = f"{obj._meta.get_field(field).verbose_name} {obj.username}: {reason}"
        for committee_id in committee_ids:
            audit.record(user=request.user, kind=audit.Kind.REVEAL, committee_id=committee_id, detail=detail)
        # Nowhere else to put it (an account of no committee): one log line, never the number.
        logger.info("admin %s revealed the %s of user %s", request.user.pk, field, obj.pk)


@admin.register(District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    inlines = [DistrictOfficerInline]


@admin.register(Street)
class StreetAdmin(SimpleHistoryAdmin):
    list_display = ["name", "district"]
    list_filter = ["district"]
    search_fields = ["name"]
    list_select_related = ["district"]
    inlines = [StreetOfficerInline]


@admin.register(Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "street", "code", "phone"]
    list_filter = ["street"]
    search_fields = ["name", "code"]
    list_select_related = ["street"]
