"""The sentence of each notification kind, in the reader's language (one place, like the timeline)."""

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from common.masking import mask_numbers_in_text
from notifications.models import Notification

K = Notification.Kind


def _case(p: dict) -> str:
    if p.get("title"):
        return f"{p['case']} {p['title']}"
    if p.get("hidden"):
        return _("%(case)s (a sensitive case)") % {"case": p["case"]}
    return p.get("case", "")


def _body(p: dict) -> str:
    if get_language() == "en" and p.get("body_en"):
        return p["body_en"]
    return p.get("body", "")


def _digest_labels() -> list[tuple[str, str]]:
    """The morning list's figures, in the order it says them, each with its words."""
    return [
        ("due_today", _("due today: %(n)s")),
        ("overdue", _("overdue: %(n)s")),
        # Lists written before each assignment was left to its own notice (review 6) still read.
        ("assigned", _("newly assigned: %(n)s")),
        ("visits", _("visits due this week: %(n)s")),
        ("unassigned", _("unassigned: %(n)s")),
        ("late_replies", _("late replies: %(n)s")),
        ("follow_ups", _("waiting for the follow-up call: %(n)s")),
    ]


def _separator() -> str:
    return "；" if get_language().startswith("zh") else "; "


def _digest(p: dict) -> str:
    parts = [label % {"n": p[key]} for key, label in _digest_labels() if p.get(key)]
    return _("This morning: %(list)s") % {"list": _separator().join(parts)}


def digest_figures(n: Notification) -> tuple[str, list[tuple[str, str, str]]]:
    """A morning list as its parts, for the inbox to make each figure a link of its own (review 6,
    finding 4): the words before the figures ("今日待办：", with the committee's name for someone in
    several), and each figure as (its key, its words, its list's link: reminders.figure_links).
    No figures for a list written before its figures had links: it reads as one sentence."""
    p = n.params
    links = p.get("links") or {}
    if n.kind != K.DIGEST or not links:
        return "", []
    figures = [
        (key, mask_numbers_in_text(label % {"n": p[key]}), links.get(key, ""))
        for key, label in _digest_labels()
        if p.get(key)
    ]
    marker = "\x00"  # the head is the sentence's own words, whatever the language puts around the list
    head = _of_committee(p, _("This morning: %(list)s") % {"list": marker}).split(marker)[0]
    return head, figures


def digest_html(n: Notification, *, buttons: bool) -> SafeString:
    """A morning list with each figure its own link, separated as the sentence separates them:
    buttons that open it through "read" (their form drawn round them by the template) for a list
    not read yet, plain links for one read."""
    head, figures = digest_figures(n)
    if buttons:
        parts = [
            format_html(
                '<button type="submit" name="open" value="{}" class="linklike news-open">{}</button>',
                key,
                words,
            )
            for key, words, _url in figures
        ]
    else:
        parts = [format_html('<a href="{}">{}</a>', url, words) for _key, words, url in figures]
    return format_html("{}{}", head, mark_safe(conditional_escape(_separator()).join(parts)))  # noqa: S308


def _of_committee(p: dict, s: str) -> str:
    """A morning's figures for someone with posts in several committees say whose they are."""
    if not p.get("committee"):
        return s
    return _("%(committee)s: %(figures)s") % {"committee": p["committee"], "figures": s}


def _due(p: dict, settled: str, provisional: str) -> str:
    """A reminder's sentence with its due date, the one for a provisional date when it was so when
    told (notifications/reminders.py _due: counted over a year whose holidays are not entered),
    marked as the case rows mark it (到期（暂定）)."""
    words = provisional if p.get("provisional") else settled
    return words % {"case": _case(p), "date": p.get("date", "")}


def _import(p: dict) -> str:
    values = {"file": p.get("file", ""), "rows": p.get("rows", 0), "bad": p.get("bad", 0)}
    match p.get("outcome"):
        case "checked":
            return _("%(file)s has been checked: %(rows)s rows, ready to commit.") % values
        case "bad_rows":
            return _("%(file)s has been checked: %(bad)s bad rows, so nothing can be written yet.") % values
        case "committed" if "updated" in p:  # what was written, not the rows read (told since 2026-12)
            values.update(created=p.get("created", 0), updated=p["updated"], unchanged=p.get("unchanged", 0))
            return (
                _(
                    "%(file)s was imported: %(created)s new residents, %(updated)s updated, "
                    "%(unchanged)s unchanged."
                )
                % values
            )
        case "committed":
            return _("%(file)s was imported: %(rows)s rows are in the registry.") % values
        case "refreshed":
            return (
                _(
                    "%(file)s was not imported: the registry changed after its preview, so nothing was "
                    "written. Check the new preview and commit again."
                )
                % values
            )
        case "rejected":
            return _("%(file)s cannot be imported.") % values
        case _:
            return _("The import of %(file)s stopped before it finished; nothing was written.") % values


def _staff_left(p: dict) -> str:
    """A member of staff who no longer works a committee's cases (cases/services/departure.py)."""
    values = {
        "name": p.get("name", ""),
        "committee": p.get("committee", ""),
        "n": p.get("cases", 0),
        "overdue": p.get("overdue", 0),
    }
    parts = [
        ngettext(
            "%(name)s no longer works cases at %(committee)s (changed in the admin): %(n)s open case "
            "of theirs (%(overdue)s overdue) is now unassigned; please assign it.",
            "%(name)s no longer works cases at %(committee)s (changed in the admin): %(n)s open cases "
            "of theirs (%(overdue)s overdue) are now unassigned; please assign them.",
            values["n"],
        )
        % values
    ]
    if p.get("grids"):
        grids = "、".join(p["grids"])
        parts.append(
            ngettext(
                "%(grids)s has no grid worker now (%(n)s resident on the care roster): choose who "
                "takes it over under Buildings → Grids.",
                "%(grids)s has no grid worker now (%(n)s residents on the care roster): choose who "
                "takes it over under Buildings → Grids.",
                p.get("roster", 0),
            )
            % {"grids": grids, "n": p.get("roster", 0)}
        )
    return ("" if get_language().startswith("zh") else " ").join(parts)


def sentence(n: Notification) -> str:
    """The notification as its reader reads it, in the inbox, the bell, the home page and an e-mail:
    a number typed into a case's title or a note is masked here, whatever the stored params hold
    (notifications written before titles were masked on the way in hold them as typed)."""
    return mask_numbers_in_text(_sentence(n))


def _sentence(n: Notification) -> str:
    p = n.params
    case = _case(p)
    # A case hidden from this reader: its free text neither (rows written before tell() left it out).
    text = "" if p.get("hidden") else p.get("text", "")
    match n.kind:
        case K.ASSIGNED:
            s = _("%(by)s assigned case %(case)s to you.") % {"by": p.get("by", ""), "case": case}
        case K.TAKEN_FROM:
            s = _("Case %(case)s now goes to %(to)s.") % {"case": case, "to": p.get("to") or _("nobody")}
        case K.REOPENED:
            s = _("%(by)s reopened case %(case)s.") % {"by": p.get("by", ""), "case": case}
        case K.REOPEN_REQUESTED:
            s = _("%(by)s asks to reopen case %(case)s.") % {"by": p.get("by", ""), "case": case}
        case K.REOPEN_DECLINED:
            s = _("%(by)s declined your request to reopen case %(case)s.") % {
                "by": p.get("by", ""),
                "case": case,
            }
        case K.DUPLICATE_JOINED:
            s = _("%(by)s closed case %(duplicate)s as a duplicate of your case %(case)s.") % {
                "by": p.get("by", ""),
                "duplicate": p.get("duplicate", ""),
                "case": case,
            }
        case K.NOT_SATISFIED:
            s = _("Not satisfied at the follow-up call: case %(case)s is open again.") % {"case": case}
        case K.REPLY:
            s = _("%(body)s replied on case %(case)s.") % {"body": _body(p), "case": case}
        case K.DUE_SOON:
            s = _due(
                p,
                _("Case %(case)s is due on %(date)s."),
                _("Case %(case)s is due on %(date)s (provisional)."),
            )
        case K.OVERDUE:
            s = _due(
                p,
                _("Case %(case)s is overdue (due %(date)s)."),
                _("Case %(case)s is overdue (due %(date)s, provisional)."),
            )
        case K.REPLY_LATE:
            s = _("%(body)s has not replied on case %(case)s (expected by %(date)s).") % {
                "body": _body(p),
                "case": case,
                "date": p.get("date", ""),
            }
        case K.VISITS_DUE:
            s = _of_committee(p, _("%(n)s care-roster visits are due this week.") % {"n": p.get("n", 0)})
        case K.DIGEST:
            s = _of_committee(p, _digest(p))
        case K.STREET_WEEK:
            separator = "；" if get_language().startswith("zh") else "; "
            s = _("This week by committee: %(list)s") % {
                "list": separator.join(
                    _("%(committee)s %(overdue)s overdue, %(unassigned)s unassigned")
                    % {"committee": name, "overdue": overdue, "unassigned": unassigned}
                    for name, overdue, unassigned in p.get("committees", [])
                )
            }
        case K.TASK_FAILED:
            s = _("A background job failed after several attempts: %(task)s.") % {"task": p.get("task", "")}
        case K.IMPORT_DONE | K.IMPORT_FAILED:
            s = _import(p)
        case K.STAFF_LEFT:
            s = _staff_left(p)
        case _:
            s = str(n.get_kind_display())
    return f"{s} {text}" if text else s
