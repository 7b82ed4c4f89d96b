"""Committee-owned rows in the admin: the committee is chosen when a row is added and is read-only after,
and the rows a form points to must be the same committee's (and are offered from it: a search of the
committee's rows, CommitteeAutocomplete); a correction raises a row's version; records (logs,
timelines) are read, never changed.

A row's committee is what every other row hangs on: a household's residents, a building's
households and cases, a case's number, parties, events and kept counts repeat it. Moved in the
admin, a row left all of those in its old committee (a review found it for cases, residents,
households, buildings and grids). A correction that needs a move is a new row in the other
committee.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import router, transaction
from django.forms.utils import ErrorDict
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

ANOTHER_COMMITTEE = _("This belongs to another committee.")


class CommitteeAutocomplete(AutocompleteSelect):
    """An autocomplete that asks only for rows of one committee (`committee_id`, set when the form
    is drawn for a row that has one): its search URL carries the committee, which the searched
    admin's CommitteeSearchAdmin applies. What is posted is still checked (check_same_committee)."""

    committee_id: int | None = None

    def get_url(self) -> str:
        url = super().get_url()
        return f"{url}?{urlencode({'committee': self.committee_id})}" if self.committee_id else url


class CommitteeFields:
    """Fields of a committee-owned row's form that offer only that committee's rows: each of
    `autocomplete_fields` searches the committee's rows (CommitteeAutocomplete), and
    `scope_fields(form, committee_id)` may narrow more (a select of the committee's staff)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CommitteeAutocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def scope_fields(self, form: forms.BaseForm, committee_id: int | None) -> None:
        for field in form.fields.values():
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's add/change links
            if isinstance(widget, CommitteeAutocomplete):
                widget.committee_id = committee_id


class CommitteeSearchAdmin(admin.ModelAdmin):
    """The admin of rows that another committee's form picks with CommitteeAutocomplete: an
    autocomplete search that names a committee lists that committee's rows only."""

    def get_search_results(self, request, queryset, search_term):
        match = request.resolver_match
        committee = request.GET.get("committee", "")
        if (
            match is not None
            and match.url_name == "autocomplete"
            and committee.isascii()
            and committee.isdigit()
        ):
            queryset = queryset.filter(committee_id=int(committee))
        return super().get_search_results(request, queryset, search_term)


class CommitteeInline(CommitteeFields):
    """An inline of rows under a committee-owned row: its fields offer the parent's committee's rows."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        committee_id = obj.committee_id if obj is not None else None
        inline = self

        class ScopedForm(formset.form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                inline.scope_fields(self, committee_id)

        formset.form = ScopedForm
        return formset


def check_same_committee(form: forms.BaseForm, committee_id: int | None, names: tuple[str, ...]) -> None:
    """Add an error to each of `names` in `form` whose chosen row is not of committee `committee_id`."""
    if committee_id is None:
        return
    for name in names:
        chosen = form.cleaned_data.get(name)
        if chosen is not None and chosen.committee_id != committee_id:
            form.add_error(name, ANOTHER_COMMITTEE)


class CommitteeFixedAdmin(CommitteeFields, admin.ModelAdmin):
    """`same_committee`: the names of the fields whose rows must be of the row's committee; the
    form's choices are that committee's (CommitteeFields) once the row has one."""

    same_committee: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "committee"] if obj is not None else fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        names = self.same_committee
        fixed = obj.committee_id if obj is not None else None
        model_admin = self

        class SameCommitteeForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                model_admin.scope_fields(self, fixed)

            def clean(self):
                data = super().clean()
                chosen = data.get("committee")
                check_same_committee(self, fixed or (chosen.pk if chosen is not None else None), names)
                return data

        return SameCommitteeForm


STALE = _(
    "Someone else changed this record after you opened it, so nothing was saved. "
    "%(open_again)s to see their change, then make your correction."
)
OPEN_AGAIN = _("Open it again")


def _opened_at(form_class: type[forms.ModelForm], change_url: str) -> type[forms.ModelForm]:
    """`form_class` carrying the version of the row it was opened at (a hidden field) and refusing a
    save when the row's version is another by then: someone changed it meanwhile, and the form holds
    their values as they were. Checked before anything else, so that a stale form says only that
    (not, say, a status move the admin never made: the form held the status as it was)."""

    class OpenedAt(form_class):
        opened_version = forms.IntegerField(
            label=_("version when opened"), widget=forms.HiddenInput, required=False, min_value=0
        )

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.instance.pk is not None and not self.is_bound:
                # The row's version as stored now: a history's "revert" form holds an old version.
                self.initial["opened_version"] = _versions(self.instance).first()

        def full_clean(self) -> None:
            if not self.is_bound or self.instance.pk is None:
                return super().full_clean()
            rows = _versions(self.instance)
            if transaction.get_connection(router.db_for_write(type(self.instance))).in_atomic_block:
                rows = rows.select_for_update()  # held to the save (the admin's change view is atomic)
            self.version_now = rows.first()
            opened = self.data.get(self.add_prefix("opened_version"), "")
            if opened != str(self.version_now):
                self._errors, self.cleaned_data = ErrorDict(renderer=self.renderer), {}
                link = format_html('<a href="{}">{}</a>', change_url, OPEN_AGAIN)
                refusal = mark_safe(conditional_escape(STALE) % {"open_again": link})  # noqa: S308
                self.add_error(None, ValidationError(refusal, code="stale"))
                return None
            return super().full_clean()

    OpenedAt.__name__ = OpenedAt.__qualname__ = form_class.__name__
    return OpenedAt


def _versions(obj):
    return type(obj)._base_manager.filter(pk=obj.pk).values_list("version", flat=True)


def _stale_only(context: dict) -> dict:
    """A form refused only because it is stale (_opened_at) says that alone, as the page's note
    (templates/admin/change_form.html `stale`): not under Django's "Please correct the error below",
    since there is nothing in the form to correct; it is to be opened again."""
    form = getattr(context.get("adminform"), "form", None)
    errors = context.get("errors")
    if form is not None and errors and len(errors) == 1 and form.has_error(NON_FIELD_ERRORS, "stale"):
        context["stale"], context["errors"] = form.non_field_errors()[0], []
    return context


class VersionedAdmin(admin.ModelAdmin):
    """A correction in the admin raises the row's version, as the services' edits do: an edit form
    opened before it is then refused as stale rather than written over it. The admin's own form is
    held to the same: it carries the version it was opened at, and a save after someone else's
    change (in the app, or another admin tab) is refused, nothing written (_opened_at), said alone
    (_stale_only)."""

    def render_change_form(self, request, context, *args, **kwargs):
        return super().render_change_form(request, _stale_only(context), *args, **kwargs)

    def render_history_view(self, request, template, context, **kwargs):
        """simple_history's "revert" form (an admin that is also a SimpleHistoryAdmin)."""
        return super().render_history_view(request, template, _stale_only(context), **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and obj.pk is not None and "form" not in kwargs:
            url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
            kwargs["form"] = _opened_at(self.form, url)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return [f for f in fields if f != "opened_version"]  # nothing is saved: nothing to check
        return fields

    def save_model(self, request, obj, form, change) -> None:
        if change:
            # The version as stored (checked against the form's, under a lock): a reverted history
            # record holds an older one.
            obj.version = getattr(form, "version_now", None) or obj.version
            obj.version += 1
        super().save_model(request, obj, form, change)

    def history_form_view(self, request, *args, **kwargs):
        """simple_history's "revert" form, saved as the change form is: in one transaction, the
        row locked from the check of its version to its save."""
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, *args, **kwargs)


class RecordAdmin(admin.ModelAdmin):
    """A record (an access log, a reveal log, a case's timeline): read in the admin, never added,
    changed or deleted there."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
