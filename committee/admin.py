"""The admin, where an administrator corrects data. Every correction leaves a history."""

import logging

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from audit import services as audit
from cases.services import departure
from committee import lockout
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
        (_("Logging in"), {"fields": ("login_paused", "must_change_password")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")}),
    )
    readonly_fields = ["login_paused"]
    list_display = ["username", "full_name", "is_active", "login_paused_mark", "is_superuser", "last_login"]
    actions = ["unlock_logins"]
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

    # --- Logging in: a paused account seen and unlocked here, an administrator's password replaced ----
    # The pause is axes' (committee/lockout.py): the list marks it from one subquery, the user's page
    # says until when, with a button that lifts it (a POST, written to the user's history).

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(login_failures=lockout.account_failures())

    @admin.display(description=_("Login paused"), boolean=True, ordering="login_failures")
    def login_paused_mark(self, obj) -> bool:
        return obj.login_failures >= settings.AXES_FAILURE_LIMIT

    @admin.display(description=_("Login paused"))
    def login_paused(self, obj) -> str:
        until = obj.pk and lockout.locked_until(obj.username)
        if not until:
            return gettext("Not paused")
        return gettext("Paused after too many wrong passwords, until %(time)s") % {
            "time": formats.time_format(timezone.localtime(until), "H:i")
        }

    def get_urls(self):
        unlock = self.admin_site.admin_view(require_POST(self.unlock_view))
        return [path("<int:pk>/unlock/", unlock, name="committee_user_unlock"), *super().get_urls()]

    def unlock_view(self, request, pk: int):
        user = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        self._unlock(request, user)
        messages.success(request, gettext("%(user)s can log in again.") % {"user": user})
        return HttpResponseRedirect(reverse("admin:committee_user_change", args=[user.pk]))

    def _unlock(self, request, user) -> None:
        lockout.unlock(user.username)
        self.log_change(request, user, gettext("Unlocked logging in."))
        logger.info("admin %s unlocked the login of user %s", request.user.pk, user.pk)

    @admin.action(description=_("Unlock logging in for the selected users"))
    def unlock_logins(self, request, queryset) -> None:
        paused = [u for u in queryset if u.login_failures >= settings.AXES_FAILURE_LIMIT]
        for user in paused:
            self._unlock(request, user)
        messages.success(
            request,
            ngettext(
                "Logging in unlocked for %(n)s user.", "Logging in unlocked for %(n)s users.", len(paused)
            )
            % {"n": len(paused)},
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["login_paused"] = bool(obj and obj.pk and lockout.locked_until(obj.username))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change) -> None:
        if not change and obj.has_usable_password():
            obj.must_change_password = True  # the administrator typed it: the user chooses their own
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        """Django's password reset; a password set for someone else is theirs to replace at the next
        login, and their pause (the wrong passwords that made them ask) is lifted with it."""
        response = super().user_change_password(request, id, form_url)
        user = self.get_object(request, id)
        done = reverse("admin:committee_user_change", args=[id])
        if request.method == "POST" and getattr(response, "url", None) == done and user.has_usable_password():
            if user.pk != request.user.pk:
                type(user).objects.filter(pk=user.pk).update(must_change_password=True)
            if lockout.locked_until(user.username):
                self._unlock(request, user)
        return response

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
