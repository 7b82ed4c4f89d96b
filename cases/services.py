"""Writes to cases. Every action locks the case row, checks the rules (rules.py) against the fresh
state, applies the change, bumps the version and writes exactly one CaseEvent to the timeline.

Optimistic locking: forms carry the version they were drawn from; when the case has changed since,
the action raises Conflict and nothing is written, so the second person sees the newer state.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import uploads
from cases.models import (
    Aid,
    Attachment,
    Case,
    CaseCategory,
    CaseCounter,
    CaseEvent,
    CaseParty,
    FollowUp,
    OutsideBody,
    Referral,
)
from cases.rules import TARGET, Action, can, may_remove_attachment
from committee.models import Committee, Membership
from committee.roles import Perm, Role
from common.workdays import due_date as compute_due_date

Kind = CaseEvent.Kind


class Conflict(Exception):
    """The case changed since the form was drawn; nothing was written."""

    def __init__(self, case: Case) -> None:
        super().__init__(f"case {case.pk} is at version {case.version}")
        self.case = case


@dataclass
class NewParty:
    resident: object
    role: str = CaseParty.Role.REPORTER


def next_number(committee: Committee, year: int) -> int:
    """The next sequence number of a committee's year, gap-free: the counter row is locked until the
    surrounding transaction commits (PostgreSQL: SELECT … FOR UPDATE; SQLite: the IMMEDIATE
    transaction already holds the database's write lock)."""
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(committee=committee, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def assignable_users(committee: Committee | int):
    """Staff who may be given cases in a committee: its secretary and workers."""
    from committee.models import User

    committee_id = committee if isinstance(committee, int) else committee.pk
    return (
        User.objects.filter(
            is_active=True,
            memberships__committee_id=committee_id,
            memberships__role__in=[Role.SECRETARY, Role.WORKER],
        )
        .distinct()
        .order_by("full_name", "username")
    )


def _check_assignee(committee_id: int, assignee) -> None:
    if assignee is None:
        return
    ok = Membership.objects.filter(
        user=assignee, committee_id=committee_id, role__in=[Role.SECRETARY, Role.WORKER]
    ).exists()
    if not ok:
        raise ValidationError(_("This person does not work cases in this committee."))


def _event(case: Case, kind: str, actor, text: str = "", at=None, **data) -> CaseEvent:
    return CaseEvent.all_objects.create(
        case=case,
        committee_id=case.committee_id,
        kind=kind,
        actor=actor,
        text=text,
        at=at or timezone.now(),
        data=data,
    )


@transaction.atomic
def create_case(
    *,
    committee: Committee,
    actor,
    access,
    title: str,
    category: CaseCategory,
    description: str = "",
    source: str = Case.Source.WALK_IN,
    work_order_number: str = "",
    priority: str = Case.Priority.NORMAL,
    building=None,
    household=None,
    place: str = "",
    assignee=None,
    due_date: datetime.date | None = None,
    sensitive: bool = False,
    visit=None,
    parties: list[NewParty] = (),
    token: str = "",
    now: datetime.datetime | None = None,
) -> tuple[Case, bool]:
    """Log a case. Returns (case, created): a repeated submit of one form (same token) returns the
    case the first submit made instead of a second one."""
    access.require(Perm.LOG_CASE, committee)
    if assignee is not None and assignee != actor:
        access.require(Perm.MANAGE_CASES, committee)
    _check_assignee(committee.pk, assignee)
    now = now or timezone.now()
    today = timezone.localdate(now)
    year = today.year
    # The counter lock also serialises two submits of one form: the second finds the first's case.
    seq = next_number(committee, year)
    if token:
        existing = Case.all_objects.filter(committee=committee, intake_token=token).first()
        if existing is not None:
            transaction.set_rollback(True)  # give the number back
            return existing, False
    if household is not None and building is None:
        building = household.building
    case = Case.all_objects.create(
        committee=committee,
        year=year,
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
        status=Case.Status.NEW,
        due_date=due_date or compute_due_date(today, category.default_due_days, priority),
        sensitive=sensitive,
        visit=visit,
        created_by=actor,
        created_at=now,
        intake_token=token,
    )
    seen = set()
    for party in parties:
        key = (party.resident.pk, party.role)
        if key in seen:
            continue
        seen.add(key)
        CaseParty.all_objects.create(case=case, committee=committee, resident=party.resident, role=party.role)
    data = {"assignee": assignee.display_name} if assignee else {}
    _event(case, Kind.CREATED, actor, at=now, **data)
    return case, True


def _lock(access, case: Case, action: Action, version: int | None) -> Case:
    """The case re-read under a row lock; Conflict when stale, PermissionDenied when not allowed."""
    fresh = Case.all_objects.select_for_update().select_related("committee").get(pk=case.pk)
    if version is not None and fresh.version != version:
        raise Conflict(fresh)
    if not can(access, fresh, action):
        raise PermissionDenied
    return fresh


def _save(case: Case, *fields: str) -> None:
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])


EDITABLE = ("title", "description", "category", "priority", "due_date", "place", "sensitive")


@transaction.atomic
def edit(access, case: Case, version: int | None, **changes) -> Case:
    """Change what the case is about. A stale version is refused (Conflict): nothing is overwritten."""
    case = _lock(access, case, Action.EDIT, version)
    changed = [f for f in EDITABLE if f in changes and getattr(case, f) != changes[f]]
    if "sensitive" in changed:
        access.require(Perm.MANAGE_CASES, case.committee_id)
    if not changed:
        return case
    before = {f: str(getattr(case, f)) for f in changed}
    for field in changed:
        setattr(case, field, changes[field])
    _save(case, *changed)
    _event(case, Kind.NOTE, access.user, edited=changed, before=before)
    return case


@transaction.atomic
def take(access, case: Case, version: int | None = None) -> Case:
    case = _lock(access, case, Action.TAKE, version)
    previous = case.assignee.display_name if case.assignee_id else ""
    case.assignee = access.user
    _save(case, "assignee")
    _event(case, Kind.ASSIGNED, access.user, assignee=access.user.display_name, previous=previous, taken=True)
    return case


@transaction.atomic
def assign(access, case: Case, assignee, version: int | None = None, text: str = "") -> Case:
    case = _lock(access, case, Action.ASSIGN, version)
    _check_assignee(case.committee_id, assignee)
    previous = case.assignee.display_name if case.assignee_id else ""
    case.assignee = assignee
    _save(case, "assignee")
    _event(
        case,
        Kind.ASSIGNED,
        access.user,
        text,
        assignee=assignee.display_name if assignee else "",
        previous=previous,
    )
    return case


TRANSITIONS = frozenset(
    {Action.START, Action.WAIT, Action.RESUME, Action.RESOLVE, Action.WITHDRAW, Action.REOPEN}
)


@transaction.atomic
def transition(access, case: Case, action: Action, version: int | None = None, text: str = "") -> Case:
    """start, wait, resume, resolve (text = resolution), withdraw, reopen (text = reason)."""
    if action not in {
        Action.START,
        Action.WAIT,
        Action.RESUME,
        Action.RESOLVE,
        Action.WITHDRAW,
        Action.REOPEN,
    }:
        raise ValueError(action)
    case = _lock(access, case, action, version)
    if action in {Action.RESOLVE, Action.REOPEN} and not text.strip():
        raise ValidationError(_("Say what was done.") if action == Action.RESOLVE else _("Give a reason."))
    before = case.status
    case.status = TARGET[action]
    fields = ["status"]
    now = timezone.now()
    if action == Action.RESOLVE:
        case.resolution = text
        case.resolved_at = now
        fields += ["resolution", "resolved_at"]
    elif action == Action.WITHDRAW:
        case.closure = Case.Closure.WITHDRAWN
        case.closed_at = now
        fields += ["closure", "closed_at"]
    elif action == Action.REOPEN:
        case.closure = ""
        case.closed_at = None
        case.resolved_at = None
        fields += ["closure", "closed_at", "resolved_at"]
    _save(case, *fields)
    kind = Kind.REOPENED if action == Action.REOPEN else Kind.STATUS
    _event(
        case, kind, access.user, text, at=now, **{"from": before, "to": case.status, "action": str(action)}
    )
    return case


@transaction.atomic
def close(access, case: Case, version: int | None = None, text: str = "") -> Case:
    case = _lock(access, case, Action.CLOSE, version)
    before = case.status
    case.status = Case.Status.CLOSED
    case.closure = Case.Closure.FOLLOWED_UP
    case.closed_at = timezone.now()
    _save(case, "status", "closure", "closed_at")
    _event(case, Kind.STATUS, access.user, text, **{"from": before, "to": case.status, "action": "close"})
    return case


@transaction.atomic
def mark_duplicate(access, case: Case, of: Case, version: int | None = None, text: str = "") -> Case:
    case = _lock(access, case, Action.DUPLICATE, version)
    if of.pk == case.pk or of.committee_id != case.committee_id:
        raise ValidationError(_("Choose another case of the same committee."))
    case.status = Case.Status.CLOSED
    case.closure = Case.Closure.DUPLICATE
    case.duplicate_of = of
    case.closed_at = timezone.now()
    _save(case, "status", "closure", "duplicate_of", "closed_at")
    # Whoever reported the duplicate becomes a reporter of the case that stays open.
    for party in case.parties.all():
        CaseParty.all_objects.get_or_create(
            case=of,
            resident_id=party.resident_id,
            role=party.role,
            defaults={"committee_id": of.committee_id},
        )
    _event(case, Kind.DUPLICATE, access.user, text, of=of.number, of_id=of.pk)
    return case


@transaction.atomic
def add_note(access, case: Case, text: str) -> CaseEvent:
    case = _lock(access, case, Action.NOTE, None)
    if not text.strip():
        raise ValidationError(_("Write something."))
    _save(case)
    return _event(case, Kind.NOTE, access.user, text.strip())


@transaction.atomic
def add_reporters(access, case: Case, residents: list, text: str = "") -> CaseEvent:
    """More residents report a problem already logged: they join the case as reporters (one event)."""
    case = _lock(access, case, Action.NOTE, None)
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
    return _event(case, Kind.NOTE, access.user, text, reporters_added=added)


@transaction.atomic
def refer(
    access,
    case: Case,
    *,
    body: OutsideBody,
    sent_on: datetime.date,
    their_reference: str = "",
    reply_expected_by: datetime.date | None = None,
    text: str = "",
) -> Referral:
    """Send the case to an outside body; an open case not yet waiting starts waiting on it."""
    case = _lock(access, case, Action.REFER, None)
    referral = Referral.all_objects.create(
        case=case,
        committee_id=case.committee_id,
        body=body,
        sent_on=sent_on,
        their_reference=their_reference,
        reply_expected_by=reply_expected_by,
        created_by=access.user,
    )
    before = case.status
    case.status = Case.Status.WAITING
    _save(case, "status")
    _event(
        case,
        Kind.REFERRAL_SENT,
        access.user,
        text,
        referral=referral.pk,
        body=body.name,
        body_en=body.name_en,
        **{"from": before, "to": case.status},
    )
    return referral


@transaction.atomic
def chase(access, referral: Referral, text: str = "") -> CaseEvent:
    case = _lock(access, referral.case, Action.CHASE, None)
    if not referral.is_outstanding:
        raise ValidationError(_("This referral has been answered."))
    _save(case)
    return _event(
        case,
        Kind.CHASE,
        access.user,
        text,
        referral=referral.pk,
        body=referral.body.name,
        body_en=referral.body.name_en,
        days=referral.days_out,
    )


@transaction.atomic
def record_reply(
    access, referral: Referral, *, replied_on: datetime.date, reply: str, outcome: str = ""
) -> Referral:
    case = _lock(access, referral.case, Action.REPLY, None)
    referral.replied_on = replied_on
    referral.reply = reply
    referral.outcome = outcome
    referral.save(update_fields=["replied_on", "reply", "outcome"])
    before = case.status
    fields = []
    # The last outstanding reply in: a case waiting on the body is back in progress.
    if case.status == Case.Status.WAITING and not case.referrals.filter(replied_on__isnull=True).exists():
        case.status = Case.Status.IN_PROGRESS
        fields.append("status")
    _save(case, *fields)
    _event(
        case,
        Kind.REPLY,
        access.user,
        reply,
        referral=referral.pk,
        body=referral.body.name,
        body_en=referral.body.name_en,
        outcome=outcome,
        days=referral.days_out,
        **{"from": before, "to": case.status},
    )
    return referral


@transaction.atomic
def record_follow_up(
    access,
    case: Case,
    *,
    called_on: datetime.date,
    satisfaction: str,
    comment: str = "",
    version: int | None = None,
) -> FollowUp:
    """The call after resolving. "Not satisfied" reopens the case (one event says both)."""
    case = _lock(access, case, Action.FOLLOW_UP, version)
    follow_up = FollowUp.all_objects.create(
        case=case,
        committee_id=case.committee_id,
        called_on=called_on,
        called_by=access.user,
        satisfaction=satisfaction,
        comment=comment,
    )
    case.satisfaction = satisfaction
    fields = ["satisfaction"]
    reopened = satisfaction == Case.Satisfaction.NOT_SATISFIED
    if reopened:
        case.status = Case.Status.IN_PROGRESS
        case.resolved_at = None
        fields += ["status", "resolved_at"]
    _save(case, *fields)
    _event(case, Kind.FOLLOW_UP, access.user, comment, satisfaction=satisfaction, reopened=reopened)
    return follow_up


def _aid_event(case: Case, actor, aid: Aid, text: str) -> CaseEvent:
    data = {"aid": aid.pk, "aid_kind": aid.kind, "amount": str(aid.amount), "status": aid.status}
    return _event(case, Kind.AID, actor, text, **data)


@transaction.atomic
def add_aid(access, case: Case, **fields) -> Aid:
    case = _lock(access, case, Action.AID, None)
    if fields.get("status") in {Aid.Status.APPROVED, Aid.Status.PAID}:
        access.require(Perm.APPROVE_AID, case.committee_id)
    aid = Aid.all_objects.create(case=case, committee_id=case.committee_id, **fields)
    _save(case)
    _aid_event(case, access.user, aid, aid.notes)
    return aid


@transaction.atomic
def update_aid(access, aid: Aid, *, status: str, on: datetime.date, notes: str = "") -> Aid:
    case = _lock(access, aid.case, Action.AID, None)
    if status in {Aid.Status.APPROVED, Aid.Status.PAID, Aid.Status.NOT_ELIGIBLE}:
        access.require(Perm.APPROVE_AID, case.committee_id)
    aid.status = status
    if status == Aid.Status.PAID:
        aid.paid_on = on
        aid.decided_on = aid.decided_on or on
    elif status in {Aid.Status.APPROVED, Aid.Status.NOT_ELIGIBLE}:
        aid.decided_on = on
    if notes:
        aid.notes = f"{aid.notes}\n{notes}".strip()
    aid.save()
    _save(case)
    _aid_event(case, access.user, aid, notes)
    return aid


@transaction.atomic
def add_attachment(access, case: Case, uploaded, stage: str = Attachment.Stage.BEFORE) -> Attachment:
    """Store a checked file under a random name (never the uploaded name) and note it on the timeline."""
    content_type = uploads.sniff(uploaded)
    case = _lock(access, case, Action.ATTACH, None)
    original = (uploaded.name or "file")[-200:]
    uploaded.name = f"upload{uploads.extension(content_type)}"
    attachment = Attachment(
        case=case,
        committee_id=case.committee_id,
        original_name=original,
        content_type=content_type,
        size=uploaded.size,
        stage=stage,
        uploaded_by=access.user,
    )
    attachment.file.save(uploaded.name, uploaded, save=False)
    try:
        attachment.save()
    except IntegrityError:
        attachment.file.delete(save=False)
        raise
    _save(case)
    _event(case, Kind.PHOTO_ADDED, access.user, attachment=attachment.pk, name=original, stage=stage)
    return attachment


@transaction.atomic
def remove_attachment(access, attachment: Attachment) -> None:
    """Delete a file and its record; the timeline keeps that it was there, who removed it and when.
    The stored file goes once the transaction commits (a rollback keeps it with its record)."""
    case = Case.all_objects.select_for_update().get(pk=attachment.case_id)
    attachment = Attachment.all_objects.select_related("case").get(pk=attachment.pk)
    if not may_remove_attachment(access, attachment):
        raise PermissionDenied
    name, stored = attachment.original_name, attachment.file
    attachment.delete()
    transaction.on_commit(lambda: stored.storage.delete(stored.name))
    _save(case)
    _event(case, Kind.PHOTO_REMOVED, access.user, name=name, stage=attachment.stage)
