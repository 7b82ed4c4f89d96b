"""The monthly work summary (月度工作小结), written from the data in words and numbers.

The same content renders as a printable page (templates/reports/summary.html, print-to-PDF friendly)
and as a plain-text download (`as_text`), which a secretary pastes into the street's template: a
.docx would need a new dependency. Sentences put the number after a colon, so they read in Chinese
and in English without plural forms.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from cases.models import Aid, Case, CaseCategory, FollowUp, Referral
from cases.selectors import visible_cases
from committee.roles import Perm
from committee.scoping import InIds
from common.masking import mask_numbers_in_text
from common.workdays import median_working_days
from reports import month_end, rollup_reads
from reports import rollup as summary_of_months
from reports.figures import SATISFIED, add_months, start_of
from reports.forms import Choice
from reports.models import CaseRollup
from residents.models import Visit

NOTABLE = 8
OVERDUE_LISTED = 8


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    table_head: list[str] = field(default_factory=list)
    table: list[list] = field(default_factory=list)
    # A list the section's figure opens, with the same count: (the path and query, the words).
    link: tuple[str, str] | None = None


def _between(name: str, first: dt.date, last: dt.date) -> Q:
    return Q(**{f"{name}__gte": start_of(first), f"{name}__lt": start_of(last + dt.timedelta(days=1))})


def _signed(diff: int) -> str:
    """+2, −2 or 0: a change reads as one, in the table as in the sentence (a bare 2 reads as a count)."""
    if not diff:
        return "0"
    return f"{'+' if diff > 0 else '−'}{abs(diff)}"


def _change(now: int, before: int) -> str:
    if now == before:
        return _("the same as last month")
    sign, diff = _signed(now - before)[0], abs(now - before)
    return _("%(sign)s%(diff)s on last month") % {"sign": sign, "diff": diff}


def monthly_summary(choice: Choice, access, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    first, last = choice.month, choice.month_end
    prev_first = add_months(first, -1)
    # InIds: the scope's condition is not written again beside the committees' (committee/scoping.py).
    among = InIds("committee_id", choice.committee_ids)
    cases = visible_cases(access, Case.objects.filter(among))
    categories = {c.pk: c for c in CaseCategory.objects.all()}
    sections: list[Section] = []

    # 1. Cases logged, by category, against last month.
    logged = _logged_by_category(choice, access, cases, prev_first, first, last)
    total_now = sum(v[0] for v in logged.values())
    total_before = sum(v[1] for v in logged.values())
    section = Section(_("Cases logged"))
    section.paragraphs.append(
        _("Cases logged this month: %(now)s (last month: %(before)s, %(change)s).")
        % {"now": total_now, "before": total_before, "change": _change(total_now, total_before)}
    )
    withheld = _withheld_case_note(choice, access, categories)
    if withheld:
        section.paragraphs.append(withheld)
    order = sorted(logged, key=lambda cid: (-logged[cid][0], categories[cid].order, categories[cid].code))
    if order and logged[order[0]][0]:
        top = [f"{categories[cid].label} {logged[cid][0]}" for cid in order[:3] if logged[cid][0]]
        section.paragraphs.append(_("Most cases were about: %(list)s.") % {"list": _list(top)})
    section.table_head = [
        _("Category"),
        _("This month"),
        _("Last month"),
        pgettext("month on month", "Change"),
    ]
    section.table = [
        [categories[cid].label, logged[cid][0], logged[cid][1], _signed(logged[cid][0] - logged[cid][1])]
        for cid in order
    ]
    sections.append(section)

    # 2. What was resolved, how fast, and how residents judged it.
    resolved = cases.filter(_between("resolved_at", first, last))
    pairs = [
        (r["logged"], r["resolved"], r["n"])
        for r in resolved.annotate(logged=TruncDate("created_at"), resolved=TruncDate("resolved_at"))
        .values("logged", "resolved")
        .annotate(n=Count("pk"))
        .order_by()
    ]
    resolved_count = sum(p[2] for p in pairs)
    median = median_working_days(pairs)
    # Satisfaction as the dashboard counts it: each case once, by its latest call (a second call
    # replaces the first's answer), in the month of that call. The calls themselves are said too
    # when there were more of them than cases: "回访 3 次" beside two cases called read as three.
    called = cases.filter(last_called_on__range=(first, last)).aggregate(
        n=Count("pk"), good=Count("pk", filter=Q(last_call_result__in=SATISFIED))
    )
    calls = FollowUp.objects.filter(among, called_on__range=(first, last), case__in=cases).count()
    section = Section(_("Resolved"))
    text = _("Cases resolved this month: %(n)s.") % {"n": resolved_count}
    if median is not None:
        # "1 working day", not "1 working days"; a half (1.5) reads as many.
        count = int(median) if median == int(median) else 2
        said = ngettext(
            "Median time to resolve: %(days)s working day.",
            "Median time to resolve: %(days)s working days.",
            count,
        )
        text += " " + said % {"days": _number(median)}
    section.paragraphs.append(text)
    if called["n"]:
        values = {
            "n": called["n"],
            "good": called["good"],
            "rate": _number(100 * called["good"] / called["n"]),
            "calls": calls,
        }
        if calls > called["n"]:
            text = _(
                "Cases called back this month: %(n)s; satisfied or mostly satisfied at their latest call: "
                "%(good)s (%(rate)s%%). Calls made: %(calls)s (a case called again counts once, by its "
                "latest call)."
            )
        else:
            text = _(
                "Cases called back this month: %(n)s; satisfied or mostly satisfied at their latest call: "
                "%(good)s (%(rate)s%%)."
            )
        section.paragraphs.append(text % values)
    elif calls:  # called this month, but each case called again since: counted in the later month
        section.paragraphs.append(
            _("Calls made: %(calls)s; each of those cases was called again later and counts then.")
            % {"calls": calls}
        )
    else:
        section.paragraphs.append(_("No follow-up calls were made this month."))
    sections.append(section)

    # 3. Notable cases: urgent ones, and those with aid or referrals, logged or resolved this month.
    # EXISTS, not joins and DISTINCT: joined, a district's month (300 committees) hashed every
    # referral and sorted the month's cases, 1.2 s.
    month_aid = Aid.objects.filter(case=OuterRef("pk"), applied_on__range=(first, last))
    month_referrals = Referral.objects.filter(case=OuterRef("pk"), sent_on__range=(first, last))
    notable = list(
        cases.filter(_between("created_at", first, last) | _between("resolved_at", first, last))
        .filter(Q(priority=Case.Priority.URGENT) | Exists(month_aid) | Exists(month_referrals))
        .select_related("category")
        .order_by("-priority", "year", "seq")[:NOTABLE]
    )
    section = Section(_("Notable cases"))
    if notable:
        section.table_head = [_("Case number"), _("Category"), _("Title"), _("Status")]
        section.table = [
            [c.number, c.category.label, mask_numbers_in_text(c.title), c.get_status_display()]
            for c in notable
        ]
    else:
        section.paragraphs.append(_("No urgent cases, referrals or aid this month."))
    sections.append(section)

    # 4. Visits and the care roster.
    visits = Visit.objects.filter(among, _between("visited_at", first, last)).aggregate(
        n=Count("pk"), people=Count("resident", distinct=True), homes=Count("pk", filter=Q(method="home"))
    )
    at = month_end.figures(choice, access, today)
    size, on_cadence = at.roster_size, at.roster_on_cadence
    section = Section(pgettext("summary section", "Visits"))
    section.paragraphs.append(
        _("Visits made: %(n)s to %(people)s residents, of them home visits: %(homes)s.") % visits
    )
    if size:
        values = {"on": on_cadence, "size": size, "rate": _number(100 * on_cadence / size), "day": at.day}
        if at.is_today:
            text = _(
                "Care roster as at today (%(day)s): %(on)s of %(size)s residents visited on cadence "
                "(%(rate)s%%)."
            )
        else:
            text = _(
                "Care roster as at the month's last day (%(day)s): %(on)s of %(size)s residents visited "
                "on cadence (%(rate)s%%)."
            )
        section.paragraphs.append(text % values)
    sections.append(section)

    # 5. Aid: of the committees where the reader may see who is given aid, as the ledger's aid sheet
    # (reports/ledger.py); the others said withheld, never "0 件" (review 9, finding 8). A month's
    # aid is counted as the ledger marks it: applications by the day applied, payments by the day
    # paid, whenever applied (finding 9).
    aid_ids = [cid for cid in choice.committee_ids if access.can(Perm.VIEW_SENSITIVE, cid)]
    aid = Aid.objects.filter(InIds("committee_id", aid_ids), case__in=cases)
    applied = aid.filter(applied_on__range=(first, last)).count()
    # Goods given with no amount are aid in kind (the ledger's rule): counted, never summed as ¥0.00.
    in_kind = Q(kind=Aid.Kind.GOODS, amount=0)
    paid = list(
        aid.filter(paid_on__range=(first, last), status=Aid.Status.PAID)
        .values("kind")
        .annotate(n=Count("pk"), total=Sum("amount"), in_kind=Count("pk", filter=in_kind))
        .order_by("kind")
    )
    kinds = dict(Aid.Kind.choices)
    section = Section(_("Aid"))
    if aid_ids:
        section.paragraphs.append(_aid_sentence(applied, paid))
    if len(aid_ids) < len(choice.committee_ids):
        section.paragraphs.append(_withheld_aid_note(choice, aid_ids))
    if paid:
        section.table_head = [_("Kind"), _("Paid"), _("Amount (yuan)")]
        section.table = [
            [
                kinds.get(row["kind"], row["kind"]),
                row["n"],
                _("in kind") if row["in_kind"] == row["n"] else f"{row['total']:,.2f}",
            ]
            for row in paid
        ]
    sections.append(section)

    # 6. What was overdue at the month's end (today, for the current month): reports/month_end.py.
    overdue_count = at.overdue.count()
    section = Section(_("Overdue"))
    values = {"n": overdue_count, "late": at.late_referrals, "day": at.day}
    if at.is_today:
        text = _(
            "Open cases past their due date as at today (%(day)s): %(n)s; referrals waiting past the "
            "expected reply: %(late)s."
        )
    else:
        text = _(
            "Open cases past their due date as at the month's last day (%(day)s): %(n)s; referrals "
            "waiting past the expected reply: %(late)s."
        )
    section.paragraphs.append(text % values)
    if withheld:
        section.paragraphs.append(withheld)
    oldest = list(at.overdue.select_related("category", "assignee")[:OVERDUE_LISTED])
    if oldest:
        if overdue_count > len(oldest):
            section.paragraphs.append(
                _("Listed below: the %(shown)s longest overdue of the %(n)s.")
                % {"shown": len(oldest), "n": overdue_count}
            )
        section.link = (_overdue_list(choice, at), _("All %(n)s in the case list") % {"n": overdue_count})
        section.table_head = [_("Case number"), _("Title"), _("Due date"), _("Assignee")]
        section.table = [
            [
                c.number,
                mask_numbers_in_text(c.title),
                c.due_date.isoformat(),
                c.assignee.display_name if c.assignee else _("Unassigned"),
            ]
            for c in oldest
        ]
    sections.append(section)

    return {
        "title": _("Monthly work summary, %(month)s, %(who)s")
        % {"month": f"{first:%Y-%m}", "who": choice.label},
        "sections": sections,
        "written_on": today,
    }


def _logged_by_category(choice: Choice, access, cases, prev_first, first, last) -> dict[int, list[int]]:
    """category id → [cases logged this month, last month], as the reader may see them. From the
    rollup's CREATED rows (reports/rollup.py: a month summarised once, the current one kept by every
    change), with the reader's own sensitive cases that those rows leave out counted live, as the
    dashboard reads them (reports/rollup_reads.py); without the rollup, counted from the cases. A
    district's two months counted from the cases took 0.6 s (111,600 cases read from the table)."""
    logged = defaultdict(lambda: [0, 0])
    live = cases
    if settings.REPORTS_ROLLUP:
        ids = choice.committee_ids
        summary_of_months.ensure(ids, [prev_first, first])
        rows = (
            CaseRollup.objects.filter(
                rollup_reads.visible_rows(access, ids),
                figure=CaseRollup.Figure.CREATED,
                month__in=[prev_first, first],
            )
            .values("category_id", "month")
            .annotate(n=Sum("n"))
            .order_by()
        )
        for row in rows:
            if row["n"]:  # the current month's rows are kept by +1 and -1: a category may sum to 0
                logged[row["category_id"]][0 if row["month"] == first else 1] += row["n"]
        own = rollup_reads.own_sensitive(access, ids)
        live = Case.objects.filter(own) if own is not None else None
    if live is not None:
        rows = (
            live.filter(_between("created_at", prev_first, last))
            .annotate(day=TruncDate("created_at"))
            .values("category_id", "day")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            logged[row["category_id"]][0 if row["day"] >= first else 1] += row["n"]
    return logged


def _withheld_case_note(choice: Choice, access, categories: dict) -> str:
    """Said where the reader may not see every sensitive case of the chosen committees (visible_cases:
    a street officer, a worker but for their own): those are left out of the figures, and a paper
    passed on must say so, not read as complete."""
    managing = set(access.committees_where(Perm.MANAGE_CASES))
    if set(choice.committee_ids) <= managing:
        return ""
    names = [
        c.label
        for c in sorted(categories.values(), key=lambda c: (c.order, c.code))
        if c.sensitive_by_default
    ]
    if names:
        return _(
            "Not counted here: cases in sensitive categories (%(categories)s) that are not shown to your "
            "role."
        ) % {"categories": _list(names)}
    return _("Not counted here: sensitive cases that are not shown to your role.")


def _withheld_aid_note(choice: Choice, aid_ids: list[int]) -> str:
    if not aid_ids:
        return _("Aid is not shown to your role: ask the committee's secretary for these figures.")
    names = [c.name for c in choice.committees if c.pk not in aid_ids]
    return _("Not counted here: the aid of %(committees)s, which is not shown to your role.") % {
        "committees": _list(names)
    }


def _overdue_list(choice: Choice, at) -> str:
    """The case list of the cases the overdue figure counts: today's overdue for the current month,
    those the month's end recorded for an ended one (cases/filters.py overdue_at)."""
    params = {"overdue": "1"} if at.is_today else {"overdue_at": f"{choice.month:%Y-%m}"}
    if len(choice.committees) == 1:
        params["committee"] = str(choice.committees[0].pk)
    return f"{reverse('cases:list')}?{urlencode(params)}"


def _list(items: list[str]) -> str:
    return ("、" if (get_language() or "").startswith("zh") else ", ").join(items)


def _aid_sentence(applied: int, paid: list[dict]) -> str:
    """The month's aid in one sentence: applications by the day applied, payments by the day paid
    (an application of an earlier month paid this month is counted here, as the ledger's aid sheet
    marks it), the money summed and aid in kind counted ("合计 ¥0.00" for two parcels of goods read
    as nothing given)."""
    count = sum(row["n"] for row in paid)
    goods = sum(row["in_kind"] for row in paid)
    total = f"{sum((row['total'] or Decimal(0) for row in paid), Decimal(0)):,.2f}"
    values = {"applied": applied, "paid": count, "goods": goods, "total": total}
    if not count:
        return (
            _(
                "Aid applied for this month (by the day applied): %(applied)s; paid this month (by the day "
                "paid): none."
            )
            % values
        )
    if goods == count:
        return (
            _(
                "Aid applied for this month (by the day applied): %(applied)s; paid this month (by the day "
                "paid, earlier applications included): %(paid)s, all in kind."
            )
            % values
        )
    if goods:
        return (
            _(
                "Aid applied for this month (by the day applied): %(applied)s; paid this month (by the day "
                "paid, earlier applications included): %(paid)s, of them in kind: %(goods)s, and in money "
                "¥%(total)s in all."
            )
            % values
        )
    return (
        _(
            "Aid applied for this month (by the day applied): %(applied)s; paid this month (by the day paid, "
            "earlier applications included): %(paid)s, in all ¥%(total)s."
        )
        % values
    )


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def as_text(summary: dict, site: str = "") -> str:
    """The summary as plain text: headings, paragraphs, and tables as indented lines; a section's
    list as its address on `site` (the scheme and host), for the reader at a screen."""
    lines = [summary["title"], "=" * 20, ""]
    for number, section in enumerate(summary["sections"], start=1):
        lines.append(f"{number}. {section.title}")
        lines.extend(section.paragraphs)
        if section.table:
            lines.append("    " + " | ".join(str(h) for h in section.table_head))
            lines.extend("    " + " | ".join(str(cell) for cell in row) for row in section.table)
        if section.link:
            lines.append(f"{section.link[1]}: {site}{section.link[0]}")
        lines.append("")
    lines.append(_("Written on %(day)s from the case book.") % {"day": summary["written_on"].isoformat()})
    return "\n".join(lines) + "\n"
