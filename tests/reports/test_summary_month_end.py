"""The monthly summary describes its own month (review 9, findings 8–10): what a role may not see is
said withheld, never 0; aid is counted as the ledger marks it (applied by the day applied, paid by
the day paid); the care roster and the overdue cases as at the month's last day, the same when the
summary is printed again later, and the overdue figure opens a list of the same cases."""

import datetime as dt
import io

import openpyxl
from django.urls import reverse
from django.utils import timezone

from cases.models import Aid, Case, CaseCategory
from reports.figures import add_months
from reports.models import MonthEnd as MonthEndRows
from residents.models import Resident
from tests.reports import helpers as h

EN = {"accept-language": "en"}


def _last_month() -> dt.date:
    return add_months(timezone.localdate().replace(day=1), -1)


def _sections(response) -> dict:
    return {s.title: s for s in response.context["sections"]}


def _hardship_case(org, first):
    """A 困难帮扶 case of the month (a sensitive category), with aid paid in the month."""
    hardship = CaseCategory.objects.get(code="hardship")  # sensitive by default (cases migration 0008)
    case = h.case(org.a, created_by=org.secretary_a, created=first, cat=hardship, sensitive=True)
    h.aid(case, applied=first, paid=first + dt.timedelta(days=3), amount="500.00")
    return case


def test_the_street_officer_is_told_aid_and_sensitive_cases_are_withheld_not_zero(org, as_user):
    first = _last_month()
    _hardship_case(org, first)
    h.case(org.a, created_by=org.secretary_a, created=first)
    query = {"month": f"{first:%Y-%m}"}
    officer = as_user(org.officer)

    sections = _sections(officer.get(reverse("reports:summary"), query))
    logged = sections["登记事项"].paragraphs
    assert logged[0].startswith("本月登记事项：1 件")
    assert "此处未计入您的角色无权查看的敏感类别事项（困难帮扶）。" in logged
    assert sections["救助"].paragraphs == [
        "救助情况不在您的角色查看范围内，如需这些数字，请向居委会书记索取。"
    ]
    assert "此处未计入您的角色无权查看的敏感类别事项（困难帮扶）。" in sections["逾期"].paragraphs

    text = officer.get(reverse("reports:summary_txt"), query).content.decode()
    assert "救助情况不在您的角色查看范围内" in text and "0 件；本月发放" not in text
    english = officer.get(reverse("reports:summary"), query, headers=EN).text
    assert "Aid is not shown to your role: ask the committee&#x27;s secretary for these figures." in english
    assert "cases in sensitive categories (Hardship aid) that are not shown to your role." in english

    # The secretary sees them all: no note, and the aid counted.
    secretary = _sections(
        as_user(org.secretary_a).get(reverse("reports:summary"), query | {"committee": org.a.pk})
    )
    assert secretary["登记事项"].paragraphs[0].startswith("本月登记事项：2 件")
    assert not any("未计入" in p for p in secretary["登记事项"].paragraphs)
    assert "合计 ¥500.00" in secretary["救助"].paragraphs[0]


def test_the_ledger_and_the_summary_count_the_months_aid_alike(org, as_user):
    """November: an October application paid in November, a November one still waiting, and a November
    one approved in November and paid in December. The ledger says the December payment 已批准 (as at
    the month's end), marks each row as the summary counts it, and the two agree."""
    first = _last_month()
    after = add_months(first, 1)  # paid in the next month (this one): no later than today
    case = h.case(org.a, created_by=org.secretary_a, created=first - dt.timedelta(days=1))
    h.aid(case, applied=first - dt.timedelta(days=1), paid=first + dt.timedelta(days=11), amount="500.00")
    h.aid(case, applied=first + dt.timedelta(days=4), amount="800.00")
    h.aid(
        case,
        applied=first + dt.timedelta(days=20),
        decided_on=first + dt.timedelta(days=27),
        paid=after,
        amount="800.00",
    )
    query = {"month": f"{first:%Y-%m}", "committee": org.a.pk}
    client = as_user(org.secretary_a)

    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(reverse("reports:ledger"), query).streaming_content))
    )
    head, *rows = list(workbook["救助"].iter_rows(values_only=True))
    assert head[7:12] == ("月末状态", "本月计入", "申请日期", "审批日期", "发放日期")
    said = [(r[6], r[7], r[8], r[11]) for r in rows]
    assert said == [
        (500, "已发放", "本月发放", dt.datetime.combine(first + dt.timedelta(days=11), dt.time())),
        (800, "已申请", "本月申请", None),
        (800, "已批准", "本月申请", None),  # paid on the next month's first day: not in November
    ]
    aid = _sections(client.get(reverse("reports:summary"), query))["救助"].paragraphs[0]
    assert aid == (
        "本月新申请救助（按申请日期）：2 件；本月发放（按发放日期，含以前月份的申请）：1 件，合计 ¥500.00。"
    )
    english = client.get(reverse("reports:summary"), query, headers=EN).text
    assert (
        "Aid applied for this month (by the day applied): 2; paid this month (by the day paid, earlier "
        "applications included): 1, in all ¥500.00."
    ) in english
    assert Aid.all_objects.filter(status=Aid.Status.PAID).count() == 2  # the record itself unchanged


def test_an_ended_months_summary_is_as_at_its_last_day_and_prints_the_same_later(org, as_user):
    first = _last_month()
    last = add_months(first, 1) - dt.timedelta(days=1)
    today = timezone.localdate()
    sec = org.secretary_a
    due = first + dt.timedelta(days=5)
    still_open = h.case(org.a, created_by=sec, created=first, due=due, title="路灯不亮")
    resolved_since = h.case(org.a, created_by=sec, created=first, due=due, title="楼道堆物")
    Case.all_objects.filter(pk=resolved_since.pk).update(
        status=Case.Status.RESOLVED, resolved_at=h.at(add_months(first, 1))
    )
    # Logged after the month: never October's, whatever it is today.
    h.case(org.a, created_by=sec, created=today, due=today, title="新的事项")
    weekly = h.care_category("t-monthly", 30)
    visited, never = h.resident(org.a, "赵一", room="201"), h.resident(org.a, "钱二", room="202")
    for person in (visited, never):
        person.care_categories.add(weekly)
    Resident.all_objects.filter(pk__in=[visited.pk, never.pk]).update(
        created_at=h.at(first - dt.timedelta(days=40))
    )
    h.visit(visited, on=first + dt.timedelta(days=10), by=org.worker_a)
    query = {"month": f"{first:%Y-%m}", "committee": org.a.pk}
    client = as_user(sec)

    def said():
        sections = _sections(client.get(reverse("reports:summary"), query))
        return sections["走访"].paragraphs[-1], sections["逾期"]

    roster, overdue = said()
    assert roster == f"重点关爱对象（截至月末 {last}）：2 人中按期走访 1 人（50%）。"
    assert (
        overdue.paragraphs[0] == f"截至月末（{last}）逾期未办结事项：2 件；超过答复期限仍未答复的转办：0 件。"
    )
    assert [row[1] for row in overdue.table] == ["路灯不亮", "楼道堆物"]
    # The figure opens the same two cases, whatever has happened to them since.
    listed = client.get(overdue.link[0])
    assert listed.context["page"].paginator.count == 2
    assert f"月末逾期：{first:%Y-%m}" in listed.text  # the list says what it holds
    assert overdue.link[1] == "在事项列表中查看全部 2 件"

    # Later: the open case resolved, the unvisited resident visited, a new one registered.
    Case.all_objects.filter(pk=still_open.pk).update(status=Case.Status.RESOLVED, resolved_at=timezone.now())
    h.visit(never, on=today, by=org.worker_a)
    h.resident(org.a, "孙三", room="203").care_categories.add(weekly)
    again_roster, again = said()
    assert (again_roster, again.paragraphs, again.table) == (roster, overdue.paragraphs, overdue.table)
    assert client.get(again.link[0]).context["page"].paginator.count == 2

    english = client.get(reverse("reports:summary"), query, headers=EN).text
    assert f"Care roster as at the month&#x27;s last day ({last}): 2 of 3 residents" not in english
    assert f"Care roster as at the month&#x27;s last day ({last}): 1 of 2 residents visited" in english
    assert f"Open cases past their due date as at the month&#x27;s last day ({last}): 2;" in english


def test_this_months_summary_says_today_and_how_many_of_the_overdue_it_lists(org, as_user):
    today = timezone.localdate()
    first = _last_month()
    for i in range(10):
        h.case(
            org.a,
            created_by=org.secretary_a,
            created=first,
            due=first + dt.timedelta(days=i),
            title=f"事项{i}",
        )
    query = {"month": f"{today:%Y-%m}", "committee": org.a.pk}
    client = as_user(org.secretary_a)
    page = client.get(reverse("reports:summary"), query)
    assert (
        f'<a href="{reverse("cases:list")}?overdue=1&amp;committee={org.a.pk}">在事项列表中查看全部 10 件</a>'
        in page.text
    )
    overdue = _sections(page)["逾期"]
    assert overdue.paragraphs[0].startswith(f"截至今日（{today}）逾期未办结事项：10 件")
    assert overdue.paragraphs[1] == "下表列出其中逾期最久的 8 件（共 10 件）。"
    assert len(overdue.table) == 8
    assert client.get(overdue.link[0]).context["page"].paginator.count == 10

    text = client.get(reverse("reports:summary_txt"), query).content.decode()
    assert f"在事项列表中查看全部 10 件: http://testserver{overdue.link[0]}" in text
    english = client.get(reverse("reports:summary"), query, headers=EN).text
    assert f"Open cases past their due date as at today ({today}): 10;" in english
    assert "Listed below: the 8 longest overdue of the 10." in english


def test_the_nightly_job_writes_last_months_figures_once(org, as_user, settings):
    """On the 1st, just after the month's last day: the summary read later finds them written."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    from reports.models import MonthEnd
    from reports.tasks import write_month_ends

    first = _last_month()
    h.case(
        org.a, created_by=org.secretary_a, created=first, due=first + dt.timedelta(days=1), title="路灯不亮"
    )
    write_month_ends.enqueue()
    row = MonthEnd.objects.get(committee=org.a, month=first)
    assert len(row.overdue_cases) == 1
    h.case(org.a, created_by=org.secretary_a, created=first, due=first + dt.timedelta(days=2), title="后补的")
    write_month_ends.enqueue()  # a second run writes nothing again
    assert MonthEnd.objects.get(pk=row.pk).overdue_cases == row.overdue_cases
    overdue = _sections(
        as_user(org.secretary_a).get(
            reverse("reports:summary"), {"month": f"{first:%Y-%m}", "committee": org.a.pk}
        )
    )["逾期"]
    assert overdue.paragraphs[0].startswith(
        f"截至月末（{add_months(first, 1) - dt.timedelta(days=1)}）逾期未办结事项：1 件"
    )


def test_an_ended_months_summary_and_its_overdue_list_read_as_many_queries_for_few_and_many(org, as_user):
    """Read once written: the month's figures are one query of its rows, and the list of the cases
    they name is the list's own queries, whether 2 cases or 20."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = _last_month()
    client = as_user(org.secretary_a)
    query = {"month": f"{first:%Y-%m}", "committee": org.a.pk}
    counts = []
    for n in (2, 20):
        MonthEndRows.objects.all().delete()
        for i in range(n - Case.all_objects.count()):
            h.case(
                org.a,
                created_by=org.secretary_a,
                created=first,
                due=first + dt.timedelta(days=1),
                title=f"事项{i}",
            )
        link = _sections(client.get(reverse("reports:summary"), query))["逾期"].link[0]  # writes the rows
        client.get(link)  # the list's reference data cached (common/refdata.py), as on any later visit
        with CaptureQueriesContext(connection) as summary:
            overdue = _sections(client.get(reverse("reports:summary"), query))["逾期"]
        with CaptureQueriesContext(connection) as listed:
            assert client.get(overdue.link[0]).context["page"].paginator.count == n
        counts.append((len(summary), len(listed)))
    assert counts[0] == counts[1]
