"""The admin, where an administrator corrects data. Every correction leaves a history."""

import logging

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from audit import services as audit
from cases.services import departure
from committee.models import Committee, District, DistrictOfficer, Membership, Street, StreetOfficer, User
from common.admin_masking import MaskedNumbersAdmin

logger = logging.getLogger(__name__)

admin.site.site_header = _("Needle administration")
admin.site.site_title = _("Needle")
admin.site.index_title = _("Correct data")


def _joined(*sentences: str) -> str:
    """Sentences one after another: Chinese puts no space between them."""
    return ("" if get_language().startswith("zh") else " ").join(sentences)


def _holding_words(user, holding) -> str:
    cases = ngettext(
        "%(name)s holds %(n)s open case at %(committee)s (%(overdue)s overdue).",
        "%(name)s holds %(n)s open cases at %(committee)s (%(overdue)s overdue).",
        holding.open_cases,
    ) % {
        "name": user.display_name,
        "n": holding.open_cases,
        "committee": holding.committee.name,
        "overdue": holding.overdue,
    }
    if not holding.grids:
        return cases
    grids = ngettext(
        "They are the grid worker of %(grids)s (%(n)s resident on the care roster).",
        "They are the grid worker of %(grids)s (%(n)s residents on the care roster).",
        holding.roster,
    ) % {"grids": "、".join(holding.grids), "n": holding.roster}
    return _joined(cases, grids)


class MembershipFormSet(BaseInlineFormSet):
    """A save that takes a member of staff out of a committee's work (the account deactivated, or
    the role there removed or turned into one that works no cases) first says what they hold there,
    and saves only once the administrator ticks that it is handed back (review 9, item 7: their
    open cases and roster residents were left with nobody, telling no one).
    NeedleUserAdmin.save_related hands it back (cases/services/departure.py)."""

    def clean(self) -> None:
        super().clean()
        user = self.instance
        user.leaving_committees = []
        if user.pk is None or any(self.errors):
            return
        kept = None
        if user.is_active:
            kept = {
                form.cleaned_data["committee"].pk: form.cleaned_data["role"]
                for form in self.forms
                if form.cleaned_data.get("committee") and not form.cleaned_data.get("DELETE")
            }
        user.leaving_committees = departure.leaving(user, kept)
        held = departure.holdings(user, user.leaving_committees)
        if held and not getattr(user, "hand_back_confirmed", False):
            raise ValidationError(
                [_holding_words(user, holding) for holding in held]
                + [
                    _(
                        "Saved, their open cases there become unassigned, for the secretary to assign "
                        "again (the secretary is told), and their grids have no grid worker until you "
                        "choose one. To save, tick “%(box)s” above; or ask the secretary to reassign "
                        "them first."
                    )
                    % {"box": HAND_BACK_LABEL}
                ]
            )


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    autocomplete_fields = ["committee"]


HAND_BACK_LABEL = _("Hand back their work")


class StaffChangeForm(UserChangeForm):
    hand_back = forms.BooleanField(
        label=HAND_BACK_LABEL,
        required=False,
        help_text=_(
            "Needed when this save deactivates the account, or removes a role that works cases, while "
            "they hold open cases or a grid there: their open cases become unassigned and the "
            "secretary is told."
        ),
    )

    def clean(self):
        data = super().clean()
        self.instance.hand_back_confirmed = data.get("hand_back", False)  # read by MembershipFormSet
        return data


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
        (_("Permissions"), {"fields": ("is_active", "hand_back", "is_staff", "is_superuser")}),
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
    form = StaffChangeForm

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        if not change or not getattr(user, "leaving_committees", None):
            return
        for holding in departure.hand_back(user=user, committee_ids=user.leaving_committees, by=request.user):
            words = ngettext(
                "%(name)s's %(n)s open case at %(committee)s is now unassigned; its secretary has been told.",
                "%(name)s's %(n)s open cases at %(committee)s are now unassigned; its secretary has been "
                "told.",
                holding.open_cases,
            ) % {"name": user.display_name, "n": holding.open_cases, "committee": holding.committee.name}
            if holding.grids:
                grids = _("%(grids)s has no grid worker now: choose one on the grid's page.") % {
                    "grids": "、".join(holding.grids)
                }
                words = _joined(words, grids)
            messages.warning(request, words)

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
