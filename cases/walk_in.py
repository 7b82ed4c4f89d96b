"""A walk-in who is not in the registry, added to it from the intake form and made the case's reporter
(review 10 F-B): their name, phone and (optional) ID number checked by the registry's own resident
form (residents.forms.ResidentForm), their home a room of one of the committee's buildings, saved by
residents.services.walk_in_register. The intake form is posted whole (with or without JavaScript)
and drawn again as typed, the new resident among its parties: nothing of the case is saved yet."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committee.roles import Perm
from residents import services as resident_services
from residents.addresses import room_in
from residents.forms import ResidentForm
from residents.models import Building, Household, Resident

PREFIX = "new"
ADD = "_add_resident"  # the button's name: posting the intake form to add the walk-in

# The registry form's fields this form shows, under its own names (new-<name>).
RESIDENT_FIELDS = ("name", "phone", "id_number")


def committees_for(access) -> list[int]:
    """Where the worker may both log a case and add to the registry."""
    return [pk for pk in access.committees_where(Perm.LOG_CASE) if access.can(Perm.EDIT_REGISTRY, pk)]


class WalkInForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Full name"), max_length=30)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=24, required=False)
    id_number = forms.CharField(
        label=gettext_lazy("ID number (if they give it)"), max_length=24, required=False
    )
    building = forms.TypedChoiceField(label=gettext_lazy("Building"), coerce=int)
    room = forms.CharField(label=gettext_lazy("Room"), max_length=10)

    def __init__(self, *args, access, building: Building | None = None, **kwargs) -> None:
        super().__init__(*args, prefix=PREFIX, **kwargs)
        self.access = access
        buildings = Building.objects.filter(committee_id__in=committees_for(access)).select_related(
            "committee"
        )
        self.buildings = {b.pk: b for b in buildings.order_by("committee__name", *Building._meta.ordering)}
        several = len({b.committee_id for b in self.buildings.values()}) > 1
        choices = [
            (b.pk, f"{b.committee.name} {b.address}" if several else b.address)
            for b in self.buildings.values()
        ]
        self.fields["building"].choices = [("", "—"), *choices]
        if building is not None and building.pk in self.buildings:
            self.fields["building"].initial = building.pk
        self.fields["phone"].widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})
        self.fields["id_number"].widget.attrs.update(autocomplete="off")
        self.fields["name"].widget.attrs.update(autocomplete="off")
        self.fields["phone"].help_text = _(
            "For calling them back: shown in full only to who may reveal numbers."
        )
        self.resident: Resident | None = None
        self.said = ""  # what was added, said above the form drawn again empty

    def clean(self) -> dict:
        data = super().clean()
        building = self.buildings.get(data.get("building"))
        if building is None:
            return data
        if data.get("room"):
            data["room"] = room_in(building.number, data["room"])  # ３０２, "302 室", "12-302" → 302
        # The registry's own checks (phone, ID number, its birth date and gender, unique), on these fields.
        home = Household(building=building, committee_id=building.committee_id, room=data.get("room", ""))
        values = {name: data.get(name, "") for name in RESIDENT_FIELDS}
        values.update(
            relation_to_head=Resident.Relation.OTHER, residency_status=Resident.ResidencyStatus.RESIDENT
        )
        registry = ResidentForm(values, access=self.access, household=home)
        if registry.is_valid():
            self.resident = registry.save(commit=False)
        for field, errors in registry.errors.items():
            for error in errors:
                self.add_error(field if field in self.fields else None, error)
        data["building"] = building
        return data

    def save(self) -> tuple[Resident, bool]:
        data = self.cleaned_data
        return resident_services.walk_in_register(
            access=self.access, resident=self.resident, building=data["building"], room=data["room"]
        )


def add_walk_in(request: HttpRequest, post, building: Building | None) -> tuple[object, WalkInForm]:
    """The intake form as posted with the walk-in added to the registry and to its parties as the
    reporter, and the walk-in's form (its errors, when refused: then nothing is added)."""
    form = WalkInForm(post, access=request.access, building=building)
    if not form.is_valid():
        return post, form
    try:
        resident, created = form.save()
    except ValidationError as error:
        form.add_error(None, error)
        return post, form
    fresh = WalkInForm(access=request.access, building=building)
    post = post.copy()
    for key in [key for key in post if key.startswith(f"{PREFIX}-")]:
        del post[key]  # added: the next walk-in starts from an empty form
    if str(resident.pk) not in post.getlist("party"):
        post.appendlist("party", str(resident.pk))
    said = {"name": resident.name, "address": resident.household.address}
    if created:
        fresh.said = _("%(name)s added to the registry at %(address)s and as the reporter.") % said
    else:
        fresh.said = _("%(name)s is in the registry at %(address)s already: added as the reporter.") % said
    return post, fresh
