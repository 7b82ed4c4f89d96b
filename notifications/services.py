"""Who is told what: notifications derived from the case timeline, the periodic reminders, failures.

Every case action writes exactly one CaseEvent; `notify_for_event` reads one event and tells the
people it concerns. It never tells anyone more than their pages would show them: each recipient's
access is checked, a sensitive case's title and free text are left out for someone who may not see
the case, and free text is stored with its ID and phone numbers masked.

Writes are idempotent (a unique key per recipient), so a retried task tells nobody twice.
"""

from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, Referral
from cases.rules import sees_sensitive
from committee.access import Access
from committee.models import User
from committee.roles import Perm, Role, role_can
from committee.scoping import committee_scope
from common.masking import mask_numbers_in_text
from notifications import delivery
from notifications.models import Notification

K = Notification.Kind
E = CaseEvent.Kind
TEXT_LIMIT = 120


def _short(text: str) -> str:
    text = mask_numbers_in_text(" ".join((text or "").split()))
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def case_url(case_id: int) -> str:
    """Where a notification about a case links: its page. By it the inbox knows what a notification
    is about, and reads it when the case is opened or acted on (read_case)."""
    return reverse("cases:detail", args=[case_id])


def _case_params(case: Case, access: Access) -> tuple[dict, str]:
    """The facts about a case this reader may be told, and the link (none when they cannot open it)."""
    if sees_sensitive(access, case):
        title = mask_numbers_in_text(case.title)  # stored as it will be read: never a typed number
        return {"case": case.number, "title": title}, case_url(case.pk)
    return {"case": case.number, "hidden": True}, ""


def tell(
    user: User, kind: str, key: str, *, case: Case | None = None, url: str = "", **params
) -> Notification | None:
    """Put one notification in `user`'s inbox, once per key. About a case: only if they may see its
    committee's cases, and with its title only if they may see the case."""
    if case is not None:
        access = Access(user)
        if not user.is_active or not access.can(Perm.VIEW, case.committee_id):
            return None
        case_params, url = _case_params(case, access)
        params = {**case_params, **params}
        if case_params.get("hidden"):
            # Free text (a reply, a reason) is part of the case: not for someone who may not see it.
            params.pop("text", None)
    if params.get("text"):
        params["text"] = _short(params["text"])
    notification, _ = Notification.objects.get_or_create(
        recipient=user, key=key, defaults={"kind": kind, "params": params, "url": url}
    )
    return notification


def tell_staff_left(secretary: User, user: User, holding, *, at) -> Notification | None:
    """Tell a committee's secretary that `user` no longer works its cases (cases/services/departure.py
    hand_back: `holding`, what was theirs, now unassigned or without a grid worker), linking to the
    committee's unassigned cases, or to its grids when it held no case (the secretary gives the grid
    to someone there). Counts and grids' names only: no case, no resident."""
    url = f"{reverse('cases:list')}?status=open&assignee=none"
    if holding.grids and not holding.open_cases:
        url = reverse("residents:grids")
    params = {
        "name": user.display_name,
        "committee": holding.committee.name,
        "cases": holding.open_cases,
        "overdue": holding.overdue,
        "grids": holding.grids,
        "roster": holding.roster,
    }
    key = f"staff_left:{user.pk}:{holding.committee.pk}:{at.isoformat()}"
    notification, _ = Notification.objects.get_or_create(
        recipient=secretary, key=key[:120], defaults={"kind": K.STAFF_LEFT, "params": params, "url": url}
    )
    return notification


def _users(ids: Iterable[int | None], *, but: int | None = None) -> list[User]:
    wanted = {i for i in ids if i is not None and i != but}
    return list(User.objects.filter(pk__in=wanted, is_active=True).order_by("pk")) if wanted else []


def _member_named(committee_id: int, name: str) -> int | None:
    """The committee member shown under this name (events of today's payload name the assignee)."""
    if not name:
        return None
    members = User.objects.filter(memberships__committee_id=committee_id)
    for user in members:
        if user.display_name == name:
            return user.pk
    return None


def notify_for_event(event: CaseEvent) -> list[Notification]:
    """Tell the people a timeline event concerns (never its actor). Safe to call twice."""
    with committee_scope([event.committee_id]):
        case = Case.objects.select_related("assignee").get(pk=event.case_id)
        data, actor = event.data or {}, event.actor_id
        by = event.actor.display_name if event.actor_id else ""
        told: list[Notification | None] = []

        def to(users, kind, **params):
            for user in users:
                told.append(tell(user, kind, f"event:{event.pk}:{kind}", case=case, **params))

        match event.kind:
            case E.CREATED if data.get("assignee"):
                # Logged for someone else (the secretary's "who works it"): an assignment as much as
                # one made afterwards. Whoever logs a case for themselves knows it.
                to(_users([case.assignee_id], but=actor), K.ASSIGNED, by=by)
            case E.ASSIGNED:
                new_id = data.get("assignee_id", case.assignee_id if data.get("assignee") else None)
                previous_id = data.get("previous_id") or _member_named(
                    case.committee_id, data.get("previous")
                )
                to(_users([new_id], but=actor), K.ASSIGNED, by=by, text=event.text)
                to(_users([previous_id], but=actor), K.TAKEN_FROM, to=data.get("assignee", ""))
            case E.REOPENED:
                to(
                    _users([case.assignee_id, case.created_by_id, _asker(event)], but=actor),
                    K.REOPENED,
                    by=by,
                    text=event.text,
                )
            case E.REOPEN_REQUESTED:
                # What waits for the secretary: every manager of the committee (they see any case).
                to(
                    [u for u in managers(case.committee_id) if u.pk != actor],
                    K.REOPEN_REQUESTED,
                    by=by,
                    text=event.text,
                )
            case E.REOPEN_DECLINED:
                to(_users([data.get("asked_by_id")], but=actor), K.REOPEN_DECLINED, by=by, text=event.text)
            case E.FOLLOW_UP if data.get("reopened"):
                to(
                    _users([case.assignee_id, case.created_by_id], but=actor),
                    K.NOT_SATISFIED,
                    text=event.text,
                )
            case E.DUPLICATE_JOINED:
                # Another case closed as a duplicate of this one: its reporters joined this case.
                to(
                    _users([case.assignee_id], but=actor),
                    K.DUPLICATE_JOINED,
                    by=by,
                    duplicate=data.get("duplicate", ""),
                )
            case E.REPLY:
                sender = (
                    Referral.objects.filter(pk=data.get("referral"))
                    .values_list("created_by_id", flat=True)
                    .first()
                )
                to(
                    _users([sender, case.assignee_id], but=actor),
                    K.REPLY,
                    body=data.get("body", ""),
                    body_en=data.get("body_en", ""),
                    text=event.text,
                )
        _answered(event, case)
        told_now = [n for n in told if n is not None]
        # E-mail and the committee's WeCom group, for those who asked (one message per person, one post).
        delivery.queue(told_now, committee_id=event.committee_id, batch=f"event:{event.pk}")
    return told_now


def _answered(event: CaseEvent, case: Case) -> None:
    """What an event answers is read: whatever its actor was told about the case before it (they
    have acted on it: the overdue reminder, the assignment, the resident not satisfied), and a
    request to reopen once the case is reopened or the request declined (no secretary waits on it
    any more). Told after the event, it is news still (a retried task runs later)."""
    if event.actor_id:
        read_case(event.actor_id, case.pk, until=event.at)
    answers_request = event.kind in {E.REOPENED, E.REOPEN_DECLINED} or (
        event.kind == E.FOLLOW_UP and (event.data or {}).get("reopened")
    )
    if answers_request:
        for manager in managers(case.committee_id):
            read_case(manager.pk, case.pk, until=event.at, kinds=[K.REOPEN_REQUESTED])


def _asker(event: CaseEvent) -> int | None:
    """Who asked to reopen the case, when this reopening answers a request (the last word on
    reopening before it was a request): they are told it is open again."""
    # A follow-up call answers a request only when "not satisfied" reopened the case.
    answers = Q(kind__in=[E.REOPEN_REQUESTED, E.REOPEN_DECLINED, E.REOPENED]) | Q(
        kind=E.FOLLOW_UP, data__reopened=True
    )
    before = (
        CaseEvent.all_objects.filter(answers, case_id=event.case_id, pk__lt=event.pk)
        .order_by("-pk")
        .values_list("kind", "actor_id")
        .first()
    )
    return before[1] if before and before[0] == E.REOPEN_REQUESTED else None


def notify_task_failed(*, user_id: int, task_name: str, result_id) -> Notification | None:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return None
    return tell(user, K.TASK_FAILED, f"task:{result_id}", task=task_name.rsplit(".", 1)[-1])


def notify_import(run) -> Notification | None:
    """Tell whoever started an import in the worker how it ended: checked (ready to commit, or its
    bad rows), committed, rejected or failed. The committer is told of a commit, the uploader of the
    rest. Once per outcome (a resumed run tells nobody twice)."""
    from residents.models import ImportRun

    S = ImportRun.Status
    outcome = {
        S.PREVIEWED: "bad_rows" if run.error_count else "checked",
        S.COMMITTED: "committed",
        S.REJECTED: "rejected",
        S.FAILED: "failed",
    }.get(run.status)
    if outcome == "checked" and run.committed_by_id and (run.changes or {}).get("refreshed"):
        outcome = "refreshed"  # a commit refused because the registry changed since the preview
    if outcome is None:
        return None
    # Whoever clicked Commit hears how their commit ended (also when it found new bad rows and the
    # run is back to its preview); before that, whoever uploaded the file.
    user = run.committed_by if run.committed_by_id else run.created_by
    if not user.is_active:
        return None
    kind = K.IMPORT_FAILED if outcome in ("rejected", "failed") else K.IMPORT_DONE
    key = f"import:{run.pk}:{outcome}"
    notification = tell(
        user,
        kind,
        key,
        url=reverse("imports:preview", args=[run.pk]),
        outcome=outcome,
        file=run.original_name[:80],
        rows=int(run.counts.get("rows", 0)),
        bad=int(run.counts.get("bad_rows", 0)),
        **({k: int(v) for k, v in run.counts.get("residents", {}).items()} if outcome == "committed" else {}),
    )
    # By e-mail and to the committee's group too, like every notification (a message already made
    # for this outcome is not made again: the delivery's key).
    delivery.queue([notification], committee_id=run.committee_id, batch=key)
    return notification


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def read_case(user_id: int, case_id: int, *, until=None, kinds: Iterable[str] | None = None) -> int:
    """Mark read this user's notifications about a case (linking to its page): they opened it, or
    acted on it. `until`: only those told up to then; `kinds`: only these. Returns how many changed.
    One UPDATE through the user's unread rows (the index notification_unread)."""
    unread = Notification.objects.filter(recipient_id=user_id, read_at__isnull=True, url=case_url(case_id))
    if until is not None:
        unread = unread.filter(created_at__lte=until)
    if kinds is not None:
        unread = unread.filter(kind__in=list(kinds))
    return unread.update(read_at=timezone.now())


def mark_read(user, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them (None). Returns how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def managers(committee_id: int) -> list[User]:
    """Who manages the committee's cases (the roles granted MANAGE_CASES: today the secretary)."""
    roles = [value for value, _label in Role.choices if role_can(Role(value), Perm.MANAGE_CASES)]
    return list(
        User.objects.filter(
            memberships__committee_id=committee_id, memberships__role__in=roles, is_active=True
        )
        .distinct()
        .order_by("pk")
    )
