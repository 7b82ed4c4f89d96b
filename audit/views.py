"""The access log page: the secretary's committee, the street officer's street."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit import selectors
from audit.forms import AccessLogFilterForm
from committee.roles import Perm
from residents.models import Resident

PER_PAGE = 50


@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    committee_ids = request.access.committees_where(Perm.READ_ACCESS_LOG)
    if not committee_ids:
        raise PermissionDenied
    form = AccessLogFilterForm(request.GET)
    filters = form.filters()  # validates: cleaned_data holds the valid fields
    resident = None
    resident_id = form.cleaned_data.get("resident")
    if resident_id:
        resident = Resident.objects.filter(pk=resident_id, committee_id__in=committee_ids).first()
    queryset = selectors.records(committee_ids=committee_ids, resident=resident, **filters)
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    ctx = {"form": form, "page": page, "resident": resident}
    return render(request, "audit/access_log.html", ctx)
