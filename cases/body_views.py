"""The outside bodies a committee refers cases to (cases/models/bodies.py): the shared ones and the
committee's own, for the staff who refer cases; the secretary adds the committee's own here
(cases/services/bodies.py). The rules live in the service; this page translates HTTP."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cases.models import OutsideBody
from cases.services.bodies import add_outside_body
from committee.models import Committee
from committee.roles import Perm


class OutsideBodyForm(forms.Form):
    committee = forms.TypedChoiceField(label=gettext_lazy("Committee"), coerce=int)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30, required=False)

    def __init__(self, *args, committees: list[Committee], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].choices = [(c.pk, c.name) for c in committees]
        if len(committees) == 1:
            self.fields["committee"].widget = forms.HiddenInput()
            self.fields["committee"].initial = committees[0].pk


@require_http_methods(["GET", "POST"])
def outside_bodies(request: HttpRequest) -> HttpResponse:
    """The referral list of each committee the user refers cases for: the shared bodies once, then
    each committee's own. Three queries however many bodies."""
    ids = request.access.committees_where(Perm.LOG_CASE)
    if not ids:
        raise PermissionDenied(Perm.LOG_CASE)
    adders = set(request.access.committees_where(Perm.ADD_OUTSIDE_BODIES))
    if request.method == "POST" and not adders:
        raise PermissionDenied(Perm.ADD_OUTSIDE_BODIES)
    committees = list(Committee.objects.filter(pk__in=ids).order_by("name"))
    form = OutsideBodyForm(request.POST or None, committees=[c for c in committees if c.pk in adders])
    if request.method == "POST" and form.is_valid():
        committee = next(c for c in committees if c.pk == form.cleaned_data["committee"])
        try:
            body = add_outside_body(
                access=request.access,
                committee=committee,
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
            )
        except ValidationError as refused:
            form.add_error(None, refused)  # each of the service's words onto its field
        else:
            said = _("%(name)s added: it is in %(committee)s's referral list now.")
            messages.success(request, said % {"name": body.name, "committee": committee.name})
            return redirect("cases:outside_bodies")
    bodies = list(OutsideBody.objects.filter(active=True, committee__isnull=True))
    own = list(OutsideBody.objects.filter(active=True, committee_id__in=ids))
    sections = [{"committee": c, "bodies": [b for b in own if b.committee_id == c.pk]} for c in committees]
    ctx = {"shared": bodies, "sections": sections, "form": form if adders else None}
    return render(request, "cases/outside_bodies.html", ctx)
