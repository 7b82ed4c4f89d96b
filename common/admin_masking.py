"""The admin is not a back door: ID numbers and phones are masked in its forms and history too.

A superuser who must correct a number asks for it with a reason (recorded like any reveal); only then,
for a few minutes, is the real value an editable field of that object's form. A masked field is not in
the form at all (read-only, shown masked), so saving a form can never write the mask over the number.
"""

import time

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.masking import mask_id_number, mask_numbers_in_text, mask_phone

# How long a reveal keeps the number editable: long enough to correct it, not a standing unmask.
REVEAL_SECONDS = 10 * 60
_SESSION_KEY = "admin_reveals"


class RevealReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you need the full number?"), max_length=200, strip=True
    )


class MaskedHistoryAdmin(admin.ModelAdmin):
    """A history admin (simple_history) whose list of changes masks the numbers typed into any value
    (a building's notes), as every page does. MaskedNumbersAdmin is one."""

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """The history's list of changes (old → new) masks numbers in every value it shows."""
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        for record in historical_records:
            for change in getattr(record, "history_delta_changes", None) or []:
                for side in ("old", "new"):
                    value = change.get(side)
                    if isinstance(value, str):
                        masked = mask_numbers_in_text(value)  # digits become *: escaped stays escaped
                        change[side] = mark_safe(masked) if isinstance(value, SafeData) else masked  # noqa: S308


class MaskedNumbersAdmin(MaskedHistoryAdmin):
    """A ModelAdmin whose `masked_fields` (field name → "id" or "phone") are masked until revealed.

    Subclasses say how a reveal is recorded: `record_reveal(request, obj, field, reason)`.
    """

    masked_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.masked_fields:
            setattr(self, f"masked_{name}", self._masked_display(name))

    # What a reveal leaves behind.
    def record_reveal(self, request, obj, field: str, reason: str) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _grant_key(self, obj, field: str) -> str:
        return f"{self.opts.label_lower}:{obj.pk}:{field}"

    def is_revealed(self, request, obj, field: str) -> bool:
        if obj is None or obj.pk is None or not request.user.is_superuser:
            return obj is None or obj.pk is None  # a new object has no number to hide yet
        granted = request.session.get(_SESSION_KEY, {}).get(self._grant_key(obj, field))
        return granted is not None and time.time() - granted < REVEAL_SECONDS

    def hidden_fields(self, request, obj) -> list[str]:
        return [name for name in self.masked_fields if not self.is_revealed(request, obj, name)]

    def _masked_display(self, name: str):
        kind = self.masked_fields[name]
        field = self.model._meta.get_field(name)

        def display(obj):
            value = getattr(obj, name) or ""
            masked = mask_id_number(value) if kind == "id" else mask_phone(value)
            if not value:
                return "-"
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_reveal",
                args=[getattr(obj, "id", obj.pk), name],
            )
            return format_html('{} <a href="{}">{}</a>', masked, url, _("Reveal to correct"))

        display.short_description = field.verbose_name
        return display

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        for name in self.hidden_fields(request, obj):
            # The field itself is read-only (out of the form, never saved); its masked twin is shown.
            readonly += [name, f"masked_{name}"]
        return readonly

    def get_fields(self, request, obj=None):
        hidden = self.hidden_fields(request, obj)
        fields = [f for f in super().get_fields(request, obj) if not f.startswith("masked_")]
        return [f"masked_{f}" if f in hidden else f for f in fields]

    def get_fieldsets(self, request, obj=None):
        """Declared fieldsets (the user admin's) get the masked twin in place of a hidden field, as
        get_fields does for an admin without them."""
        fieldsets = super().get_fieldsets(request, obj)
        hidden = set(self.hidden_fields(request, obj))
        if not hidden or not (self.fieldsets or getattr(self, "add_fieldsets", None)):
            return fieldsets
        return [
            (name, {**options, "fields": [f"masked_{f}" if f in hidden else f for f in options["fields"]]})
            for name, options in fieldsets
        ]

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/reveal/<str:field>/",
                self.admin_site.admin_view(self.reveal_view),
                name="{}_{}_reveal".format(*info),
            ),
            *super().get_urls(),
        ]

    def reveal_view(self, request, object_id, field):
        """Ask why, record the reveal, then open the form with the number editable."""
        if not request.user.is_superuser:
            raise PermissionDenied
        if field not in self.masked_fields or not (object_id.isascii() and object_id.isdigit()):
            raise Http404
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        form = RevealReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            self.record_reveal(request, obj, field, form.cleaned_data["reason"])
            grants = request.session.get(_SESSION_KEY, {})
            now = time.time()
            grants = {k: t for k, t in grants.items() if now - t < REVEAL_SECONDS}
            grants[self._grant_key(obj, field)] = now
            request.session[_SESSION_KEY] = grants
            messages.info(request, _("The reveal was recorded. The number can be corrected for ten minutes."))
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "form": form,
            "field_label": self.model._meta.get_field(field).verbose_name,
            "title": _("Reveal a number to correct it"),
        }
        return render(request, "admin/reveal_number.html", context)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change:  # a correction made: the number is masked again
            grants = request.session.get(_SESSION_KEY, {})
            for name in self.masked_fields:
                grants.pop(self._grant_key(obj, name), None)
            request.session[_SESSION_KEY] = grants
