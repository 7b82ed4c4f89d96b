"""Forms of the registry. Numbers are judged by residents.validators, so a bad value gets the same
Chinese error on its field here as in the importer. Dates are judged by the models' rules
(Resident.check_dates, Visit.check_visited_at), which residents.services applies on every path: the
views put a refusal on its field, with what was typed."""

from collections.abc import Callable
from typing import ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from committee.roles import Perm
from common.forms import (
    DateInput,
    DateTimeInput,
    IdsChoiceField,
    ModelChoiceField,
    note_changed,
    parse_id,
    take_newer,
)
from common.masking import mask_id_number, mask_phone
from residents import services, validators
from residents.addresses import room_in
from residents.care import age_refusals
from residents.models import Building, CareCategory, Grid, Household, Resident, RevealLog, Visit, age_on


def visible_categories(access, committee_id: int):
    queryset = CareCategory.objects.all()
    if not access.can(Perm.VIEW_SENSITIVE, committee_id):
        queryset = queryset.filter(sensitive=False)
    return queryset


def _phone(value: str) -> str:
    return validators.validate_phone(value) if value.strip() else ""


def _number_drawn(value: str | None) -> str:
    """What the form keeps of a number on file as it drew it (<name>_drawn): a keyed hash, which
    tells a number changed meanwhile without the number ever reaching the page."""
    return (
        salted_hmac("residents.forms.number_drawn", value, algorithm="sha256").hexdigest()[:20]
        if value
        else ""
    )


class KeptWhenStale:
    """An edit form of the registry drawn again, as typed, over the newer record when someone else
    saved it first (services.StaleEdit), as the case's edit form is (common.forms.take_newer).

    Each of `kept_fields` is drawn with its value as drawn (a hidden initial-<name>). The numbers
    (`numbers`: name → mask) are drawn empty (their full value never reaches the page), so the
    form keeps a keyed hash of each as drawn (<name>_drawn) instead: a number changed meanwhile
    is said masked, as the form's help says the one on file."""

    kept_fields: tuple[str, ...] = ()
    numbers: ClassVar[dict[str, Callable[[str], str]]] = {}
    # Fields the template draws by hand (a list of boxes), not as a field group: their value as
    # drawn is drawn by `drawn()`.
    drawn_apart: tuple[str, ...] = ()
    kept = False

    def _draw_kept(self) -> None:
        for name in self.kept_fields:
            self.fields[name].show_hidden_initial = True
        for name in self.numbers:
            self.fields[f"{name}_drawn"] = forms.CharField(widget=forms.HiddenInput, required=False)
            if self.instance.pk:
                self.initial[f"{name}_drawn"] = _number_drawn(getattr(self.instance, name))

    def drawn(self) -> SafeString:
        """The hidden inputs of what the form drew that its field groups do not draw."""
        parts = [str(self[f"{name}_drawn"]) for name in self.numbers if self.instance.pk]
        parts += [self[name].as_hidden(only_initial=True) for name in self.drawn_apart if self.instance.pk]
        return mark_safe("".join(parts))  # noqa: S308 (Django's own rendering of hidden inputs)

    def take_newer(self, newer) -> None:
        """This form, bound to what was posted over the newer record, with what was typed kept
        beside the colleague's changes. `newer`: the same form unbound over the newer record."""
        take_newer(self, newer, self.kept_fields)
        for name, mask in self.numbers.items():
            key = self.add_prefix(f"{name}_drawn")
            drawn, now = self.data.get(key, ""), newer[f"{name}_drawn"].value() or ""
            self.data[key] = now
            if drawn != now:
                # Left empty, the number on file (the colleague's) stays; typed, it replaces it.
                typed = bool(self.data.get(self.add_prefix(name), "").strip())
                note_changed(self, name, mask(getattr(newer.instance, name) or ""), kept=typed)


class MarkedCheckboxes(forms.CheckboxSelectMultiple):
    """Boxes of which those `marked` (their values) are refused: drawn with autofocus, which the page
    focuses (static/js/needle.js; a browser without JavaScript too), not the group's first box (Django
    marks every box of a field in error aria-invalid)."""

    marked: frozenset[str] | set[str] = frozenset()

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.marked:
            option["attrs"] = {**option["attrs"], "autofocus": True}
        return option


class ResidentForm(KeptWhenStale, forms.ModelForm):
    """Create (in `household`) or edit a resident. On edit the ID and phone fields start empty: the
    full numbers never reach the page; leaving a field empty keeps the number on file.

    save() writes through residents.services (the resident, their care categories and search key);
    an edit raises services.StaleEdit when someone saved the resident since the form was opened."""

    id_number = forms.CharField(label=_("ID number"), required=False, max_length=24)
    phone = forms.CharField(label=capfirst(_("phone")), required=False, max_length=24)
    care_categories = IdsChoiceField(
        queryset=CareCategory.objects.none(),
        required=False,
        widget=MarkedCheckboxes,
        label=capfirst(_("care categories")),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Resident
        fields = ["name", "gender", "birth_date", "relation_to_head", "residency_status", "notes"]
        widgets = {"birth_date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    kept_fields = (*Meta.fields, "care_categories")
    numbers: ClassVar = {"id_number": mask_id_number, "phone": mask_phone}
    drawn_apart = ("care_categories",)

    def __init__(self, *args, access, household: Household | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.access = access
        self.editing = self.instance.pk is not None
        self.household = self.instance.household if self.editing else household
        committee_id = self.household.committee_id
        self.fields["care_categories"].queryset = visible_categories(access, committee_id)
        self.fields["gender"].choices = [("", "—"), *Resident.Gender.choices]
        for name in ("gender", "birth_date"):
            self.fields[name].help_text = _("Taken from the ID number when left empty.")
        self.fields["id_number"].widget.attrs.update(autocomplete="off", inputmode="text")
        self.fields["phone"].widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})
        if self.editing:
            self.fields["version"].initial = self.instance.version
            self.initial["care_categories"] = [
                c.pk
                for c in self.instance.care_categories.all()
                if c in self.fields["care_categories"].queryset
            ]
            if self.instance.id_number:
                self.fields["id_number"].help_text = _(
                    "On file: %(masked)s. Leave empty to keep it; type a new one to replace it."
                ) % {"masked": mask_id_number(self.instance.id_number)}
            if self.instance.phone:
                self.fields["phone"].help_text = _(
                    "On file: %(masked)s. Leave empty to keep it; type a new one to replace it."
                ) % {"masked": mask_phone(self.instance.phone)}
            self._draw_kept()

    def clean_id_number(self) -> str | None:
        value = self.cleaned_data["id_number"].strip()
        if not value:
            return self.instance.id_number if self.editing else None
        number = validators.validate_id_number(value)
        existing = validators.id_number_holder(number, besides=self.instance.pk)
        if existing is not None:
            if self.access.can(Perm.VIEW, existing.committee_id):
                raise ValidationError(
                    _("This ID number is already registered for %(name)s at %(address)s."),
                    code="id_taken",
                    params={"name": existing.name, "address": existing.household.address},
                )
            raise ValidationError(
                _("This ID number is already registered with another committee."), code="id_taken"
            )
        return number

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        if not value.strip():
            return self.instance.phone if self.editing else ""
        return validators.validate_phone(value)

    def clean(self) -> dict:
        data = super().clean()
        number = data.get("id_number")
        if number:
            try:
                birth_date, gender = validators.agree_with_id(
                    number, birth_date=data.get("birth_date"), gender=data.get("gender") or ""
                )
            except ValidationError as error:
                self.add_error(None, error)  # each disagreement on its field
            else:
                data["gender"] = gender
                if "birth_date" not in self.errors:  # a date that could not be read stays refused
                    data["birth_date"] = birth_date
        refused = care_age_refusals(self.instance if self.editing else None, data)
        for refusal in refused.values():
            self.add_error("care_categories", refusal)
        # The box refused is the one focused (static/js/needle.js), not the group's first.
        self.fields["care_categories"].widget.marked = {str(c.pk) for c in refused}
        return data

    def save(self, commit: bool = True) -> Resident:
        resident = super().save(commit=False)
        resident.id_number = self.cleaned_data["id_number"] or None
        resident.phone = self.cleaned_data["phone"]
        if not self.editing:
            resident.household = self.household
            resident.committee_id = self.household.committee_id
        if not commit:
            return resident
        categories = self.cleaned_data["care_categories"]
        if not self.editing:
            return services.resident_create(resident=resident, categories=categories)
        return services.resident_update(
            resident=resident,
            version=self.cleaned_data["version"] or 0,
            categories=categories,
            # An editor who cannot see sensitive categories keeps the ones set.
            keep_hidden=not self.access.can(Perm.VIEW_SENSITIVE, resident.committee_id),
        )


def care_age_refusals(stored: Resident | None, data: dict) -> dict:
    """The care categories a form gives a resident that their birth date (typed, or read from the ID
    number) says they are too young for (residents.care.age_refusals): the registry's resident form
    and the admin's. A category on file while the birth date stays as it was is left: the import
    warns of such a contradiction and lets it through, and the resident's other fields must stay
    correctable."""
    categories = data.get("care_categories")
    if categories is None:
        return {}  # refused itself (an id that is none), or not on the form
    birth_date = data.get("birth_date")
    archived, archived_on = data.get("archived", ""), data.get("archived_on")
    if stored is not None and "archived" not in data:
        archived, archived_on = stored.archived, stored.archived_on
    died_on = archived_on if archived == Resident.Archived.DECEASED else None
    age = age_on(birth_date, died_on or timezone.localdate())  # as Resident.age counts it
    refusals = age_refusals(categories, age)
    if refusals and stored is not None and stored.pk and birth_date == stored.birth_date:
        refusals = age_refusals(categories, age, kept=[c.code for c in stored.care_categories.all()])
    return refusals


class HouseholdForm(KeptWhenStale, forms.ModelForm):
    """Add a household to `building`, or edit one: an edit raises services.StaleEdit when someone
    saved the household since the form was opened."""

    phone = forms.CharField(label=capfirst(_("household phone")), required=False, max_length=24)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Household
        fields = ["room", "housing_type", "residency", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    kept_fields = tuple(Meta.fields)
    numbers: ClassVar = {"phone": mask_phone}

    def __init__(self, *args, building: Building, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.building = building
        self.fields["phone"].widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        if self.instance.pk and self.instance.phone:
            self.fields["phone"].help_text = _(
                "On file: %(masked)s. Leave empty to keep it; type a new one to replace it."
            ) % {"masked": mask_phone(self.instance.phone)}
        if self.instance.pk:
            self._draw_kept()

    def clean_room(self) -> str:
        room = room_in(
            self.building.number, self.cleaned_data["room"]
        )  # ３０２, "302 室", 3号's "3-302" → 302
        taken = Household.all_objects.filter(building=self.building, room=room).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(
                _("This building already has a household in room %(room)s."), params={"room": room}
            )
        return room

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        if not value.strip():
            return self.instance.phone if self.instance.pk else ""
        return validators.validate_phone(value)

    def save(self, commit: bool = True) -> Household:
        """Saved through services.household_save (its residents' search keys follow)."""
        household = super().save(commit=False)
        household.building = self.building
        household.committee_id = self.building.committee_id
        household.phone = self.cleaned_data["phone"]
        if not commit:
            return household
        # An edit without its version (0) is refused like a stale one.
        version = (self.cleaned_data["version"] or 0) if household.pk else None
        return services.household_save(household=household, version=version)


class BuildingForm(KeptWhenStale, forms.ModelForm):
    """Add a building, or edit one: an edit raises services.StaleEdit when someone saved the
    building since the form was opened."""

    committee = forms.ChoiceField(label=capfirst(_("committee")))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Building
        fields = ["road", "lane", "number", "grid", "floors", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    kept_fields = tuple(Meta.fields)

    def __init__(self, *args, committees, **kwargs) -> None:
        """committees: the committees the user may add buildings to (id, name)."""
        super().__init__(*args, **kwargs)
        self.fields["committee"].choices = [(c.pk, c.name) for c in committees]
        if self.instance.pk or len(committees) == 1:
            self.fields["committee"].widget = forms.HiddenInput()
            self.fields["committee"].initial = (
                self.instance.committee_id if self.instance.pk else committees[0].pk
            )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self._draw_kept()
        ids = [c.pk for c in committees]
        self.fields["grid"].queryset = Grid.objects.filter(committee_id__in=ids).select_related("committee")

    def clean_road(self) -> str:
        return validators.validate_road(self.cleaned_data["road"])

    def clean_lane(self) -> str:
        return validators.validate_lane(self.cleaned_data["lane"])

    def clean_number(self) -> str:
        return validators.validate_number(self.cleaned_data["number"])

    def clean(self) -> dict:
        data = super().clean()
        committee_id = int(self.instance.committee_id if self.instance.pk else data.get("committee") or 0)
        data["committee"] = committee_id
        grid = data.get("grid")
        if grid and grid.committee_id != committee_id:
            self.add_error("grid", _("This grid belongs to another committee."))
        road, lane, number = data.get("road"), data.get("lane"), data.get("number")
        if road and lane is not None and number:
            taken = validators.building_at(committee_id, road, lane, number, besides=self.instance.pk)
            if taken is not None:
                # Named and linked: the worker opens the building they meant instead of adding it twice.
                said = _("%(address)s is already registered.") % {"address": taken.address}
                link = reverse("residents:building", args=[taken.pk])
                taken_here = format_html('{} <a href="{}">{}</a>', said, link, _("Open it"))
                self.add_error("number", ValidationError(taken_here, code="taken"))
        return data

    def save(self, commit: bool = True) -> Building:
        """Saved through services.building_save (its residents' search keys follow)."""
        building = super().save(commit=False)
        if not building.pk:
            building.committee_id = self.cleaned_data["committee"]
        if not commit:
            return building
        version = (self.cleaned_data["version"] or 0) if building.pk else None
        return services.building_save(building=building, version=version)


class ArchiveForm(forms.Form):
    # Labels capitalised as a model form's are (its fields' verbose names, capfirst).
    archived = forms.ChoiceField(
        label=capfirst(_("archive as")), choices=Resident.Archived.choices, widget=forms.RadioSelect
    )
    # Its range is the model's (Resident.check_archived_on), applied by services.resident_archive; its
    # label is the words its refusals use ("The day moved out or died cannot be …").
    archived_on = forms.DateField(
        label=capfirst(_("day moved out or died")), widget=DateInput(), initial=timezone.localdate
    )


class VisitForm(forms.ModelForm):
    """A visit's time has its range on the model (Visit.check_visited_at), applied by services.visit_log."""

    class Meta:
        model = Visit
        fields = ["method", "visited_at", "findings", "follow_up_needed"]
        widgets = {
            "method": forms.RadioSelect,
            # Drawn as now: going Back, the browser would fill in the time the page held when it was
            # left (an hour ago, say) over the one drawn now, and the visit be saved at it.
            "visited_at": DateTimeInput(attrs={"autocomplete": "off"}),
            "findings": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, resident: Resident | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Now, as a visit is usually logged on the doorstep; for a resident who moved out or died
        # only a visit made before that day can be recorded, so the time is left to be typed.
        if resident is not None and resident.is_archived:
            self.initial["visited_at"] = None  # not the model's default (now) either
        else:
            self.fields["visited_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


def reveal_reason(*, required: bool = True, help_text=None) -> forms.CharField:
    """Why a full number is revealed: one rule for a number on a resident's page and for a registry
    export with every number (residents/imports/views.py)."""
    return forms.CharField(
        label=capfirst(_("reason")),
        required=required,
        min_length=4,
        max_length=200,
        help_text=help_text or _("Why you need the full number, e.g. to call the family about a fall."),
    )


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        label=capfirst(_("number")), choices=RevealLog.Field.choices, widget=forms.RadioSelect
    )
    reason = reveal_reason()

    def __init__(self, *args, resident, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the numbers this resident has: revealing an empty one would only fill the log.
        self.fields["field"].choices = [
            (value, label) for value, label in RevealLog.Field.choices if resident.full_number(value)
        ]


class _IdChoiceField(ModelChoiceField):
    """One row by id: a value that is no id ("²", past 64 bits) is refused before any query."""

    def to_python(self, value):
        if value not in self.empty_values and parse_id(str(value)) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class GridForm(forms.Form):
    """A grid of one committee (residents/grids.py save_grid): its name, its grid worker among the staff
    who work the committee's cases, and its buildings, each labelled with the grid that holds it now so
    the secretary sees what a tick moves."""

    name = forms.CharField(label=_("Name"), max_length=Grid._meta.get_field("name").max_length)
    worker = _IdChoiceField(
        label=_("Grid worker"), queryset=None, required=False, empty_label=_("No grid worker yet")
    )
    buildings = IdsChoiceField(
        label=_("Buildings in this grid"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A building ticked here leaves the grid it is in now; one unticked is left in no grid."),
    )

    def __init__(self, *args, committee, grid: Grid | None = None, **kwargs) -> None:
        from residents.grids import grid_workers  # grids imports the models this module reads

        initial = kwargs.pop("initial", {})
        if grid is not None:
            initial = {
                "name": grid.name,
                "worker": grid.worker_id,
                "buildings": [b.pk for b in grid.buildings.all()],
            }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["worker"].queryset = grid_workers(committee.pk, current=grid.worker_id if grid else None)
        self.fields["worker"].label_from_instance = lambda user: user.display_name
        self.fields["worker"].error_messages["invalid_choice"] = _(
            "Choose one of the staff who work cases at this committee."
        )
        field = self.fields["buildings"]
        field.queryset = Building.objects.filter(committee=committee).select_related("grid")
        field.error_messages["invalid_choice"] = _("This building belongs to another committee.")
        field.label_from_instance = lambda b: (
            _("%(address)s (now in %(grid)s)") % {"address": b.address, "grid": b.grid.name}
            if b.grid_id and (grid is None or b.grid_id != grid.pk)
            else b.address
        )
