"""An administrator's correction of a case in the admin, written on its timeline as the app's own
changes are (cases/admin.py CaseAdmin.save_model saves the row, then calls record_correction; its
referral rows saved, CaseAdmin.save_formset calls record_reply_correction)."""

import datetime

from django.db import transaction

from cases import events
from cases.models import Case, CaseEvent, Referral
from cases.services.case import EDITABLE, fold_into, lock_both, refuse_a_duplicate
from cases.services.reopening import reopened
from cases.services.work import _body_event, reply_written
from committee.models import User


@transaction.atomic
def record_correction(
    *,
    case: Case,
    stored: Case,
    by: User,
    due: datetime.date | None = None,
    reason: str = "",
    at: datetime.datetime | None = None,
) -> list[CaseEvent]:
    """An administrator's correction of a case in the admin, on its timeline as the app's own changes
    are: what the case is about (the EDITABLE fields: events.Edited), its assignee (events.Assigned:
    the new assignee is told, and the one it was taken from) and its status (events.StatusChanged;
    a case closed as a duplicate, events.MarkedDuplicate, as the case page's closing; a case reopened,
    events.Reopened with `due`, the date its reopening counted again, as the
    secretary's reopening says it, with `reason`, why, as its text, as the secretary's reopening
    keeps its reason, and told as it is), each marked as corrected in the admin. `stored`: the case
    as it was before, `case` as saved.

    The admin saves the row itself and does not go through edit, assign or transition: those hold
    staff to the case's life (who may, from which status, with a resolution or a reason), and a
    correction is made where the record is wrong outside that life (a closed case credited to the
    wrong worker). What a move writes is the app's all the same: the admin's form sets the times
    of each move, and a case reopened there is reopened by the app's rule (services.reopen). The
    admin's form checks what the app would refuse (an assignee who does not work cases in the
    committee, a date out of range); this writes the same events, so the timeline and the people
    concerned learn of it. Who may correct is the admin's to decide (a superuser, its change
    permission), not the case's rules."""
    # Closed here as a duplicate (or its case corrected): said as the case page's closing says it
    # (events.MarkedDuplicate, not a status moved), and the case kept gains its people and says so,
    # as when the secretary closes it on the case page (services.mark_duplicate), telling its assignee.
    duplicate = case.closure == Case.Closure.DUPLICATE and case.duplicate_of_id
    folded = duplicate and (stored.closure != case.closure or stored.duplicate_of_id != case.duplicate_of_id)
    if folded:
        # Both rows, in id order (the admin's form locked them so before its checks: CaseAdmin.get_form),
        # so that the case kept is read as it is, not closed meanwhile into this one.
        lock_both(case.pk, case.duplicate_of_id)
        kept = Case.all_objects.get(pk=case.duplicate_of_id)
        refuse_a_duplicate(case, kept)
    recorded = []
    edited = [f for f in EDITABLE if getattr(stored, f) != getattr(case, f)]
    if due is not None:
        edited.remove("due_date")  # counted again by the reopening: said with it, not as an edit
    if edited:
        payload = events.Edited.of(edited, stored, case, corrected=True)
        recorded.append(events.record(case, payload, actor=by, at=at))
    if stored.assignee_id != case.assignee_id:
        payload = events.Assigned(
            assignee=case.assignee.display_name if case.assignee_id else "",
            previous=stored.assignee.display_name if stored.assignee_id else "",
            corrected=True,
        )
        recorded.append(events.record(case, payload, actor=by, at=at))
    if folded:
        marked = events.MarkedDuplicate(of=kept.number, of_id=kept.pk, corrected=True)
        recorded.append(events.record(case, marked, actor=by, at=at))
        recorded.append(fold_into(case, kept, actor=by, at=at, corrected=True))
    elif stored.status != case.status:
        text = ""
        if reopened(stored.status, case.status):
            payload = events.Reopened(
                before=stored.status, after=case.status, due=str(due or ""), corrected=True
            )
            text = reason
        else:
            payload = events.StatusChanged(before=stored.status, after=case.status, corrected=True)
        recorded.append(events.record(case, payload, actor=by, text=text, at=at))
    return recorded


@transaction.atomic
def record_reply_correction(
    *, referral: Referral, answered: bool, by: User, at: datetime.datetime | None = None
) -> CaseEvent:
    """An administrator's change of a referral's reply in the admin (its day, words or outcome, as
    the admin's referral row saved them), on the case's timeline as the case page's reply writes it
    (services.reply_written), marked as the administrator's (在管理后台更正：, as the admin's reopening):
    `answered`, the referral had a reply, now corrected (在管理后台更正：…的答复。, the words it
    replaced kept on the event before); else its reply, recorded late.

    The app's reply service is not called: it holds staff to the case's life (the assignee or the
    secretary, an open or resolved case), and the administrator corrects outside it, in a closed
    case too. For the same reason a reply recorded here moves no status (the app puts a waiting
    case whose last reply is in back in progress): the status is corrected in the same form."""
    case = Case.all_objects.get(pk=referral.case_id)
    referral = Referral.all_objects.select_related("body").get(pk=referral.pk)
    return reply_written(
        case, referral, before=case.status, correction=answered, actor=by, at=at, in_admin=True
    )


@transaction.atomic
def record_referral_added(
    *, referral: Referral, by: User, at: datetime.datetime | None = None
) -> list[CaseEvent]:
    """A referral an administrator adds in the admin's referral rows (one the staff sent but never
    recorded), on the case's timeline as the case page's referral writes it, marked as the
    administrator's (在管理后台更正：转办物业公司。), and its reply when the row already holds one (its
    day): the register and the timeline tell the same.

    Like record_reply_correction, the app's service is not called: it holds staff to the case's life
    and puts the case waiting, where the administrator records outside it and corrects the status
    in the same form (so the event's status is the case's as saved, before and after)."""
    case = Case.all_objects.get(pk=referral.case_id)
    referral = Referral.all_objects.select_related("body").get(pk=referral.pk)
    sent = _body_event(events.ReferralSent, referral, before=case.status, after=case.status, corrected=True)
    written = [events.record(case, sent, actor=by, at=at)]
    if referral.replied_on is not None:
        reply = reply_written(
            case, referral, before=case.status, correction=False, actor=by, at=at, in_admin=True
        )
        written.append(reply)
    return written
