"""The rules a case's service holds a form's values to, run by the form too, beside its fields' own
checks: every refusal said in one round.

A form's fields were checked first and the service's rules (a due date two years off, a referral
sent tomorrow, a 12345 case with no work order) only once every field passed: at the intake a
179-character title and a due date in 2031 showed the title's error alone, and the due date's came
after the worker fixed the title and saved again, a scroll through the whole form on a phone
(review 3, finding 7). Each rule stays its model's (or here, the service's): the form calls the same
check with the same words, and the service checks again as it saves (the admin and the import go
through it). A field its form refused is not measured again here.
"""

from collections.abc import Callable, Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Aid, Case, FollowUp, Referral

HOTLINE_NEEDS_NUMBER = _("A 12345 case needs its work order number.")


def check_work_order(source: str, number: str) -> None:
    """A case from the 12345 hotline carries its work order's number (its clocks run by it)."""
    if source == Case.Source.HOTLINE and not number:
        raise ValidationError({"work_order_number": HOTLINE_NEEDS_NUMBER})


def _refuse_into(form: forms.BaseForm, check: Callable[[], object]) -> None:
    """Run `check`; its refusal goes onto the form, each field's error on its field."""
    try:
        check()
    except ValidationError as error:
        form.add_error(None, error)


def intake(form: forms.BaseForm, data: Mapping) -> None:
    """A new case (services.create_case): its due date set by hand, a 12345 case's work order, and a
    case that says something of what happened (Case.title_from)."""
    if data.get("due_date"):
        today = timezone.localdate()
        _refuse_into(form, lambda: Case.check_due_date(data["due_date"], logged_on=today, new=True))
    if "source" in data and "work_order_number" in data:
        _refuse_into(form, lambda: check_work_order(data["source"], data["work_order_number"]))
    # Named by a photo alone, the case takes its category's name: not measured without a category.
    if {"title", "description", "photos"} <= data.keys() and (data.get("category") or not data["photos"]):
        title, description, category = data["title"], data["description"], data.get("category")
        photos = bool(data["photos"])
        _refuse_into(form, lambda: Case.title_from(title, description, category, photos=photos))


def edit(form: forms.BaseForm, data: Mapping, case: Case) -> None:
    """A case's edit (services.edit): a due date changed, from the day it was logged."""
    due = data.get("due_date")
    if due and due != case.due_date:
        logged_on = timezone.localdate(case.created_at)
        _refuse_into(form, lambda: Case.check_due_date(due, logged_on=logged_on))


def referral(form: forms.BaseForm, data: Mapping, case: Case | None) -> None:
    """A referral (services.refer): sent from the day the case was logged to today, its reply
    expected within two years of sending."""
    if case is None or "sent_on" not in data:
        return
    today = timezone.localdate()
    _refuse_into(
        form,
        lambda: Referral.check_dates(
            logged_on=timezone.localdate(case.created_at),
            today=today,
            sent_on=data["sent_on"] or today,
            reply_expected_by=data.get("reply_expected_by"),
        ),
    )


def reply(form: forms.BaseForm, data: Mapping, referral: Referral | None) -> None:
    """A referral's reply (services.record_reply): from the day it was sent to today."""
    if referral is None or not data.get("replied_on"):
        return
    _refuse_into(
        form,
        lambda: Referral.check_dates(
            logged_on=timezone.localdate(referral.case.created_at),
            today=timezone.localdate(),
            sent_on=referral.sent_on,
            replied_on=data["replied_on"],
            changed={"replied_on"},
        ),
    )


def chase(form: forms.BaseForm, data: Mapping, referral: Referral | None) -> None:
    """A chase (services.chase): the new date promised, when one is, not in the past."""
    if referral is None or not data.get("promised_by"):
        return
    today = timezone.localdate()
    _refuse_into(
        form, lambda: Referral.check_promised_by(data["promised_by"], sent_on=referral.sent_on, today=today)
    )


def follow_up(form: forms.BaseForm, data: Mapping, case: Case | None) -> None:
    """A follow-up call (services.record_follow_up): from the day the case was resolved to today."""
    if case is None or not data.get("called_on"):
        return
    after = case.resolved_at or case.created_at
    _refuse_into(
        form,
        lambda: FollowUp.check_called_on(
            data["called_on"],
            after=timezone.localdate(after),
            today=timezone.localdate(),
            resolved=case.resolved_at is not None,
        ),
    )


def aid(form: forms.BaseForm, data: Mapping, case: Case | None) -> None:
    """Aid recorded (services.add_aid): applied for from the day the case was logged to today."""
    if case is None or not data.get("applied_on"):
        return
    logged_on, applied_on = timezone.localdate(case.created_at), data["applied_on"]
    today = timezone.localdate()
    _refuse_into(form, lambda: Aid.check_dates(logged_on=logged_on, today=today, applied_on=applied_on))
