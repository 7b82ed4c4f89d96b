"""The registry in the admin: care categories are edited here; the rest is corrected here."""

import re

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from audit import services as audit
from cases.admin import staff_choices
from cases.rules import CASE_WORKER_ROLES
from cases.search import reindex_cases_at, reindex_cases_of_household, reindex_cases_of_residents
from cases.services import NOT_A_CASE_WORKER
from committee.models import Committee, Membership, User
from common.admin_committee import (
    ANOTHER_COMMITTEE,
    CommitteeFixedAdmin,
    CommitteeSearchAdmin,
    RecordAdmin,
    VersionedAdmin,
)
from common.admin_in_use import InUseAdmin
from common.admin_masking import MaskedHistoryAdmin, MaskedNumbersAdmin
from common.masking import mask_numbers_in_text
from residents import services, validators
from residents.addresses import room_in
from residents.forms import care_age_refusals
from residents.indexing import reindex_building, reindex_household, reindex_residents
from residents.models import Building, CareCategory, Grid, Household, Resident, RevealLog


@admin.register(CareCategory)
class CareCategoryAdmin(InUseAdmin, SimpleHistoryAdmin):
    list_display = ["name", "name_en", "code", "visit_every_days", "sensitive", "order"]
    list_editable = ["visit_every_days", "sensitive", "order"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "visit_every_days" in form.changed_data:
            # A new cadence moves everyone's next visit due: the roster and the dashboard read it.
            reindex_residents(Resident.all_objects.filter(care_categories=obj).values_list("pk", flat=True))

    def users_link(self, obj: CareCategory) -> tuple[str, str]:
        url = reverse("admin:residents_resident_changelist")
        return f"{url}?care_categories__id__exact={obj.pk}", _("The residents registered with it")


def resident_label(resident: Resident) -> str:
    """A resident where the admin asks to pick one (a case's party, a building's leader): the name,
    the home and whether archived, since a committee has several 王芳. Read with household__building."""
    label = f"{mask_numbers_in_text(resident.name)} · {resident.household.address}"
    return f"{label} · {resident.get_archived_display()}" if resident.archived else label


# A Shanghai address as typed into a search ("定海路449弄12号302"): its parts, each matched on its own.
_ADDRESS_UNITS = re.compile(r"[路弄号室]")


class AddressSearchAdmin(CommitteeSearchAdmin):
    """Buildings and households found by their address as people write it, within a committee
    when a form of that committee asks (CommitteeSearchAdmin)."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, _ADDRESS_UNITS.sub(" ", search_term))


@admin.register(Grid)
class GridAdmin(InUseAdmin, CommitteeFixedAdmin):
    list_display = ["name", "committee", "worker"]
    list_filter = ["committee"]
    list_select_related = ["committee", "worker"]

    def users_link(self, obj: Grid) -> tuple[str, str]:
        url = reverse("admin:residents_building_changelist")
        return f"{url}?grid__id__exact={obj.pk}", _("The buildings in it")

    def scope_fields(self, form, committee_id) -> None:
        super().scope_fields(form, committee_id)
        if "worker" not in form.fields:
            return
        if committee_id is not None:
            staff_choices(form.fields["worker"], committee_id, current=form.instance.worker_id)
        else:
            _workers_by_committee(form)


def _workers_by_committee(form) -> None:
    """The add form's worker select, before a committee is chosen: only staff who work cases, each
    named with their committee (not every user of the deployment: officers, the superuser, another
    committee's worker unmarked); the grid's own committee is checked on save (residents/grid_worker.py)."""
    field = form.fields["worker"]
    committees = form.fields["committee"].queryset if "committee" in form.fields else Committee.objects.all()
    rows = Membership.objects.filter(
        committee__in=committees, role__in=CASE_WORKER_ROLES, user__is_active=True
    ).values_list("user_id", "committee__name")
    names: dict[int, list[str]] = {}
    for user_id, committee in rows:
        names.setdefault(user_id, []).append(committee)
    field.queryset = User.objects.filter(pk__in=names).order_by("full_name", "username")
    field.label_from_instance = lambda user: f"{user.display_name} · {'、'.join(sorted(names[user.pk]))}"
    field.error_messages["invalid_choice"] = NOT_A_CASE_WORKER


def _address_part(validate):
    """A road, lane or number typed here is read as the app's building form reads it (449弄 is 449);
    one left as it was stays, so a building stored before the rule can still be corrected."""

    def clean(form: forms.ModelForm) -> str:
        name = validate.__name__.removeprefix("validate_")
        value = form.cleaned_data.get(name) or ""
        return validate(value) if name in form.changed_data else value

    return clean


class BuildingAdminForm(forms.ModelForm):
    clean_road = _address_part(validators.validate_road)
    clean_lane = _address_part(validators.validate_lane)
    clean_number = _address_part(validators.validate_number)


@admin.register(Building)
class BuildingAdmin(
    VersionedAdmin, CommitteeFixedAdmin, AddressSearchAdmin, MaskedHistoryAdmin, SimpleHistoryAdmin
):
    form = BuildingAdminForm
    list_display = ["__str__", "committee", "grid"]
    list_filter = ["committee", "grid"]
    list_select_related = ["committee", "grid"]
    search_fields = ["road", "lane", "number"]
    autocomplete_fields = ["leader"]
    same_committee = ("grid", "leader")

    def scope_fields(self, form, committee_id) -> None:
        super().scope_fields(form, committee_id)
        if "leader" in form.fields:
            form.fields["leader"].label_from_instance = resident_label
        if committee_id is not None and "grid" in form.fields:
            form.fields["grid"].queryset = Grid.objects.filter(committee_id=committee_id)
            form.fields["grid"].error_messages["invalid_choice"] = ANOTHER_COMMITTEE

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        reindex_building(obj)  # its residents are found by its address
        if change and {"road", "lane", "number"} & set(form.changed_data):
            reindex_cases_at(building=obj)  # and its cases


def _clean_phone(form: forms.ModelForm) -> str:
    """A phone typed here (revealed, or on a new row) is judged as the app judges it."""
    value = form.cleaned_data.get("phone") or ""
    if "phone" not in form.changed_data or not value.strip():
        return value  # left as it was: a number stored before the checks stays correctable
    return validators.validate_phone(value)


class HouseholdAdminForm(forms.ModelForm):
    """A room typed here is read as the registry's household form and the import read it
    (residents.addresses.room_in: ３０２ and "302 室" are 302, and so is "3-302" in 3号), so that it is
    the same room as the 302 there, refused in the form's words when the building has it; a room
    left as it was stays, as a road or a phone does."""

    clean_phone = _clean_phone

    def clean(self):
        data = super().clean()
        building, room = data.get("building"), data.get("room")
        if building is None or not room or "room" not in self.changed_data:
            return data
        data["room"] = room = room_in(building.number, room)
        taken = Household.all_objects.filter(building=building, room=room).exclude(pk=self.instance.pk)
        if taken.exists():
            self.add_error(
                "room",
                ValidationError(
                    _("This building already has a household in room %(room)s."), params={"room": room}
                ),
            )
        return data


@admin.register(Household)
class HouseholdAdmin(
    VersionedAdmin, CommitteeFixedAdmin, AddressSearchAdmin, MaskedNumbersAdmin, SimpleHistoryAdmin
):
    form = HouseholdAdminForm
    list_display = ["__str__", "committee", "residency"]
    list_filter = ["committee"]
    list_select_related = ["committee", "building"]
    search_fields = ["building__road", "building__lane", "building__number", "room"]
    autocomplete_fields = ["building"]
    masked_fields = {"phone": "phone"}
    same_committee = ("building",)

    def get_search_results(self, request, queryset, search_term):
        # Listed by their address (str), which reads the building: one query, not one a row.
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.select_related("building"), duplicates

    def record_reveal(self, request, obj, field, reason) -> None:
        services.reveal_household_phone(household=obj, reason=reason, by=request.user)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        reindex_household(obj)  # its members are found by its room and phone
        if change and {"room", "building"} & set(form.changed_data):
            reindex_cases_at(household=obj)  # and its cases by its room
        if change and "phone" in form.changed_data:
            reindex_cases_of_household(obj)  # its members' cases, by the phone's last four


class ResidentAdminForm(forms.ModelForm):
    """A resident corrected here is held to the app's rules (residents.validators, as the registry's
    form): an ID number typed (revealed to correct it, or on a new resident) is checked and refused
    when another resident holds it, naming them; the birth date and gender agree with the number (one
    left empty is read from it); a phone is a mobile or a Shanghai landline. A birth date or archiving
    day follows Resident.check_dates; a care category the birth date says the resident is too young
    for is refused as the registry's form refuses it (residents.forms.care_age_refusals). Only a value
    changed is checked, so an old record whose stored value breaks a rule keeps being correctable
    while that value is left as it is."""

    clean_phone = _clean_phone

    def clean_id_number(self) -> str | None:
        value = (self.cleaned_data.get("id_number") or "").strip()
        if "id_number" not in self.changed_data:
            return self.instance.id_number if self.instance.pk else (value or None)
        if not value:
            return None
        number = validators.validate_id_number(value)
        holder = validators.id_number_holder(number, besides=self.instance.pk)
        if holder is not None:
            raise ValidationError(
                _("This ID number is already registered for %(name)s of %(committee)s, at %(address)s."),
                code="id_taken",
                params={
                    "name": mask_numbers_in_text(holder.name),
                    "committee": holder.committee.name,
                    "address": holder.household.address,
                },
            )
        return number

    def clean(self):
        data = super().clean()
        self._agree_with_id(data)
        stored = self.instance if self.instance.pk else None
        typed = Resident(
            pk=self.instance.pk,  # the visits of the resident corrected (Resident.last_visit_on)
            birth_date=data.get("birth_date", self.instance.birth_date),
            archived_on=data.get("archived_on", self.instance.archived_on),
        )
        try:
            typed.check_dates(today=timezone.localdate(), stored=stored)
        except ValidationError as error:
            self.add_error(None, error)  # each date on its field
        if "care_categories" in self.fields:
            for refusal in care_age_refusals(stored, data).values():
                self.add_error("care_categories", refusal)
        return data

    def _agree_with_id(self, data: dict) -> None:
        """The birth date and gender against the ID number (typed, or on file while masked), when
        any of the three changes."""
        if "id_number" in self.errors or "birth_date" in self.errors:
            return
        if self.instance.pk and not {"id_number", "birth_date", "gender"} & set(self.changed_data):
            return
        number = data["id_number"] if "id_number" in self.fields else self.instance.id_number
        if not number:
            return
        try:
            validators.validate_id_number(number)
        except ValidationError:
            return  # a number on file from before the checks: nothing it can be compared with
        try:
            data["birth_date"], data["gender"] = validators.agree_with_id(
                number, birth_date=data.get("birth_date"), gender=data.get("gender") or ""
            )
        except ValidationError as error:
            self.add_error(None, error)  # each disagreement on its field


@admin.register(Resident)
class ResidentAdmin(
    VersionedAdmin, CommitteeFixedAdmin, CommitteeSearchAdmin, MaskedNumbersAdmin, SimpleHistoryAdmin
):
    form = ResidentAdminForm
    list_display = ["name", "committee", "household", "archived"]
    list_filter = ["committee", "archived", "care_categories"]
    list_select_related = ["committee", "household__building"]
    search_fields = ["name"]
    autocomplete_fields = ["household"]
    readonly_fields = ["version", "last_visit_at", "next_visit_due"]
    masked_fields = {"id_number": "id", "phone": "phone"}
    same_committee = ("household",)

    def get_search_results(self, request, queryset, search_term):
        # Listed by name and home (autocomplete_label): their household and building come along.
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.select_related("household__building"), duplicates

    def autocomplete_label(self, resident: Resident) -> str:
        return resident_label(resident)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Residents who move out or die are archived with a date (archived, archived_on), never
        # deleted: their cases, visits, reveals and the access log name them.
        return False

    def record_reveal(self, request, obj, field, reason) -> None:
        services.reveal_number(resident=obj, field=field, reason=reason, by=request.user)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        reindex_residents([form.instance.pk])  # care categories (the cadence) and address are saved now
        if change and {"name", "phone", "household"} & set(form.changed_data):
            # Their cases are found by their name and their phone's last four (their household's too).
            reindex_cases_of_residents([form.instance.pk])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """An administrator opening a resident is a look at a person's data like any other: noted."""
        response = super().change_view(request, object_id, form_url, extra_context)
        resident = (
            Resident.all_objects.filter(pk=object_id).only("committee_id").first()
            if str(object_id).isascii() and str(object_id).isdigit()
            else None
        )
        if request.method == "GET" and resident is not None and response.status_code == 200:
            audit.record(
                user=request.user,
                kind=audit.Kind.ADMIN,
                committee_id=resident.committee_id,
                resident=resident,
            )
        return response


@admin.register(RevealLog)
class RevealLogAdmin(RecordAdmin):
    """Append-only: read here, never changed."""

    list_display = ["revealed_at", "revealed_by", "resident", "field", "masked_reason"]
    list_filter = ["committee"]
    # Read-only, so not an edit form: the reason a number was typed into is shown masked.
    fields = ["revealed_at", "revealed_by", "resident", "field", "masked_reason"]
    readonly_fields = fields

    @admin.display(description=RevealLog._meta.get_field("reason").verbose_name)
    def masked_reason(self, obj: RevealLog) -> str:
        return mask_numbers_in_text(obj.reason)
