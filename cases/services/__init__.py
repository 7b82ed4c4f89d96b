"""Writes to cases. Every action checks who may do it (rules.py) against the case's fresh state under
a row lock, applies the change, bumps the version and writes exactly one event to the timeline
(events.py).

Each service takes the acting user's `access` and raises what a caller must handle: PermissionDenied
(the user may not do this to this case now), ValidationError (what was asked cannot be done, said in
words for the user), Conflict (the case changed since the form was drawn: nothing was written,
the second person is shown the newer state) and Repeated (the very form was submitted before: its
one-time `token` is on the event its first submit wrote, and nothing was written again; once.py).
Every write takes `at`, when it happened (default now), so that the demo can write a year of history
through the same code as the app.

The actions live in two modules along the models' seam: the case's own life (case.py) and the work
recorded under it (work.py). Callers use this package: `services.transition(...)`.
"""

from cases import events
from cases.rules import Action
from cases.services.case import (
    EDITABLE,
    LOCKED,
    NOT_A_CASE_WORKER,
    TRANSITIONS,
    Conflict,
    NewParty,
    add_note,
    add_reporters,
    ask_reopen,
    assign,
    close,
    create_case,
    decline_reopen,
    edit,
    mark_duplicate,
    next_number,
    pending_reopen_request,
    take,
    transition,
)
from cases.services.correction import record_correction, record_referral_added, record_reply_correction
from cases.services.once import Repeated
from cases.services.reopening import reopen
from cases.services.work import (
    DECISIONS,
    ReplyCorrected,
    ReplyRecorded,
    add_aid,
    add_attachment,
    chase,
    keep_last_call,
    last_reply,
    record_follow_up,
    record_reply,
    refer,
    remove_attachment,
    reply_shown_masked,
    reply_written,
    update_aid,
)

__all__ = [
    "DECISIONS",
    "EDITABLE",
    "LOCKED",
    "NOT_A_CASE_WORKER",
    "TRANSITIONS",
    "Action",
    "Conflict",
    "NewParty",
    "Repeated",
    "ReplyCorrected",
    "ReplyRecorded",
    "add_aid",
    "add_attachment",
    "add_note",
    "add_reporters",
    "ask_reopen",
    "assign",
    "chase",
    "close",
    "create_case",
    "decline_reopen",
    "edit",
    "events",
    "keep_last_call",
    "last_reply",
    "mark_duplicate",
    "next_number",
    "pending_reopen_request",
    "record_correction",
    "record_follow_up",
    "record_referral_added",
    "record_reply",
    "record_reply_correction",
    "refer",
    "remove_attachment",
    "reopen",
    "reply_shown_masked",
    "reply_written",
    "take",
    "transition",
    "update_aid",
]
