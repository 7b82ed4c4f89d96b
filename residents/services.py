"""Writes to the registry: each a keyword-only function in one transaction, called by the views."""

import datetime
from collections.abc import Collection, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import services as audit
from cases.search import reindex_cases_at, reindex_cases_of_household, reindex_cases_of_residents
from committee.models import User
from committee.roles import Perm
from residents.indexing import reindex_building, reindex_household, reindex_residents
from residents.models import Building, CareCategory, Household, Resident, RevealLog, Visit


class StaleEdit(Exception):
    """The record (a resident, household or building) changed since the form was opened; the edit
    is refused, nothing is saved. `current` is the newer record, to show the editor."""

    def __init__(self, current: Resident | Household | Building) -> None:
        super().__init__(_("Someone else changed this record while you were editing."))
        self.current = current


@transaction.atomic
def resident_create(*, resident: Resident, categories: list[CareCategory]) -> Resident:
    """A new resident. Its birth date and archiving day lie in their ranges (Resident.check_dates),
    else a ValidationError on the date's field."""
    resident.full_clean(exclude=["id_number"])  # the form checked the number and its uniqueness
    resident.check_dates(today=timezone.localdate())
    resident.save()
    resident.care_categories.set(categories)
    reindex_residents([resident.pk])
    return resident


@transaction.atomic
def resident_update(
    *, resident: Resident, version: int, categories: list[CareCategory], keep_hidden: bool
) -> Resident:
    """Save an edited resident if nobody saved it since `version`; otherwise raise StaleEdit.

    `keep_hidden`: the editor could not see sensitive categories, so the ones set stay set.
    A birth date or archiving day changed here lies in its range (Resident.check_dates), else a
    ValidationError on its field; one stored before the rule and left as it is still saves.
    """
    current = Resident.all_objects.select_for_update().get(pk=resident.pk)
    if current.version != version:
        raise StaleEdit(Resident.all_objects.select_related("household__building").get(pk=resident.pk))
    resident.check_dates(today=timezone.localdate(), stored=current)
    resident.version = current.version + 1
    resident.save()
    if any(getattr(resident, f) != getattr(current, f) for f in ("name", "phone", "household_id")):
        # Their cases are found by the new name and the new phone's last four (the household's too).
        reindex_cases_of_residents([resident.pk])
    if keep_hidden:
        categories = list(categories) + list(current.care_categories.filter(sensitive=True))
    resident.care_categories.set(categories)
    reindex_residents([resident.pk])
    return resident


@transaction.atomic
def resident_archive(*, resident: Resident, archived: str, archived_on: datetime.date) -> Resident:
    """Moved out or deceased: kept, with the date, off the roster and out of the default list. The
    day lies from the resident's birth and the last visit recorded for them to today
    (Resident.check_archived_on), else a ValidationError on archived_on."""
    if archived_on != resident.archived_on:
        Resident.check_archived_on(
            archived_on,
            birth_date=resident.birth_date,
            today=timezone.localdate(),
            last_visit_on=resident.last_visit_on(),
        )
    resident.archived = archived
    resident.archived_on = archived_on
    resident.version += 1
    resident.save()
    return resident


def _check_version(model, obj, version: int | None, related: str):
    """An edit of `obj` (one that has a pk) goes ahead only if nobody saved it since `version`;
    None is a write that is not an edit form's (it takes the latest version). Returns the row as
    stored (locked)."""
    current = model.all_objects.select_for_update().get(pk=obj.pk)
    if version is not None and current.version != version:
        raise StaleEdit(model.all_objects.select_related(related).get(pk=obj.pk))
    obj.version = current.version + 1
    return current


@transaction.atomic
def household_save(*, household: Household, version: int | None = None) -> Household:
    """Create a household, or save an edited one if nobody saved it since `version` (StaleEdit)."""
    stored = _check_version(Household, household, version, "building") if household.pk else None
    household.full_clean()
    household.save()
    reindex_household(household)
    if stored is not None and stored.room != household.room:
        reindex_cases_at(household=household)  # their cases are found by the new room
    if stored is not None and stored.phone != household.phone:
        reindex_cases_of_household(household)  # its members' cases, by the phone's last four
    return household


@transaction.atomic
def building_save(*, building: Building, version: int | None = None) -> Building:
    """Create a building, or save an edited one if nobody saved it since `version` (StaleEdit)."""
    stored = _check_version(Building, building, version, "committee") if building.pk else None
    building.full_clean()
    building.save()
    reindex_building(building)
    address = ("road", "lane", "number")
    if stored is not None and any(getattr(stored, f) != getattr(building, f) for f in address):
        reindex_cases_at(building=building)  # their cases are found by the new address
    return building


@transaction.atomic
def walk_in_register(*, access, resident: Resident, building: Building, room: str) -> tuple[Resident, bool]:
    """A person at the front desk who is not in the registry, added with their home (`room` of
    `building`, as residents.addresses.room_in reads it): into the household of that room, else a new
    one of which they are the head. Returns (resident, created): the same name already in that home
    (the form sent twice, or she was there after all) is that resident, never a second record. The
    resident's fields were checked by residents.forms.ResidentForm, as the registry's own form does."""
    access.require(Perm.EDIT_REGISTRY, building.committee_id)
    household = Household.all_objects.filter(building=building, room=room).first()
    if household is not None:
        same = Resident.all_objects.filter(household=household, name=resident.name, archived="").first()
        if same is not None:
            return same, False
        resident.relation_to_head = Resident.Relation.OTHER
    else:
        household = household_save(
            household=Household(building=building, committee_id=building.committee_id, room=room)
        )
        resident.relation_to_head = Resident.Relation.HEAD
    resident.household = household
    resident.committee_id = building.committee_id
    return resident_create(resident=resident, categories=[]), True


@transaction.atomic
def visit_log(*, visit: Visit) -> Visit:
    """Record a visit and move the resident's next visit due date on. Its time lies from a year ago
    to now (Visit.check_visited_at), else a ValidationError on visited_at: a visit dated in the
    future once became "now" here without a word. A resident who moved out or died is visited no
    more: a visit after that day would break the archive's own rule (Resident.check_archived_on: not
    before the last visit) from this side. One made before it, entered late, is recorded."""
    resident = visit.resident
    day = timezone.localdate(visit.visited_at) if visit.visited_at else None
    if resident.archived and (resident.archived_on is None or day is None or day > resident.archived_on):
        said = {"name": resident.name, "archived": resident.archived_words}
        raise ValidationError(
            {"visited_at": _("No visit after that can be recorded: %(name)s %(archived)s.") % said}
        )
    Visit.check_visited_at(visit.visited_at, now=timezone.now())
    visit.committee_id = visit.resident.committee_id
    # A second post of the same form (visit_form_once) refused without breaking a transaction around it.
    with transaction.atomic():
        visit.save()
    reindex_residents([visit.resident_id])
    return visit


def visit_form_token(posted: str) -> str:
    """The visit form's one-time token as posted; one not of {% form_token %}'s making (URL-safe
    base64; a NUL byte, which PostgreSQL refuses) is no token, as a form drawn before them."""
    token = posted[:40]
    return token if token.isascii() and token.replace("-", "").replace("_", "").isalnum() else ""


def visit_saved_already(user, token: str) -> bool:
    """Whether `user` already saved the visit form carrying this one-time token (Visit.form_token)."""
    return bool(token) and Visit.all_objects.filter(visitor=user, form_token=token[:40]).exists()


# Back after a save fetches the form again (it is not cached), with a fresh token, and the browser or
# the draft fills it again as sent: the same visit by the same worker within minutes is that visit.
SAME_VISIT_WITHIN = datetime.timedelta(minutes=5)


def same_visit_just_saved(visit: Visit) -> bool:
    """Whether `visit`'s worker recorded exactly this visit (how, findings, follow-up, when: within
    minutes of it, the form drawn again after Back shows its own time) minutes ago. Last week's
    calls entered one after the other, the same words each, are different visits: their times differ."""
    try:
        earliest, latest = visit.visited_at - SAME_VISIT_WITHIN, visit.visited_at + SAME_VISIT_WITHIN
    except (TypeError, OverflowError):  # no time, or year 1 / 9999: refused by visit_log's own check
        return False
    return Visit.all_objects.filter(
        resident_id=visit.resident_id,
        visitor_id=visit.visitor_id,
        method=visit.method,
        findings=visit.findings,
        follow_up_needed=visit.follow_up_needed,
        created_at__gte=timezone.now() - SAME_VISIT_WITHIN,
        visited_at__range=(earliest, latest),
    ).exists()


def note_number_search(
    *, user: User, kinds: list[str], full_in: Collection[int], found: Iterable = ()
) -> None:
    """A search that held a whole ID or phone number (`kinds`: residents.selectors.full_number_kinds)
    searched whole where the reader may reveal it (`full_in`): noted in the access log as a search by
    a full number, without the number. `found`: the residents it found (a .pk and .committee_id each)."""
    if kinds and full_in:
        audit.record_number_search(
            user=user, committee_ids=full_in, kinds=kinds, found=[(r.pk, r.committee_id) for r in found]
        )


@transaction.atomic
def reveal_number(*, resident: Resident, field: str, reason: str, by: User) -> str:
    """Record who revealed which number of whom and why; return the full number."""
    RevealLog.objects.create(
        committee_id=resident.committee_id, resident=resident, field=field, reason=reason, revealed_by=by
    )
    # The reason too (its numbers masked by the log): the access log and its export are what a street
    # office audits, and a reveal there read only "李桂兰 身份证号", not why.
    audit.record(
        user=by,
        kind=audit.Kind.REVEAL,
        committee_id=resident.committee_id,
        resident=resident,
        detail=f"{field}: {reason}",
    )
    return resident.full_number(field)


def reveal_household_phone(*, household: Household, reason: str, by: User) -> None:
    """Record a reveal of a household's landline outside a resident's page (the admin's correction):
    in the reveal log against one of its residents, like the landline revealed on a resident's page,
    and always in the access log against the household (one without residents has no reveal-log row)."""
    resident = Resident.all_objects.filter(household=household).order_by("pk").first()
    if resident is not None:
        RevealLog.all_objects.create(
            committee_id=household.committee_id,
            resident=resident,
            field=RevealLog.Field.HOME_PHONE,
            reason=reason,
            revealed_by=by,
        )
    audit.record(
        user=by,
        kind=audit.Kind.REVEAL,
        committee_id=household.committee_id,
        household=household,
        resident=resident,
        detail=f"{RevealLog.Field.HOME_PHONE}: {reason}",
    )


def full_numbers_in_registry(committee) -> int:
    """How many full ID and phone numbers the committee's registry export holds (residents.exporting
    writes these residents' id_number and phone): said on the export's one record, which replaced a
    reveal-log row per number."""
    has = ~Q(id_number="") & Q(id_number__isnull=False), ~Q(phone="") & Q(phone__isnull=False)
    counts = Resident.objects.filter(committee=committee).aggregate(
        ids=Count("pk", filter=has[0]), phones=Count("pk", filter=has[1])
    )
    return counts["ids"] + counts["phones"]
