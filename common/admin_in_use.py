"""Rows the admin may delete only while nothing uses them (a care category, a grid).

Django deleted them with one click: a care category left every resident who had it (the 128
elderly living alone off the care roster, review 9, item 3), a grid left its buildings without one
(their worker's "my grid" and the roster's order). The confirmation named the residents' links as
"Resident_care_categories object (2)". A row in use is refused instead, on its own page and from
the list's "delete selected", saying how many use it and what to do first; an unused row is
deleted as before.
"""

import dataclasses

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html


class InUseAdmin(admin.ModelAdmin):
    """The admin of a model whose `deletion_refusal()` gives the words (or None) why a row cannot be
    deleted now; `users_link(obj)` may give (url, words) of the list of what uses it, linked after."""

    def users_link(self, obj) -> tuple[str, str] | None:
        return None

    def _refusal(self, obj):
        refusal = obj.deletion_refusal()
        link = self.users_link(obj) if refusal else None
        if link is None:
            return refusal
        return format_html('{} <a href="{}">{}</a>', refusal, *link)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        refusal = self._refusal(obj) if obj is not None else None
        if refusal:
            messages.error(request, refusal)
            opts = self.opts
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            )
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if "delete_selected" in actions:
            delete = actions["delete_selected"].func

            def delete_unused(modeladmin, request, queryset):
                refusals = [r for r in (self._refusal(obj) for obj in queryset) if r]
                if refusals:
                    for refusal in refusals:
                        messages.error(request, refusal)
                    return None  # back to the list, nothing deleted
                return delete(modeladmin, request, queryset)

            actions["delete_selected"] = dataclasses.replace(actions["delete_selected"], func=delete_unused)
        return actions
