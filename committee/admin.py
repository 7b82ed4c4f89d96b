"""The admin, where an administrator corrects data. Every correction leaves a history."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from committee.models import Committee, District, DistrictOfficer, Membership, Street, StreetOfficer, User

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
class NeedleUserAdmin(UserAdmin):
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
