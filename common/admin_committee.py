"""Committee-owned rows in the admin: the committee is chosen when a row is added and is read-only after,
and the rows a form points to must be the same committee's; a correction raises a row's version;
records (logs, timelines) are read, never changed.

A row's committee is what every other row hangs on: a household's residents, a building's
households and cases, a case's number, parties, events and kept counts repeat it. Moved in the
admin, a row left all of those in its old committee (a review found it for cases, residents,
households, buildings and grids). A correction that needs a move is a new row in the other
committee.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

ANOTHER_COMMITTEE = _("This belongs to another committee.")


def check_same_committee(form: forms.BaseForm, committee_id: int | None, names: tuple[str, ...]) -> None:
    """Add an error to each of `names` in `form` whose chosen row is not of committee `committee_id`."""
    if committee_id is None:
        return
    for name in names:
        chosen = form.cleaned_data.get(name)
        if chosen is not None and chosen.committee_id != committee_id:
            form.add_error(name, ANOTHER_COMMITTEE)


class CommitteeFixedAdmin(admin.ModelAdmin):
    """`same_committee`: the names of the fields whose rows must be of the row's committee."""

    same_committee: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "committee"] if obj is not None else fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        names = self.same_committee
        fixed = obj.committee_id if obj is not None else None

        class SameCommitteeForm(form):
            def clean(self):
                data = super().clean()
                chosen = data.get("committee")
                check_same_committee(self, fixed or (chosen.pk if chosen is not None else None), names)
                return data

        return SameCommitteeForm


class VersionedAdmin(admin.ModelAdmin):
    """A correction in the admin raises the row's version, as the services' edits do: an edit form
    opened before it is then refused as stale rather than written over it."""

    def save_model(self, request, obj, form, change) -> None:
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


class RecordAdmin(admin.ModelAdmin):
    """A record (an access log, a reveal log, a case's timeline): read in the admin, never added,
    changed or deleted there."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
