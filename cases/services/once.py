"""A form's one-time token: the same form posted twice (a double tap on a slow line, Back and save
again, a browser retrying a post) is saved once.

Each form of the case page carries a token of its own, drawn fresh with the page
(cases_tags.form_token); the event its submit writes keeps it (CaseEvent.form_token). A service
given the token looks for that event, among the case's events written by the same user, under the
case's row lock (services/case.py `_lock`): a second submit waits for the first to commit and finds
its event, before its version is compared (the first submit moved it) or anything is written. A new
case has its own token on the case (Case.intake_token: services.create_case).
"""

import datetime

from django.utils import timezone

from cases.models import CaseEvent
from committee.access import Access

TOKEN_LENGTH = 40  # CaseEvent.form_token's max_length
# How long after a note the same user's note of exactly the same words on the same case is taken for
# that note posted again: Back to the page and the form sent again is a matter of seconds to minutes.
SAME_NOTE_WITHIN = datetime.timedelta(minutes=5)


class Repeated(Exception):
    """The very form was submitted before: nothing was written again. `event`: what the first wrote."""

    def __init__(self, event: CaseEvent) -> None:
        super().__init__(f"form already saved as event {event.pk}")
        self.event = event


def refuse_repeat(access: Access, case_id: int, token: str) -> None:
    """Raise Repeated when this user's submit of the form with this token already wrote its event on
    the case. The caller holds the case's row lock."""
    if not token:
        return
    done = CaseEvent.all_objects.filter(
        case_id=case_id, form_token=token[:TOKEN_LENGTH], actor_id=access.user.pk
    )
    event = done.first()
    if event is not None:
        raise Repeated(event)


def refuse_repeated_join(
    access: Access, case_id: int, token: str, *, text: str, resident_ids: list[int]
) -> None:
    """Raise Repeated when this submit of an intake form joins to the case what its earlier submit
    joined (services.add_reporters): the same words, and no resident who is not a reporter yet. The
    intake form keeps its token for its history entry (static/js/intake.js): Back to a form that
    joined a case, a new report typed into it is a new join, not the same form posted again."""
    from cases.models import CaseParty

    if not token:
        return
    done = CaseEvent.all_objects.filter(
        case_id=case_id, form_token=token[:TOKEN_LENGTH], actor_id=access.user.pk, text=text
    ).first()
    reporters = CaseParty.all_objects.filter(
        case_id=case_id, role=CaseParty.Role.REPORTER, resident_id__in=resident_ids
    )
    if done is not None and reporters.count() == len(set(resident_ids)):
        raise Repeated(done)


def refuse_repeated_note(access: Access, case_id: int, text: str, *, at: datetime.datetime | None) -> None:
    """Raise Repeated when this user noted exactly these words on the case a few minutes before `at`.
    Without JavaScript, Back after a note fetches the case page again (it is sent no-cache), with a
    fresh token in the note's form, which the browser fills again with the words sent: posted again,
    the token is new and refuse_repeat cannot tell. The same words from the same person within
    minutes are that note again; other words, someone else's, or later, a note of its own. The
    caller holds the case's row lock (a double tap's second post waits for the first's note)."""
    at = at or timezone.now()
    done = CaseEvent.all_objects.filter(
        case_id=case_id,
        kind=CaseEvent.Kind.NOTE,
        actor_id=access.user.pk,
        text=text,
        at__gte=at - SAME_NOTE_WITHIN,
        at__lte=at,
    )
    event = done.order_by("-at").first()
    if event is not None:
        raise Repeated(event)
