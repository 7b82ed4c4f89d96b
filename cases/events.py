"""The case timeline: what each kind of event records, and the sentence it reads as.

Each event kind (CaseEvent.Kind) has one payload class: the facts the event records, stored in
CaseEvent.data under the keys its fields name (the keys rows already in the database have), and the
sentence the timeline shows for it, in the active language. The case's own kinds are here, a
referral's in referral_events.py, their base (Payload, _say) in event_base.py. Services write events
only through `record`; the case page, the printed sheet and anything else that shows an event read
it through `sentence`.

A payload is read back leniently (`payload`): a key an older row lacks takes the field's default, a
key nobody reads any more is ignored, so that every row ever written keeps rendering.
"""

import dataclasses
import datetime
from collections.abc import Container, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from html import unescape
from typing import Any, ClassVar

from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cases.event_base import Kind, Payload, _Correctable, _say
from cases.in_admin import in_admin
from cases.models import Aid, Case, CaseEvent, label_in_language
from cases.party_events import PartyAdded, PartyRemoved
from cases.referral_events import Chased, ReferralSent, ReplyReceived
from common.choices import choice_in_sentence


@dataclass(frozen=True)
class Created(Payload):
    kind = Kind.CREATED
    KEYS = {"after": "to"}
    assignee: str = ""  # the assignee's name at the time, when the case was assigned as it was logged
    # The status it was logged in when not `new`: a case logged with an assignee is in progress at
    # once (rules.status_when_assigned). Rows from before that rule have none: they were new.
    after: str = ""

    def to_data(self) -> dict[str, Any]:
        data = {"assignee": self.assignee} if self.assignee else {}
        if self.after and self.after != Case.Status.NEW:
            data["to"] = self.after
        return data

    def sentence(self, files: Container[int]) -> SafeString:
        if self.assignee:
            return _say(_("Logged the case. Assigned to %(name)s."), name=self.assignee)
        return _say(_("Logged the case."))


@dataclass(frozen=True)
class Note(Payload):
    """A note: its words are the event's text, shown under the (empty) sentence."""

    kind = Kind.NOTE

    def sentence(self, files: Container[int]) -> SafeString:
        return _say("")


@dataclass(frozen=True)
class Edited(_Correctable, Payload):
    """What the case is about, changed (services.edit, or corrected in the admin). The values are kept
    as text; a category also by its English name, so that each reader sees it in their language.
    Rows from before the values it set were kept (no `after`) name the fields changed only."""

    kind = Kind.EDITED
    edited: tuple[str, ...] = ()  # the fields changed
    before: Mapping[str, str] = dataclasses.field(default_factory=dict)  # their earlier values, as text
    after: Mapping[str, str] = dataclasses.field(default_factory=dict)  # the values set, as text
    # The English names of values that have one (a category), under the field's name.
    before_en: Mapping[str, str] = dataclasses.field(default_factory=dict)
    after_en: Mapping[str, str] = dataclasses.field(default_factory=dict)
    corrected: bool = False  # by an administrator, in the admin
    OPTIONAL = frozenset({"corrected", "after", "before_en", "after_en"})

    # Too long to quote on the timeline: named only.
    NAMED_ONLY: ClassVar[frozenset[str]] = frozenset({"description"})

    @classmethod
    def of(cls, fields: Iterable[str], before: Case, after: Case, *, corrected: bool = False) -> "Edited":
        """The event for `fields` changed from the case `before` to the case `after`."""
        fields = tuple(fields)
        before_text, before_en = _edited_values(before, fields)
        after_text, after_en = _edited_values(after, fields)
        return cls(
            edited=fields,
            before=before_text,
            after=after_text,
            before_en=before_en,
            after_en=after_en,
            corrected=corrected,
        )

    def sentence(self, files: Container[int]) -> SafeString:
        changes = [self._change(field) for field in self.edited]
        if not changes:
            if self.corrected:
                return _say(_("Corrected the case in the admin."))
            return _say(_("Edited the case."))
        listed = mark_safe(pgettext("between items of a list", ", ").join(changes))  # noqa: S308
        if self.corrected:
            return _say(_("Corrected the case in the admin: %(changes)s."), changes=listed)
        return _say(_("Edited the case: %(changes)s."), changes=listed)

    def _change(self, field: str) -> SafeString:
        try:
            name = str(Case._meta.get_field(field).verbose_name)
        except FieldDoesNotExist:  # a field no longer on the case
            name = field
        if field in self.NAMED_ONLY or field not in self.after:
            return _say("%(name)s", name=name)
        return _say(
            _("%(field)s %(before)s → %(after)s"),
            field=name,
            before=self._value(field, self.before, self.before_en),
            after=self._value(field, self.after, self.after_en),
        )

    @staticmethod
    def _value(field: str, values: Mapping[str, str], english: Mapping[str, str]) -> str:
        value = values.get(field, "")
        if field == "priority":
            return choice_in_sentence(Case.Priority, value)
        if field == "sensitive":
            return _("yes") if value == "True" else _("no")
        if field in english:
            return label_in_language(value, english[field])
        return value or "—"


def _edited_values(case: Case, fields: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The values of a case's fields as Edited keeps them: as text, and the English names of those
    that have one (a category)."""
    text, english = {}, {}
    for field in fields:
        value = getattr(case, field)
        if field == "category":
            text[field], english[field] = value.name, value.name_en
        else:
            text[field] = "" if value is None else str(value)
    return text, english


@dataclass(frozen=True)
class ReportersAdded(Payload):
    kind = Kind.REPORTERS_ADDED
    reporters_added: tuple[str, ...] = ()  # the names of the residents who joined as reporters

    def sentence(self, files: Container[int]) -> SafeString:
        if not self.reporters_added:
            # Joined by nobody new (none picked, or already reporters): another report all the same,
            # what the worker typed of it below.
            return _say(_("Another report of the same problem."))
        return _say(_("More reporters: %(names)s."), names="、".join(self.reporters_added))


@dataclass(frozen=True)
class Assigned(_Correctable, Payload):
    """Taken, assigned, reassigned or unassigned. A new case that gets an assignee is in progress
    from then on (rules.status_when_assigned): the same event says so (`before` → `after`), as a
    follow-up call that reopens says both; rows from before that rule, and every assignment that
    leaves the status as it was, have no status change. An administrator's correction in the admin
    is an assignment too, saying so (`corrected`)."""

    kind = Kind.ASSIGNED
    KEYS = {"before": "from", "after": "to"}
    assignee: str = ""  # the new assignee's name; empty: nobody
    previous: str = ""
    taken: bool = False  # the assignee took the case themselves
    before: str = ""  # the case's status before, when the assignment changed it (a Case.Status)
    after: str = ""
    corrected: bool = False  # by an administrator, in the admin
    # Unassigned because the assignee no longer works cases here (services/departure.py hand_back).
    left: bool = False
    OPTIONAL = frozenset({"corrected", "left"})

    def to_data(self) -> dict[str, Any]:
        data = super().to_data()
        if self.before == self.after:  # the status did not move: nothing to say about it
            data.pop("from", None)
            data.pop("to", None)
        return data

    def sentence(self, files: Container[int]) -> SafeString:
        if self.corrected:
            if self.assignee:
                return _say(_("Corrected in the admin: assigned to %(name)s."), name=self.assignee)
            if self.left:
                return _say(
                    _("Unassigned in the admin: %(name)s no longer works cases here. To be assigned again."),
                    name=self.previous,
                )
            return _say(_("Corrected in the admin: unassigned."))
        if self.after and self.before != self.after:
            status = choice_in_sentence(Case.Status, self.after)
            if self.taken:
                return _say(_("Took the case; now %(status)s."), status=status)
            if self.assignee:
                return _say(_("Assigned to %(name)s; now %(status)s."), name=self.assignee, status=status)
        if self.taken:
            return _say(_("Took the case."))
        if self.assignee:
            return _say(_("Assigned to %(name)s."), name=self.assignee)
        return _say(_("Unassigned."))


@dataclass(frozen=True)
class StatusChanged(_Correctable, Payload):
    kind = Kind.STATUS
    KEYS = {"before": "from", "after": "to"}
    before: str = ""  # a Case.Status
    after: str = ""
    action: str = ""  # the rules.Action that moved it (start, wait, resume, resolve, close, withdraw)
    corrected: bool = False  # by an administrator, in the admin (no action)

    def sentence(self, files: Container[int]) -> SafeString:
        if self.corrected:
            return _say(
                _("Corrected in the admin: status %(a)s → %(b)s."),
                a=choice_in_sentence(Case.Status, self.before),
                b=choice_in_sentence(Case.Status, self.after),
            )
        if self.action == "close":
            return _say(_("Closed after the follow-up."))
        if self.action == "withdraw":
            return _say(_("Closed: withdrawn."))
        if self.action == "resolve":
            return _say(_("Resolved."))
        return _say(
            _("Status: %(a)s → %(b)s."),
            a=choice_in_sentence(Case.Status, self.before),
            b=choice_in_sentence(Case.Status, self.after),
        )


@dataclass(frozen=True)
class Reopened(_Correctable, Payload):
    kind = Kind.REOPENED
    KEYS = {"before": "from", "after": "to"}
    before: str = ""
    after: str = ""
    action: str = "reopen"
    due: str = ""  # the due date counted again from the reopening day (ISO); empty: it stayed
    corrected: bool = False  # by an administrator correcting its status in the admin (the reason: its text)
    OPTIONAL = frozenset({"corrected", "due"})

    def sentence(self, files: Container[int]) -> SafeString:
        if self.corrected:
            if self.due:
                return _say(_("Corrected in the admin: reopened; now due %(day)s."), day=self.due)
            return _say(_("Corrected in the admin: reopened."))
        return _reopened(self.due)


def _reopened(due: str) -> SafeString:
    """Reopened, with the new due date when reopening counted one (Case.count_due_again)."""
    if due:
        return _say(_("Reopened; now due %(day)s."), day=due)
    return _say(_("Reopened."))


@dataclass(frozen=True)
class ReopenRequested(Payload):
    """A worker asks the secretary to reopen a resolved or closed case: the reason is the event's
    text, shown under the sentence (and on the case page while the request waits)."""

    kind = Kind.REOPEN_REQUESTED
    status: str = ""  # the case's status when asked (a Case.Status)

    def sentence(self, files: Container[int]) -> SafeString:
        return _say(_("Asked the secretary to reopen the case."))


@dataclass(frozen=True)
class ReopenDeclined(Payload):
    """The secretary clears a reopen request without reopening: the reason is the event's text."""

    kind = Kind.REOPEN_DECLINED
    asked_by: str = ""  # the name of who asked, at the time
    asked_by_id: int | None = None  # who asked: they are told

    def sentence(self, files: Container[int]) -> SafeString:
        if self.asked_by:
            return _say(_("Declined %(name)s's request to reopen."), name=self.asked_by)
        return _say(_("Declined the request to reopen."))


@dataclass(frozen=True)
class FollowedUp(Payload):
    kind = Kind.FOLLOW_UP
    satisfaction: str = ""  # a Case.Satisfaction
    reopened: bool = False  # "not satisfied" reopened the case
    due: str = ""  # the due date counted again as it reopened (ISO); empty: none, or it stayed
    OPTIONAL = frozenset({"due"})

    def sentence(self, files: Container[int]) -> SafeString:
        said = _say(_("Follow-up call: %(s)s."), s=choice_in_sentence(Case.Satisfaction, self.satisfaction))
        return format_html("{} <strong>{}</strong>", said, _reopened(self.due)) if self.reopened else said


@dataclass(frozen=True)
class FileAdded(Payload):
    kind = Kind.PHOTO_ADDED
    attachment: int | None = None
    name: str = ""  # the name the file was uploaded under
    stage: str = ""  # an Attachment.Stage

    def sentence(self, files: Container[int]) -> SafeString:
        if not self.name:
            return _say(_("Added a file."))
        if self.attachment in files:  # linked while the file is still there
            href = reverse("cases:attachment", args=[self.attachment])
            return _say(_('Added the file <a href="%(href)s">%(name)s</a>.'), href=href, name=self.name)
        return _say(_("Added the file %(name)s."), name=self.name)


@dataclass(frozen=True)
class FileRemoved(Payload):
    kind = Kind.PHOTO_REMOVED
    name: str = ""
    stage: str = ""

    def sentence(self, files: Container[int]) -> SafeString:
        return _say(_("Removed the file %(name)s."), name=self.name)


@dataclass(frozen=True)
class AidRecorded(Payload):
    kind = Kind.AID
    aid: int | None = None
    aid_kind: str = ""  # an Aid.Kind
    amount: str = "0"  # yuan, as written (a Decimal kept exact)
    status: str = ""  # an Aid.Status, after this event

    def sentence(self, files: Container[int]) -> SafeString:
        return _say(
            _("Aid: %(kind)s ¥%(amount)s, %(status)s."),
            kind=choice_in_sentence(Aid.Kind, self.aid_kind),
            amount=self.amount,
            status=choice_in_sentence(Aid.Status, self.status),
        )


@dataclass(frozen=True)
class MarkedDuplicate(_Correctable, Payload):
    """Closed as a duplicate (services.mark_duplicate), or so corrected in the admin (`corrected`)."""

    kind = Kind.DUPLICATE
    of: str = ""  # the number of the case that stays open
    of_id: int | None = None
    corrected: bool = False  # by an administrator, in the admin (services.record_correction)

    def sentence(self, files: Container[int]) -> SafeString:
        message = _("Closed as a duplicate of %(number)s.")
        return _say(in_admin(message) if self.corrected else message, number=self.of)


@dataclass(frozen=True)
class DuplicateJoined(_Correctable, Payload):
    """On the case kept: another case was closed as its duplicate (MarkedDuplicate on that one), and
    the people of that case not already here joined this one."""

    kind = Kind.DUPLICATE_JOINED
    duplicate: str = ""  # the number of the case closed as a duplicate of this one
    duplicate_id: int | None = None
    joined: tuple[str, ...] = ()  # the names of the residents who joined this case from it
    corrected: bool = False  # closed so by an administrator, in the admin (services.record_correction)

    def sentence(self, files: Container[int]) -> SafeString:
        if self.joined:
            message = _(
                "%(number)s was closed as a duplicate of this case; %(names)s joined this case from it."
            )
        else:
            message = _("%(number)s was closed as a duplicate of this case.")
        message = in_admin(message) if self.corrected else message
        return _say(message, number=self.duplicate, names="、".join(self.joined))


@dataclass(frozen=True)
class DueRecounted(Payload):
    """Nobody's action: a year's holidays were entered (or corrected) after the due date was counted
    over that year, and the date was counted again (cases/due_dates.py)."""

    kind = Kind.DUE_RECOUNTED
    before: str = ""  # the due dates, ISO
    after: str = ""
    years: tuple[int, ...] = ()  # the years whose holidays changed

    def sentence(self, files: Container[int]) -> SafeString:
        return _say(
            _("Due date counted again on the holidays of %(years)s: %(before)s → %(after)s."),
            years="、".join(str(year) for year in self.years),
            before=self.before,
            after=self.after,
        )


PAYLOADS: dict[str, type[Payload]] = {
    cls.kind: cls
    for cls in (
        Created,
        Note,
        Edited,
        ReportersAdded,
        Assigned,
        StatusChanged,
        Reopened,
        ReopenRequested,
        ReopenDeclined,
        ReferralSent,
        Chased,
        ReplyReceived,
        FollowedUp,
        FileAdded,
        FileRemoved,
        AidRecorded,
        MarkedDuplicate,
        DuplicateJoined,
        DueRecounted,
        PartyAdded,
        PartyRemoved,
    )
}


_writing_history: ContextVar[bool] = ContextVar("writing_history", default=False)


@contextmanager
def history() -> Iterator[None]:
    """Events recorded inside are history (the demo's past, written through the services with a
    clock): they tell nobody. Outside, every event tells the people it concerns, whatever its `at`
    (the services pass the time they wrote on the case)."""
    token = _writing_history.set(True)
    try:
        yield
    finally:
        _writing_history.reset(token)


def record(
    case: Case,
    payload: Payload,
    *,
    actor,
    text: str = "",
    at: datetime.datetime | None = None,
    token: str = "",
) -> CaseEvent:
    """Write one event on a case's timeline; outside history() it tells the people it concerns once
    the action commits. `token`: the one-time token of the form that wrote it (services.Repeated)."""
    event = CaseEvent.all_objects.create(
        case=case,
        committee_id=case.committee_id,
        kind=payload.kind,
        actor=actor,
        text=text,
        at=at or timezone.now(),
        data=payload.to_data(),
        form_token=token[:40],  # services/once.py TOKEN_LENGTH
    )
    if not _writing_history.get():
        from notifications.tasks import notify_after_commit  # notifications reads cases: import late

        notify_after_commit(event)
    return event


def payload(event: CaseEvent) -> Payload:
    """The typed payload of a stored event."""
    return PAYLOADS[event.kind].from_data(event.data or {})


def sentence(event: CaseEvent, files: Container[int] = ()) -> SafeString:
    """What the timeline says for an event, in the active language, as safe HTML (the values in it
    escaped). `files`: the ids of the case's attachments still there, which a "file added" links to."""
    return payload(event).sentence(files)


def sentence_text(event: CaseEvent) -> str:
    """The same sentence as plain text, for a spreadsheet or a text file."""
    return unescape(strip_tags(sentence(event)))
