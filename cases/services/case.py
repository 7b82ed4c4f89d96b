"""The case's own life: logging it (numbered per committee and year), editing, taking, assigning,
moving it through its statuses, reopening, closing, marking a duplicate, notes and reporters; and the
row lock every action on a case takes first (`_lock`). The rules of the whole package are in its
__init__.py.
"""

import copy
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import events
from cases.checks import check_work_order
from cases.models import (
    Attachment,
    Case,
    CaseCategory,
    CaseCounter,
    CaseEvent,
    CaseParty,
)
from cases.refusals import refusal_of
from cases.rules import TARGET, Action, Why, case_workers, status_when_assigned, why_not
from cases.search import reindex_cases
from cases.services.once import refuse_repeat, refuse_repeated_join, refuse_repeated_note
from cases.services.reopening import REOPENED, reopen
from committee.access import Access
from committee.models import Committee, User
from committee.roles import Perm
from common.workdays import add_workdays, due_days
from residents.models import Building, Household, Resident, Visit


class Conflict(Exception):
    """The case changed since the form was drawn; nothing was written."""

    def __init__(self, case: Case) -> None:
        super().__init__(f"case {case.pk} is at version {case.version}")
        self.case = case


@dataclass
class NewParty:
    resident: Resident
    role: str = CaseParty.Role.REPORTER


def next_number(committee: Committee, year: int) -> int:
    """The next sequence number of a committee's year, gap-free: the counter row is locked until the
    surrounding transaction commits (PostgreSQL: SELECT … FOR UPDATE; SQLite: the IMMEDIATE
    transaction already holds the database's write lock)."""
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(committee=committee, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


# A case goes only to someone who works cases in its committee (rules.case_workers): the app's
# services and the admin's choices say it in these words.
NOT_A_CASE_WORKER = _("This person does not work cases in this committee.")


def _check_assignee(access: Access, committee_id: int, assignee: User | None) -> None:
    """A case goes only to someone who works cases in its committee, and only the secretary gives a
    case to someone else."""
    if assignee is None:
        return
    if assignee == access.user and access.can(Perm.LOG_CASE, committee_id):
        return  # their own role there works cases: they are one of rules.case_workers
    if assignee != access.user:
        access.require(Perm.MANAGE_CASES, committee_id)
    if not case_workers([committee_id]).filter(pk=assignee.pk).exists():
        raise ValidationError(NOT_A_CASE_WORKER)


def _check_places(committee: Committee, places: Iterable[object], parties: Iterable[NewParty]) -> None:
    """Whatever a new case points at belongs to the committee it is logged in."""
    if any(obj is not None and obj.committee_id != committee.pk for obj in places):
        raise ValidationError(_("This belongs to another committee."))
    for party in parties:
        if party.resident.committee_id != committee.pk:
            raise ValidationError(_("%(name)s lives in another committee.") % {"name": party.resident.name})


@transaction.atomic
def create_case(
    *,
    access: Access,
    committee: Committee,
    title: str,
    category: CaseCategory,
    description: str = "",
    source: str = Case.Source.WALK_IN,
    work_order_number: str = "",
    priority: str = Case.Priority.NORMAL,
    building: Building | None = None,
    household: Household | None = None,
    place: str = "",
    assignee: User | None = None,
    due_date: datetime.date | None = None,
    sensitive: bool = False,
    visit: Visit | None = None,
    parties: Iterable[NewParty] = (),
    photos: Iterable[UploadedFile] = (),
    token: str = "",
    at: datetime.datetime | None = None,
) -> tuple[Case, bool]:
    """Log a case, with the photos taken for it. Returns (case, created): a repeated submit of one
    form (same token) returns the case the first submit made instead of a second one. A due date
    given by hand must lie in Case.due_date_range of the logging day (else a ValidationError on
    due_date); without one it is counted in working days from the category and priority. Without a
    title, it is named by its details or, with a photo, its category (Case.title_from): a case that
    says nothing of what happened is refused (a ValidationError on title)."""
    access.require(Perm.LOG_CASE, committee)
    _check_assignee(access, committee.pk, assignee)
    parties, photos = list(parties), list(photos)
    _check_places(committee, (building, household, visit), parties)
    title = Case.title_from(title, description, category, photos=bool(photos))
    check_work_order(source, work_order_number)
    at = at or timezone.now()
    today = timezone.localdate(at)
    if due_date is not None:
        Case.check_due_date(due_date, logged_on=today, new=True)  # set by hand: today to two years on
    # The counter lock also serialises two submits of one form: the second finds the first's case.
    seq = next_number(committee, today.year)
    if token:
        existing = Case.all_objects.filter(committee=committee, intake_token=token).first()
        if existing is not None:
            transaction.set_rollback(True)  # give the number back
            return existing, False
    if household is not None and building is None:
        building = household.building
    counted = due_days(category.default_due_days, priority)
    case = Case.all_objects.create(
        committee=committee,
        year=today.year,
        seq=seq,
        title=title,
        description=description,
        category=category,
        source=source,
        work_order_number=work_order_number,
        priority=priority,
        building=building,
        household=household,
        place=place,
        assignee=assignee,
        status=status_when_assigned(Case.Status.NEW, assignee.pk if assignee else None),
        due_date=due_date or add_workdays(today, counted),
        due_workdays=None if due_date else counted,
        # A category such as hardship aid is sensitive whatever the form said: a family's illness and
        # aid amounts are not for every reader.
        sensitive=sensitive or category.sensitive_by_default,
        visit=visit,
        created_by=access.user,
        created_at=at,
        intake_token=token,
    )
    seen = set()
    for party in parties:
        if (party.resident.pk, party.role) not in seen:
            seen.add((party.resident.pk, party.role))
            CaseParty.all_objects.create(
                case=case, committee=committee, resident=party.resident, role=party.role
            )
    reindex_cases([case.pk])
    created = events.Created(assignee=assignee.display_name if assignee else "", after=case.status)
    events.record(case, created, actor=access.user, at=at)
    from cases.services.work import add_attachment  # work.py builds on this module's _lock

    for photo in photos:
        add_attachment(access=access, case=case, uploaded=photo, stage=Attachment.Stage.BEFORE, at=at)
    return case, True


# What the rules and the writes read of a locked case. The row is wide and this read is the cost of
# every action, so it reads only these; another field, if ever read, loads when it is (one query).
LOCKED = (
    "id",
    "committee_id",
    "version",
    "status",
    "assignee_id",
    "created_by_id",
    "sensitive",
    "satisfaction",
    "last_called_on",
    "last_call_result",
    "reopen_requested_at",
    # What the dashboard's kept counts compare before and after a change (reports/rollup.py
    # case_saving): read here, with the lock, instead of by a query of their own.
    "due_date",
    "created_at",
    "resolved_at",
    "category",
    "source",
    "building",
)


def _lock(
    access: Access,
    case_id: int,
    action: Action,
    version: int | None,
    *also: str,
    not_now: str = "",
    token: str = "",
) -> Case:
    """The case re-read under a row lock (its LOCKED fields, and `also`); Conflict when stale,
    PermissionDenied when not allowed. `not_now`: the words (a ValidationError) for someone who
    may do this to the case, only not in its status (a page drawn before another changed it).
    `token`: the submitting form's one-time token (once.py): Repeated when it was saved already."""
    fresh = Case.all_objects.select_for_update().only(*LOCKED, *also).get(pk=case_id)
    refuse_repeat(access, case_id, token)
    if version is not None and fresh.version != version:
        raise Conflict(fresh)
    if why := why_not(access, fresh, action):
        if not_now and why == Why.STATUS:
            raise ValidationError(not_now)
        raise PermissionDenied(refusal_of(fresh, action, why))  # the 403 page says it (cases/refusals.py)
    return fresh


def _save(case: Case, *fields: str) -> None:
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])


EDITABLE = ("title", "description", "category", "priority", "due_date", "place", "sensitive")


@transaction.atomic
def edit(
    *,
    access: Access,
    case: Case,
    changes: Mapping[str, object],
    version: int | None = None,
    at: datetime.datetime | None = None,
) -> Case:
    """Change what the case is about (the EDITABLE fields). A stale version is refused (Conflict):
    nothing is overwritten. Marking a case sensitive, or no longer, is the secretary's. A due date
    changed here must lie in Case.due_date_range of the day the case was logged."""
    case = _lock(access, case.pk, Action.EDIT, version, *EDITABLE, "due_workdays")
    changed = [f for f in EDITABLE if f in changes and getattr(case, f) != changes[f]]
    if "sensitive" in changed:
        access.require(Perm.MANAGE_CASES, case.committee_id)
    if not changed:
        return case
    if "due_date" in changed:
        # Only a date changed now is checked: an old case whose stored date is outside the range
        # (entered before the rule) stays editable as long as its date is left as it is.
        Case.check_due_date(changes["due_date"], logged_on=timezone.localdate(case.created_at))
    before = copy.copy(case)
    for field in changed:
        setattr(case, field, changes[field])
    saved = list(changed)
    if "due_date" in changed:
        case.due_workdays = None  # set by hand: kept as set when a year's holidays are entered later
        saved.append("due_workdays")
    _save(case, *saved)
    if set(changed) & {"title", "description", "place"}:
        reindex_cases([case.pk])
    events.record(case, events.Edited.of(changed, before, case), actor=access.user, at=at)
    return case


@transaction.atomic
def take(
    *, access: Access, case: Case, version: int | None = None, at: datetime.datetime | None = None
) -> Case:
    """A worker takes an unassigned case for themselves: a new one is then in progress."""
    case = _lock(access, case.pk, Action.TAKE, version)
    before = case.status
    case.assignee = access.user
    case.status = status_when_assigned(before, case.assignee_id)
    _save(case, "assignee", "status")
    taken = events.Assigned(assignee=access.user.display_name, taken=True, before=before, after=case.status)
    events.record(case, taken, actor=access.user, at=at)
    return case


@transaction.atomic
def assign(
    *,
    access: Access,
    case: Case,
    assignee: User | None,
    version: int | None = None,
    text: str = "",
    at: datetime.datetime | None = None,
) -> Case:
    """The secretary assigns, reassigns, or (assignee None) unassigns a case; a new case assigned is
    then in progress (rules.status_when_assigned)."""
    case = _lock(access, case.pk, Action.ASSIGN, version)
    _check_assignee(access, case.committee_id, assignee)
    previous = case.assignee.display_name if case.assignee_id else ""
    before = case.status
    case.assignee = assignee
    case.status = status_when_assigned(before, case.assignee_id)
    _save(case, "assignee", "status")
    assigned = events.Assigned(
        assignee=assignee.display_name if assignee else "",
        previous=previous,
        before=before,
        after=case.status,
    )
    events.record(case, assigned, actor=access.user, text=text, at=at)
    return case


# What Case.count_due_again reads of a locked case besides LOCKED (its category and due date).
REOPEN_FIELDS = ("priority",)


# The actions that only move a case's status (with a text); the others have services of their own.
TRANSITIONS = frozenset(
    {Action.START, Action.WAIT, Action.RESUME, Action.RESOLVE, Action.WITHDRAW, Action.REOPEN}
)


@transaction.atomic
def transition(
    *,
    access: Access,
    case: Case,
    action: Action,
    version: int | None = None,
    text: str = "",
    at: datetime.datetime | None = None,
    token: str = "",
) -> Case:
    """start, wait, resume, resolve (text = resolution), withdraw, reopen (text = reason)."""
    if action not in TRANSITIONS:
        raise ValueError(action)
    also = REOPEN_FIELDS if action == Action.REOPEN else ()
    case = _lock(access, case.pk, action, version, *also, token=token)
    if action == Action.REOPEN and not text.strip() and case.reopen_requested_at is not None:
        # Reopening on a worker's request (one tap on the case page): their reason is the reason.
        request = pending_reopen_request(case)
        text = request.text if request is not None else ""
    if action in {Action.RESOLVE, Action.REOPEN} and not text.strip():
        raise ValidationError(_("Say what was done.") if action == Action.RESOLVE else _("Give a reason."))
    at = at or timezone.now()
    before = case.status
    case.status = TARGET[action]
    fields = ["status"]
    if action == Action.RESOLVE:
        case.resolution = text
        case.resolved_at = at
        fields += ["resolution", "resolved_at"]
    elif action == Action.WITHDRAW:
        case.closure = Case.Closure.WITHDRAWN
        case.closed_at = at
        fields += ["closure", "closed_at"]
    elif action == Action.REOPEN:
        due = reopen(case, timezone.localdate(at))  # worked again: due again
        fields += [*REOPENED, *(Case.DUE_COUNTED if due is not None else ())]
    _save(case, *fields)
    if action == Action.REOPEN:
        payload = events.Reopened(before=before, after=case.status, due=str(due or ""))
    else:
        payload = events.StatusChanged(before=before, after=case.status, action=str(action))
    events.record(case, payload, actor=access.user, text=text, at=at, token=token)
    return case


def pending_reopen_request(case: Case) -> CaseEvent | None:
    """The request to reopen that waits on this case (its event: who asked, when, why), if any."""
    if case.reopen_requested_at is None:
        return None
    asked = CaseEvent.all_objects.filter(case_id=case.pk, kind=CaseEvent.Kind.REOPEN_REQUESTED)
    return asked.select_related("actor").order_by("-at", "-pk").first()


@transaction.atomic
def ask_reopen(*, access: Access, case: Case, text: str, at: datetime.datetime | None = None) -> CaseEvent:
    """A worker asks the secretary to reopen a resolved or closed case (the resident is back with the
    same problem), giving a reason; only the secretary reopens. One request waits at a time: a
    second, from anyone, is refused in words rather than told to the secretary twice. No version
    check: the request changes nothing the asker's page shows but the request itself."""
    case = _lock(access, case.pk, Action.ASK_REOPEN, None)
    if case.reopen_requested_at is not None:
        raise ValidationError(_("A request to reopen this case is already waiting for the secretary."))
    if not text.strip():
        raise ValidationError(_("Give a reason."))
    at = at or timezone.now()
    case.reopen_requested_at = at
    _save(case, "reopen_requested_at")
    asked = events.ReopenRequested(status=case.status)
    return events.record(case, asked, actor=access.user, text=text.strip(), at=at)


@transaction.atomic
def decline_reopen(
    *, access: Access, case: Case, text: str, at: datetime.datetime | None = None
) -> CaseEvent:
    """The secretary clears a request to reopen without reopening (the resident's new problem is
    another case, or the work was done), saying why; whoever asked is told."""
    case = _lock(access, case.pk, Action.DECLINE_REOPEN, None)
    request = pending_reopen_request(case)
    if case.reopen_requested_at is None:
        raise ValidationError(_("No request to reopen this case is waiting."))
    if not text.strip():
        raise ValidationError(_("Give a reason."))
    asker = request.actor if request is not None and request.actor_id else None
    case.reopen_requested_at = None
    _save(case, "reopen_requested_at")
    declined = events.ReopenDeclined(
        asked_by=asker.display_name if asker else "", asked_by_id=asker.pk if asker else None
    )
    return events.record(case, declined, actor=access.user, text=text.strip(), at=at)


@transaction.atomic
def close(
    *,
    access: Access,
    case: Case,
    version: int | None = None,
    text: str = "",
    at: datetime.datetime | None = None,
    token: str = "",
) -> Case:
    """The secretary closes a resolved case after its follow-up call."""
    case = _lock(access, case.pk, Action.CLOSE, version, token=token)
    at = at or timezone.now()
    before = case.status
    case.status = Case.Status.CLOSED
    case.closure = Case.Closure.FOLLOWED_UP
    case.closed_at = at
    _save(case, "status", "closure", "closed_at")
    closed = events.StatusChanged(before=before, after=case.status, action=str(Action.CLOSE))
    events.record(case, closed, actor=access.user, text=text, at=at, token=token)
    return case


@transaction.atomic
def mark_duplicate(
    *,
    access: Access,
    case: Case,
    of: Case,
    version: int | None = None,
    text: str = "",
    at: datetime.datetime | None = None,
) -> Case:
    """Close a case as a duplicate of another of its committee; its reporters join the other."""
    # Both cases' rows first, in id order, before the save takes the committee's lock
    # (reports/rollup.py lock_current_month). Every other service locks its one case, then the
    # committee: locking `of` after the committee (the foreign key's check, its reporters, its
    # search key) could wait on a service of `of` that waits on the committee, a deadlock.
    lock_both(case.pk, of.pk)
    case = _lock(access, case.pk, Action.DUPLICATE, version)
    if of.pk == case.pk or of.committee_id != case.committee_id:
        raise ValidationError(_("Choose another case of the same committee."))
    refuse_a_duplicate(case, Case.all_objects.get(pk=of.pk))
    at = at or timezone.now()
    case.status = Case.Status.CLOSED
    case.closure = Case.Closure.DUPLICATE
    case.duplicate_of = of
    case.closed_at = at
    _save(case, "status", "closure", "duplicate_of", "closed_at")
    marked = events.MarkedDuplicate(of=of.number, of_id=of.pk)
    events.record(case, marked, actor=access.user, text=text, at=at)
    fold_into(case, of, actor=access.user, at=at)
    return case


def lock_both(case_id: int, of_id: int | None) -> None:
    """A case and the case it is closed as a duplicate of, locked in id order, whoever closes it (the
    case page's mark_duplicate, the admin's form and record_correction): two closings at once, one
    of each case into the other, or one into a case being closed itself, wait for each other, and
    the second sees the first's (refuse_a_duplicate), where each would have read the other open."""
    ids = sorted({case_id, of_id} - {None})
    list(Case.all_objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def fold_into(
    case: Case, of: Case, *, actor: User | None, at: datetime.datetime | None = None, corrected: bool = False
) -> CaseEvent:
    """`case`, closed as a duplicate of `of`: its people not on `of` yet join it, and the case kept
    says so on its timeline (review 8, finding 6), which tells its assignee. Written by
    mark_duplicate, and by an administrator's correction in the admin (services.record_correction,
    `corrected`: said as the admin's)."""
    joined = []  # the residents who were not on `of` yet, each named once
    for party in CaseParty.all_objects.filter(case=case).select_related("resident").order_by("pk"):
        _party, created = CaseParty.all_objects.get_or_create(
            case=of,
            resident_id=party.resident_id,
            role=party.role,
            defaults={"committee_id": of.committee_id},
        )
        if created and party.resident.name not in joined:
            joined.append(party.resident.name)
    reindex_cases([of.pk])  # its key names the reporters it gained
    folded = events.DuplicateJoined(
        duplicate=case.number, duplicate_id=case.pk, joined=tuple(joined), corrected=corrected
    )
    return events.record(of, folded, actor=actor, at=at)


def refuse_a_duplicate(case: Case, of: Case) -> None:
    """Refuse `of` when it is itself closed as a duplicate, naming the case it is a duplicate of (its
    chain followed to the end) for the secretary to type instead (review 4, N4). Refused rather than
    followed: the case would be recorded as a duplicate of a number no one typed, and the one typed
    may have been a slip for another case; the refusal says which case is worked, the number typed
    stays in its box (DuplicateForm drawn again), and the secretary decides."""
    original, seen = of, {of.pk}
    while original.closure == Case.Closure.DUPLICATE and original.duplicate_of_id not in {None, *seen}:
        original = Case.all_objects.get(pk=original.duplicate_of_id)
        seen.add(original.pk)
    if original.pk == of.pk:
        return
    if original.pk == case.pk:
        raise ValidationError(
            _("%(number)s is closed as a duplicate of this case."), params={"number": of.number}
        )
    raise ValidationError(
        _("%(number)s is closed as a duplicate of %(original)s: type %(original)s."),
        params={"number": of.number, "original": original.number},
    )


@transaction.atomic
def add_note(
    *, access: Access, case: Case, text: str, at: datetime.datetime | None = None, token: str = ""
) -> CaseEvent:
    case = _lock(access, case.pk, Action.NOTE, None, token=token)
    if not text.strip():
        raise ValidationError(_("Write something."))
    refuse_repeated_note(access, case.pk, text.strip(), at=at)  # sent again after Back: once.py
    _save(case)
    return events.record(case, events.Note(), actor=access.user, text=text.strip(), at=at, token=token)


@transaction.atomic
def add_reporters(
    *,
    access: Access,
    case: Case,
    residents: Iterable[Resident],
    text: str = "",
    photos: Iterable[UploadedFile] = (),
    at: datetime.datetime | None = None,
    token: str = "",
) -> CaseEvent:
    """More residents report a problem already logged: they join the case as reporters (one event,
    with `text`: what the worker typed of this report), with the photos taken of it (an event each,
    as files added). An open case only (rules: JOIN). `token`: the intake form's one-time token, on
    the event: the same form joined twice is saved once (Repeated, once.refuse_repeated_join)."""
    closed = _(
        "Case %(number)s is no longer open: reporters join open cases only. If its problem is back, "
        "ask to reopen it, or log a new case."
    )
    case = _lock(access, case.pk, Action.JOIN, None, not_now=closed % {"number": case.number})
    residents = list(residents)
    refuse_repeated_join(access, case.pk, token, text=text, resident_ids=[r.pk for r in residents])
    added = []
    for resident in residents:
        if resident.committee_id != case.committee_id:
            raise ValidationError(_("%(name)s lives in another committee.") % {"name": resident.name})
        _party, created = CaseParty.all_objects.get_or_create(
            case=case,
            resident=resident,
            role=CaseParty.Role.REPORTER,
            defaults={"committee_id": case.committee_id},
        )
        if created:
            added.append(resident.name)
    _save(case)
    if added:
        reindex_cases([case.pk])
    reported = events.ReportersAdded(reporters_added=tuple(added))
    joined = events.record(case, reported, actor=access.user, text=text, at=at, token=token)
    from cases.services.work import add_attachment  # work.py builds on this module's _lock

    for photo in photos:
        add_attachment(access=access, case=case, uploaded=photo, stage=Attachment.Stage.BEFORE, at=at)
    return joined
