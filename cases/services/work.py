"""The work recorded under a case: referrals to outside bodies (sent, chased, replied), the follow-up
call, aid, and photos and files. Each takes the case's row lock (case.py `_lock`) before it writes.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import events, uploads
from cases.models import (
    Aid,
    Attachment,
    Case,
    CaseEvent,
    FollowUp,
    OutsideBody,
    Referral,
)
from cases.models.bodies import ANOTHER_COMMITTEES_BODY
from cases.refusals import refusal_of
from cases.rules import Action, Why, may_remove_attachment
from cases.services.case import REOPEN_FIELDS, _lock, _save
from cases.services.reopening import REOPENED, reopen
from committee.access import Access
from committee.roles import Perm
from common.lengths import NOTE_MAX, limit
from common.masking import keep_hidden_digits, mask_numbers_in_text


def _body_event[P: (events.ReferralSent, events.Chased, events.ReplyReceived)](
    payload: type[P], referral: Referral, **facts
) -> P:
    return payload(referral=referral.pk, body=referral.body.name, body_en=referral.body.name_en, **facts)


@transaction.atomic
def refer(
    *,
    access: Access,
    case: Case,
    body: OutsideBody,
    sent_on: datetime.date | None = None,
    their_reference: str = "",
    reply_expected_by: datetime.date | None = None,
    contact: str = "",
    text: str = "",
    at: datetime.datetime | None = None,
    token: str = "",
) -> Referral:
    """Send the case to an outside body; the case waits on it. Its dates must lie in their ranges
    (Referral.check_dates: sent from the day the case was logged to today, a reply expected from
    that day to two years after it), else a ValidationError on the date's field."""
    case = _lock(access, case.pk, Action.REFER, None, token=token)
    if body.committee_id not in (None, case.committee_id):  # OutsideBody.listed_for
        raise ValidationError({"body": ANOTHER_COMMITTEES_BODY})
    at = at or timezone.now()
    today = timezone.localdate(at)
    sent_on = sent_on or today
    Referral.check_dates(
        logged_on=timezone.localdate(case.created_at),
        today=today,
        sent_on=sent_on,
        reply_expected_by=reply_expected_by,
    )
    referral = Referral.all_objects.create(
        case=case,
        committee_id=case.committee_id,
        body=body,
        sent_on=sent_on,
        their_reference=their_reference,
        reply_expected_by=reply_expected_by,
        contact=contact.strip(),
        created_by=access.user,
    )
    before = case.status
    case.status = Case.Status.WAITING
    _save(case, "status")
    sent = _body_event(events.ReferralSent, referral, before=before, after=case.status)
    events.record(case, sent, actor=access.user, text=text, at=at, token=token)
    return referral


def _lock_referral(
    access: Access, referral: Referral, action: Action, token: str = ""
) -> tuple[Case, Referral]:
    case = _lock(access, referral.case_id, action, None, token=token)
    return case, Referral.all_objects.select_related("body").get(pk=referral.pk)


@transaction.atomic
def chase(
    *,
    access: Access,
    referral: Referral,
    text: str = "",
    promised_by: datetime.date | None = None,
    contact: str = "",
    at: datetime.datetime | None = None,
    token: str = "",
) -> CaseEvent:
    """Chase an outside body that has not replied yet. `promised_by`: the new date they promise a reply
    by (Referral.check_promised_by: not in the past), which becomes the date the reply is expected by:
    the referral is no longer late, and the morning run tells its assignee again once that date passes
    (notifications/reminders.py, the key holds the date). The timeline keeps the date it replaced."""
    case, referral = _lock_referral(access, referral, Action.CHASE, token)
    if not referral.is_outstanding:
        raise ValidationError(_("This referral has been answered."))
    at = at or timezone.now()
    today = timezone.localdate(at)
    promised = {}
    if promised_by is not None:
        Referral.check_promised_by(promised_by, sent_on=referral.sent_on, today=today)
        was = referral.reply_expected_by
        promised = {"promised": promised_by.isoformat(), "was": was.isoformat() if was else ""}
        referral.reply_expected_by = promised_by
        referral.save(update_fields=["reply_expected_by"])
    if contact.strip() and contact.strip() != referral.contact:  # their contact person, given now
        referral.contact = contact.strip()
        referral.save(update_fields=["contact"])
    _save(case)
    days = (today - referral.sent_on).days
    chased = _body_event(events.Chased, referral, days=days, **promised)
    return events.record(case, chased, actor=access.user, text=text, at=at, token=token)


class ReplyCorrected(ValidationError):
    """A correction of a referral's reply drawn over a reply corrected since (by a colleague, from a
    page drawn before): nothing was written. `newer`: that correction's event; `referral`: the
    referral as it is now. The case page draws the form again over it (forms.ReplyForm.saving)."""

    def __init__(self, referral: Referral, newer: CaseEvent) -> None:
        said = _(
            "%(name)s corrected this reply meanwhile: “%(theirs)s”. Your correction is not saved yet, and "
            "what you typed is kept in the form below: check it and save again to replace theirs."
        )
        name = newer.actor.display_name if newer.actor_id else _("A colleague")
        super().__init__(said % {"name": name, "theirs": mask_numbers_in_text(referral.reply)})
        self.referral, self.newer = referral, newer


class ReplyRecorded(ValidationError):
    """A first reply to a referral a colleague answered meanwhile (from a page drawn before): nothing
    was written. `newer`: their reply's event (None: a reply with none, set in the admin before its
    changes were written); `referral`: the referral as it is now. The case page draws the words typed
    again in the correction of their reply (forms.ReplyForm.saving), so that saving again replaces
    theirs on purpose, and says theirs."""

    def __init__(self, referral: Referral, newer: CaseEvent | None) -> None:
        said = _(
            "%(name)s recorded the reply meanwhile: “%(theirs)s”. Yours is not saved yet, and what you "
            "typed is kept in the form below: save it to replace theirs, or write a note to add to it."
        )
        name = newer.actor.display_name if newer is not None and newer.actor_id else _("A colleague")
        super().__init__(said % {"name": name, "theirs": mask_numbers_in_text(referral.reply)})
        self.referral, self.newer = referral, newer


def last_reply(referral: Referral) -> CaseEvent | None:
    """The event of the reply `referral` has now: its first reply's, or its latest correction's."""
    replies = CaseEvent.all_objects.filter(
        case_id=referral.case_id, kind=CaseEvent.Kind.REPLY, data__referral=referral.pk
    )
    return replies.select_related("actor").order_by("-pk").first()


@transaction.atomic
def record_reply(
    *,
    access: Access,
    referral: Referral,
    reply: str,
    replied_on: datetime.date | None = None,
    outcome: str = "",
    contact: str = "",
    correct: bool = False,
    corrects: int | None = None,
    at: datetime.datetime | None = None,
    token: str = "",
) -> Referral:
    """An outside body's reply. When the last outstanding one is in, a waiting case is back in progress.
    `contact`: their contact person, name and number (Referral.contact), given with the reply (or its
    correction), when a committee mostly learns who handles it: it replaces the contact given
    before; empty, that contact stays (as a chase's).

    The reply's day lies from the day the referral was sent to today (else a ValidationError on
    replied_on); the referral's other dates, as stored, are not checked again here.

    A referral answered already (a colleague recorded the reply first, from a page drawn before) is
    refused (ReplyRecorded), saying the colleague's reply, the words typed now drawn again as a
    correction of it: `correct` replaces it on purpose, `corrects` naming the reply it replaces (its
    event, as the form was drawn: last_reply). One drawn over a reply corrected since is refused
    likewise (ReplyCorrected), so that of two people correcting at once the later does not silently
    replace the earlier; so is one that does not say (a page drawn before corrections said), which,
    drawn again, does.

    A correction by who reads the reply masked (reply_shown_masked) keeps the numbers they left as
    its form showed them: their hidden digits are put back (common.masking.keep_hidden_digits), not
    written over with stars. The reply it replaces stays on the timeline, on its own reply event."""
    case, referral = _lock_referral(access, referral, Action.REPLY, token)
    newer = last_reply(referral) if correct else None
    if newer is not None and newer.pk != corrects:
        raise ReplyCorrected(referral, newer)
    if referral.replied_on is not None and not correct:
        # Refused rather than kept beside it: two people recording the same body's answer mostly
        # record the same call, and a referral has one reply (its day and outcome count in the
        # reports). Replacing it lost the first person's words without a word to either. Refused,
        # the first reply stands, and the second person reads it with their own words back in the
        # boxes where they typed them, now the correction of it (quoted inside the refusal, they
        # had to be copied out of it): nothing of either is lost, and what the second adds goes in
        # a note, or replaces it on purpose.
        raise ReplyRecorded(referral, last_reply(referral))
    if correct and reply_shown_masked(access, referral):
        reply, outcome = _with_hidden_digits(referral, reply=reply, outcome=outcome)
    at = at or timezone.now()
    today = timezone.localdate(at)
    replied_on = replied_on or today
    Referral.check_dates(
        logged_on=timezone.localdate(case.created_at),
        today=today,
        sent_on=referral.sent_on,
        replied_on=replied_on,
        changed={"replied_on"},
    )
    referral.replied_on = replied_on
    referral.reply = reply
    referral.outcome = outcome
    if contact.strip():  # their contact person, given now; none given, the one before stays
        referral.contact = contact.strip()
    referral.save(update_fields=["replied_on", "reply", "outcome", "contact"])
    before = case.status
    fields = []
    outstanding = Referral.all_objects.filter(case=case, replied_on__isnull=True)
    if case.status == Case.Status.WAITING and not outstanding.exists():
        case.status = Case.Status.IN_PROGRESS
        fields.append("status")
    _save(case, *fields)
    reply_written(case, referral, before=before, correction=correct, actor=access.user, at=at, token=token)
    return referral


def reply_written(
    case: Case,
    referral: Referral,
    *,
    before: str,
    correction: bool,
    actor,
    at: datetime.datetime | None = None,
    token: str = "",
    in_admin: bool = False,
) -> CaseEvent:
    """The event of `referral`'s reply as it now stands (its day, words and outcome, as saved): its
    reply, or with `correction` the one that replaces the reply before it (更正了…的答复). A
    correction is a second reply event: the timeline keeps the words it replaced on the first.
    `before`: the case's status before the reply (`case`'s now, after it). Written for the case
    page (record_reply) and for an administrator's change of a reply in the admin
    (correction.record_reply_correction, `in_admin`: said as the administrator's, 在管理后台更正：…):
    one event, said the same wherever the reply changed."""
    replied = _body_event(
        events.ReplyReceived,
        referral,
        outcome=referral.outcome,
        days=referral.days_out,
        late=referral.days_late,
        before=before,
        after=case.status,
        correction=correction,
        corrected=in_admin,
    )
    return events.record(case, replied, actor=actor, text=referral.reply, at=at, token=token)


def reply_shown_masked(access: Access, referral: Referral) -> bool:
    """Whether the correction of this referral's reply shows its numbers masked to this reader: to
    all but who may reveal numbers (the secretary), as every page shows them (forms.ReplyForm)."""
    return not access.can(Perm.REVEAL, referral.committee_id)


_REPLY_LIMITS = {"reply": NOTE_MAX, "outcome": Referral._meta.get_field("outcome").max_length}


def _with_hidden_digits(referral: Referral, **typed: str) -> tuple[str, ...]:
    """The reply and outcome typed over their masked form, each number left as shown put back whole
    from the reply and outcome recorded. Put back, a number is a few characters longer than its
    mask (6543 2100 against ****2100): words typed up to the field's limit are refused then, not
    cut."""
    kept = {}
    for name, text in typed.items():
        kept[name] = keep_hidden_digits(text, referral.reply, referral.outcome)
        if len(kept[name]) > _REPLY_LIMITS[name]:
            raise ValidationError(
                {
                    name: _(
                        "With the hidden digits of the numbers left as shown, this is longer than "
                        "%(limit)s characters: shorten it."
                    )
                    % {"limit": _REPLY_LIMITS[name]}
                }
            )
    return tuple(kept.values())


@transaction.atomic
def record_follow_up(
    *,
    access: Access,
    case: Case,
    satisfaction: str,
    called_on: datetime.date | None = None,
    comment: str = "",
    version: int | None = None,
    at: datetime.datetime | None = None,
    token: str = "",
) -> FollowUp:
    """The call after resolving. "Not satisfied" reopens the case (one event says both). The call's
    day lies from the day the case was resolved to today (FollowUp.check_called_on), else a
    ValidationError on called_on."""
    case = _lock(access, case.pk, Action.FOLLOW_UP, version, *REOPEN_FIELDS, token=token)
    at = at or timezone.now()
    today = timezone.localdate(at)
    called_on = called_on or today
    # A case waiting for its call is resolved; one without a resolution's time (an administrator's
    # correction) is measured from the day it was logged.
    after = case.resolved_at or case.created_at
    FollowUp.check_called_on(
        called_on, after=timezone.localdate(after), today=today, resolved=case.resolved_at is not None
    )
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
    # The case's latest call, which the dashboards' satisfaction counts: this one, unless a later
    # day was recorded already (a call typed late, for a day before the latest).
    if case.last_called_on is None or called_on >= case.last_called_on:
        case.last_called_on, case.last_call_result = called_on, satisfaction
        fields += ["last_called_on", "last_call_result"]
    reopened = satisfaction == Case.Satisfaction.NOT_SATISFIED
    due = None
    if reopened:
        case.status = Case.Status.IN_PROGRESS
        # The answer stays the last call's (last_call_result); the next resolution gets its own call.
        due = reopen(case, today)  # worked again: due again, counted from today
        fields += ["status", *REOPENED, *(Case.DUE_COUNTED if due is not None else ())]
    _save(case, *fields)
    called = events.FollowedUp(satisfaction=satisfaction, reopened=reopened, due=str(due or ""))
    events.record(case, called, actor=access.user, text=comment, at=at, token=token)
    return follow_up


def keep_last_call(*, case: Case) -> None:
    """The case's latest call (last_called_on, last_call_result: what the dashboards' satisfaction
    counts) read again from its calls, after the admin corrected or added one; record_follow_up
    keeps it as it records. A save of the case (its kept counts follow) only when it moved."""
    latest = (
        FollowUp.all_objects.filter(case_id=case.pk)
        .order_by("-called_on", "-pk")
        .values_list("called_on", "satisfaction")
        .first()
    )
    day, answer = latest or (None, "")
    if (case.last_called_on, case.last_call_result) != (day, answer):
        case.last_called_on, case.last_call_result = day, answer
        _save(case, "last_called_on", "last_call_result")


def _aid_event(aid: Aid) -> events.AidRecorded:
    amount = f"{Decimal(aid.amount):.2f}"  # as the aid record shows it, whatever was typed
    return events.AidRecorded(aid=aid.pk, aid_kind=aid.kind, amount=amount, status=aid.status)


# Deciding on aid (approving, paying, refusing) is the secretary's (Perm.APPROVE_AID).
DECISIONS = frozenset({Aid.Status.APPROVED, Aid.Status.PAID, Aid.Status.NOT_ELIGIBLE})


@transaction.atomic
def add_aid(
    *,
    access: Access,
    case: Case,
    kind: str,
    amount: Decimal | int = 0,
    status: str = Aid.Status.APPLIED,
    donors: str = "",
    applied_on: datetime.date | None = None,
    notes: str = "",
    at: datetime.datetime | None = None,
    token: str = "",
) -> Aid:
    """Record aid on a case: applied for, or (the secretary) already decided. The day applied for
    lies from the day the case was logged to today (Aid.check_dates), else a ValidationError on
    applied_on."""
    case = _lock(access, case.pk, Action.AID, None, token=token)
    if status in DECISIONS:
        access.require(Perm.APPROVE_AID, case.committee_id)
    at = at or timezone.now()
    today = timezone.localdate(at)
    applied_on = applied_on or today
    Aid.check_dates(logged_on=timezone.localdate(case.created_at), today=today, applied_on=applied_on)
    aid = Aid.all_objects.create(
        case=case,
        committee_id=case.committee_id,
        kind=kind,
        amount=amount,
        status=status,
        donors=donors,
        applied_on=applied_on,
        notes=notes,
    )
    _save(case)
    events.record(case, _aid_event(aid), actor=access.user, text=notes, at=at, token=token)
    return aid


def _check_notes_length(combined: str, typed: str) -> None:
    """Each update's note is added to the aid's notes, which have a limit (Aid.notes: NOTE_MAX): past
    it, the admin refused to save that aid again. Refused here with the length, as every limit is
    said, and with the note typed said back (the update's form is not drawn again): nothing is saved."""
    try:
        limit(NOTE_MAX)(combined)
    except ValidationError as error:
        said = _(
            "Nothing was saved: with this note the aid's notes would be too long. %(reason)s "
            "Your note: “%(note)s”."
        )
        raise ValidationError(
            {"notes": [said % {"reason": reason, "note": typed} for reason in error.messages]}
        ) from None


@transaction.atomic
def update_aid(
    *,
    access: Access,
    aid: Aid,
    status: str,
    on: datetime.date | None = None,
    notes: str = "",
    at: datetime.datetime | None = None,
    token: str = "",
) -> Aid:
    """The secretary's decision on aid (approved, paid, not eligible), or back to applied. The day
    `on` lies from the day the aid was applied for to today (Aid.check_dates), else a
    ValidationError on `on`; the aid's other dates, as stored, are not checked again here."""
    case = _lock(access, aid.case_id, Action.AID, None, token=token)
    if status in DECISIONS:
        access.require(Perm.APPROVE_AID, case.committee_id)
    at = at or timezone.now()
    today = timezone.localdate(at)
    on = on or today
    aid = Aid.all_objects.get(pk=aid.pk)
    aid.status = status
    changed = set()
    if status == Aid.Status.PAID:
        changed = {"paid_on"}  # a decision of the same day, when none was recorded: the same range
        aid.paid_on = on
        aid.decided_on = aid.decided_on or on
    elif status in {Aid.Status.APPROVED, Aid.Status.NOT_ELIGIBLE}:
        changed = {"decided_on"}
        aid.decided_on = on
    try:
        Aid.check_dates(
            logged_on=timezone.localdate(case.created_at),
            today=today,
            applied_on=aid.applied_on,
            decided_on=aid.decided_on,
            paid_on=aid.paid_on,
            changed=changed,
        )
    except ValidationError as error:
        raise ValidationError({"on": error.messages}) from None  # the day as the service was given it
    if notes:
        aid.notes = f"{aid.notes}\n{notes}".strip()
        _check_notes_length(aid.notes, notes)
    aid.save()
    _save(case)
    events.record(case, _aid_event(aid), actor=access.user, text=notes, at=at, token=token)
    return aid


@transaction.atomic
def add_attachment(
    *,
    access: Access,
    case: Case,
    uploaded: UploadedFile,
    stage: str = Attachment.Stage.BEFORE,
    at: datetime.datetime | None = None,
) -> Attachment:
    """Store a checked file under a random name (never the uploaded name) and note it on the timeline."""
    content_type = uploads.sniff(uploaded)
    case = _lock(access, case.pk, Action.ATTACH, None)
    at = at or timezone.now()
    original = (uploaded.name or "file")[-200:]
    uploaded.name = f"upload{uploads.extension(content_type)}"
    stored, display = uploaded, None
    if content_type.startswith("image/"):
        # Kept without the EXIF a phone writes (the GPS position of the resident's home), and shown
        # on pages as a phone-sized copy: nobody's phone decodes the full photo to open a case.
        stored = uploads.without_metadata(uploaded, content_type)
        display = uploads.display_copy(uploaded)
    attachment = Attachment(
        case=case,
        committee_id=case.committee_id,
        original_name=original,
        content_type=content_type,
        size=stored.size,
        stage=stage,
        uploaded_by=access.user,
        uploaded_at=at,
    )
    attachment.file.save(uploaded.name, stored, save=False)
    if display is not None:
        attachment.display.save("display.jpg", display, save=False)
    try:
        attachment.save()
    except IntegrityError:
        attachment.file.delete(save=False)
        if display is not None:
            attachment.display.delete(save=False)
        raise
    _save(case)
    added = events.FileAdded(attachment=attachment.pk, name=original, stage=stage)
    events.record(case, added, actor=access.user, at=at)
    return attachment


NOT_YOURS_TO_REMOVE_NOW = _(
    "You added this file, but you no longer work on this committee's cases: only the secretary can "
    "remove it now."
)


@transaction.atomic
def remove_attachment(*, access: Access, attachment: Attachment, at: datetime.datetime | None = None) -> None:
    """Delete a file and its record; the timeline keeps that it was there, who removed it and when.
    The stored file goes once the transaction commits (a rollback keeps it with its record).
    Raises Attachment.DoesNotExist when it is already gone (a second tap, another tab), and a
    ValidationError when whoever added it may no longer remove it (rules.may_remove_attachment)."""
    case = Case.all_objects.select_for_update().get(pk=attachment.case_id)
    attachment = Attachment.all_objects.select_related("case").get(pk=attachment.pk)
    if not may_remove_attachment(access, attachment):
        if attachment.uploaded_by_id == access.user.pk:
            # Theirs, offered by a page drawn while they still worked the committee's cases (a role
            # changed since): told why in words by the file, as a status changed meanwhile is, not a
            # bare 403 page. Anyone else was never offered it.
            raise ValidationError(NOT_YOURS_TO_REMOVE_NOW)
        raise PermissionDenied(refusal_of(case, None, Why.FILE))  # the 403 page says it (cases/refusals.py)
    name, stage = attachment.original_name, attachment.stage
    stored = [f for f in (attachment.file, attachment.display) if f]
    attachment.delete()
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in stored])
    _save(case)
    events.record(case, events.FileRemoved(name=name, stage=stage), actor=access.user, at=at)
