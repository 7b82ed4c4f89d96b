"""The committee's own outside bodies (cases/models/bodies.py): its secretary adds one, such as the
property company of its estate, with its name and phone; it is listed for that committee's cases
alone. The shared ones (the street's offices, the police) stay the administrator's, in the admin."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import OutsideBody
from committee.access import Access
from committee.models import Committee
from committee.roles import Perm


@transaction.atomic
def add_outside_body(*, access: Access, committee: Committee, name: str, phone: str = "") -> OutsideBody:
    """A body of `committee`'s own; ValidationError per field, nothing written, when refused: no
    name, a phone with no digit in it, or a name the committee's list already has."""
    access.require(Perm.ADD_OUTSIDE_BODIES, committee)
    name, phone = " ".join(name.split()), " ".join(phone.split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give its name as it answers the phone, such as 某某物业枫林项目部.")
    elif OutsideBody.objects.filter(OutsideBody.listed_for(committee.pk), name=name, active=True).exists():
        errors["name"] = _("%(name)s is already in %(committee)s's list.") % {
            "name": name,
            "committee": committee.name,
        }
    if phone and not any(c.isdigit() for c in phone):
        errors["phone"] = _("Enter the number to call, such as 021-64381234.")
    if errors:
        raise ValidationError(errors)
    # Listed after the shared ones: each committee's own come last in its referral list.
    return OutsideBody.objects.create(committee=committee, name=name, phone=phone, order=1000)
