"""Needle's admin site: Django's, with autocomplete results in the words an admin needs to choose.

An autocomplete lists each row by `str(row)`: for a resident, the name alone, and a committee has
several 王芳. A ModelAdmin with `autocomplete_label(obj)` has its rows listed by that instead (a
resident by name, address and whether archived). Installed as the default site by
NeedleAdminConfig (common/admin_apps.py), so `admin.site` and `@admin.register` are this site.
"""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name) -> dict:
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = label(obj)
        return result


class NeedleAdminSite(admin.AdminSite):
    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)
