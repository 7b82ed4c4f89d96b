"""The list filter contract, sensitive cases, query counts of the list, queue and case page."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import selectors, services
from cases.filters import CaseFilterForm, filter_cases
from cases.models import Case, OutsideBody
from cases.rules import Action
from committee.access import Access, acting_as
from tests.cases.page_text import field_of, text_of
from tests.factories import jpeg_upload, logged_on, make_building, make_case, make_resident, make_user


def _filtered(org, user, **params):
    with acting_as(user) as access:
        form = CaseFilterForm({k: str(v) for k, v in params.items()}, access=access)
        assert form.is_valid(), form.errors
        return list(filter_cases(selectors.case_rows(access), form.cleaned_data))


def test_filter_contract(org):
    building = make_building(org.a)
    drain = make_case(
        org.worker_a, org.a, building=building, assignee=org.worker_a, source="hotline", work_order_number="1"
    )
    road = make_case(org.worker_a, org.a, title="路面坑洼", code="roads")
    services.transition(access=Access(org.worker_a), case=drain, action=Action.RESOLVE, text="已疏通")
    Case.all_objects.filter(pk=road.pk).update(due_date=datetime.date(2020, 1, 1))
    sec = org.secretary_a
    assert _filtered(org, sec, status="open") == [road]
    assert _filtered(org, sec, status="resolved") == [drain]
    assert _filtered(org, sec, category="roads") == [road]
    assert _filtered(org, sec, assignee="none") == [road]
    assert _filtered(org, sec, assignee=org.worker_a.pk) == [drain]
    assert _filtered(org, sec, source="hotline") == [drain]
    assert _filtered(org, sec, building=building.pk) == [drain]
    assert _filtered(org, sec, overdue=1) == [road]
    today = timezone.localdate()
    assert len(_filtered(org, sec, created_from=today, created_to=today)) == 2
    assert _filtered(org, sec, created_to=today - datetime.timedelta(days=1)) == []
    assert _filtered(org, sec, resolved_from=today, resolved_to=today) == [drain]
    assert _filtered(org, sec, q="坑洼") == [road]
    assert _filtered(org, sec, q=road.number) == [road]
    assert _filtered(org, sec, committee=org.a.pk, sort="newest") == [road, drain]


def test_list_view_is_bookmarkable_and_htmx(org, as_user):
    make_case(org.worker_a, org.a, title="路面坑洼", code="roads")
    client = as_user(org.secretary_a)
    full = client.get(reverse("cases:list"), {"category": "roads"})
    assert "路面坑洼" in full.content.decode() and "<html" in full.content.decode()
    part = client.get(
        reverse("cases:list"),
        {"category": "drainage"},
        headers={"HX-Request": "true", "HX-Target": "case-results"},
    )
    html = part.content.decode()
    assert "<html" not in html and 'id="case-results"' in html and "路面坑洼" not in html


def test_sensitive_cases_reach_only_secretary_assignee_and_logger(org, as_user):
    logger = make_user("worker_a3", committee=org.a)
    case = make_case(logger, org.a, title="家庭隐私", sensitive=True)
    services.assign(access=Access(org.secretary_a), case=case, assignee=org.worker_a)
    expected = {"secretary_a": 200, "worker_a": 200, "viewer_a": 404, "officer": 404, "superuser": 404}
    for persona, status in expected.items():
        user = getattr(org, persona)
        assert as_user(user).get(reverse("cases:detail", args=[case.pk])).status_code == status, persona
        in_list = "家庭隐私" in as_user(user).get(reverse("cases:list")).content.decode()
        assert in_list == (status == 200), persona
    assert as_user(logger).get(reverse("cases:detail", args=[case.pk])).status_code == 200


def _fill(org, n: int) -> Case:
    body = OutsideBody.objects.first()
    last = None
    for i in range(n):
        building = make_building(org.a)
        resident = make_resident(org.a, building=building, phone=f"138{i:04d}5678")  # 5678: its last four
        last = make_case(
            org.worker_a,
            org.a,
            title=f"案件{i}",
            building=building,
            assignee=org.worker_a if (n - 1 - i) % 2 == 0 else None,
            parties=[services.NewParty(resident)],
        )
        secretary = Access(org.secretary_a)
        services.refer(access=secretary, case=last, body=body, sent_on=timezone.localdate())
        services.add_note(access=secretary, case=last, text="记录")
        services.add_attachment(access=secretary, case=last, uploaded=jpeg_upload())
    return last


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        lambda case: reverse("cases:list"),
        lambda case: reverse("cases:list") + "?status=open&sort=newest&q=案件",
        lambda case: reverse("cases:list") + "?status=&q=5678",  # the parties' phones' last four
        # Several filters, each a chip above the rows (one unread, said not applied): the same queries.
        lambda case: (
            reverse("cases:list")
            + "?status=open&category=drainage&assignee=none&source=walk_in&created_from=2020-01-01"
            + f"&created_to=2100-01-01&committee={case.committee_id}&sort=oldest"
            + "&resolved_to=2026-99-01"
        ),
        lambda case: reverse("home"),
        lambda case: reverse("cases:detail", args=[case.pk]),
        lambda case: reverse("cases:print", args=[case.pk]),
    ],
    ids=["list", "filtered", "last-four", "several", "queue", "detail", "print"],
)
def test_query_count_does_not_grow_with_rows(org, as_user, url, django_assert_num_queries):
    client = as_user(org.worker_a)
    few = _fill(org, 2)  # one assigned, one not: every list on the page has a row
    # The filter's choices and the committees' names are cached reference data (common/refdata.py):
    # counted warm, as every request after the first since they last changed.
    client.get(url(few))
    first = _count(client, url(few))
    many = _fill(org, 12)
    for word in "一二三四五":  # five notes of their own: the same words at once are one note sent again
        services.add_note(access=Access(org.secretary_a), case=many, text=f"更多记录{word}")
    with django_assert_num_queries(first):
        response = client.get(url(many))
    if "q=5678" in url(many):
        assert response.text.count('class="row-title"') == 14  # every case, found by its party's phone


def test_the_bare_list_shows_open_cases_and_status_empty_shows_all(org, as_user):
    open_case = make_case(org.worker_a, org.a, title="还没办完")
    done = make_case(org.worker_a, org.a, title="早已办结")
    Case.all_objects.filter(pk=done.pk).update(status=Case.Status.CLOSED)
    client = as_user(org.worker_a)
    bare = client.get(reverse("cases:list")).content.decode()
    assert open_case.title in bare and done.title not in bare
    everything = client.get(reverse("cases:list") + "?status=").content.decode()
    assert open_case.title in everything and done.title in everything
    # Any status, due-date order: the open case comes first although the closed one is due sooner.
    Case.all_objects.filter(pk=done.pk).update(due_date=datetime.date(2020, 1, 1))
    everything = client.get(reverse("cases:list") + "?status=").content.decode()
    assert everything.index(open_case.title) < everything.index(done.title)


def test_home_queue_mine_by_due_date_and_the_unassigned_of_my_committee(org, as_user):
    later = make_case(org.worker_a, org.a, title="晚些到期", assignee=org.worker_a)
    sooner = make_case(org.worker_a, org.a, title="马上到期", assignee=org.worker_a)
    Case.all_objects.filter(pk=sooner.pk).update(due_date=datetime.date(2020, 1, 1))
    make_case(org.worker_a, org.a, title="没人管")
    make_case(org.worker_b, org.b, title="别的居委")
    done = make_case(org.worker_a, org.a, title="已经办完", assignee=org.worker_a)
    Case.all_objects.filter(pk=done.pk).update(status=Case.Status.CLOSED)
    html = as_user(org.worker_a).get(reverse("home")).content.decode()
    assert html.index(sooner.title) < html.index(later.title) < html.index("没人管")
    assert "别的居委" not in html and "已经办完" not in html
    assert 'class="is-overdue"' in html  # overdue stands out
    assert "没人管" not in as_user(org.viewer_a).get(reverse("home")).content.decode()  # readers: no queue


def _row_text(html: str, number: str) -> str:
    """The words of the list row of one case, as a user reads them."""
    start = html.rindex("<li", 0, html.index(f'case-number num">{number}<'))
    row = html[start : html.index("</li>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


def test_a_row_says_what_the_case_is_where_who_has_it_and_which_outside_body_it_waits_on(org, as_user):
    building = make_building(org.a, lane="449", number="12")
    three_days_ago = timezone.localdate() - datetime.timedelta(days=3)
    # Logged the day it was referred (a referral is not sent before its case), due in ten days.
    case = make_case(
        org.worker_a,
        org.a,
        title="楼道积水",
        building=building,
        assignee=org.worker_a,
        due_date=timezone.localdate() + datetime.timedelta(days=10),
        at=logged_on(three_days_ago),
    )
    worker = Access(org.worker_a)
    body = OutsideBody.objects.get(name="物业公司")
    referral = services.refer(access=worker, case=case, body=body, sent_on=three_days_ago)
    due = case.due_date.isoformat()
    client = as_user(org.worker_a)
    for url in (reverse("cases:list"), reverse("home")):
        row = _row_text(client.get(url, headers={"accept-language": "zh-hans"}).content.decode(), case.number)
        assert (
            row == f"{case.number} 等待中 楼道积水 排水积水 定海路449弄12号 李敏 {due} 到期 在物业公司已 3 天"
        ), url
    row = _row_text(
        client.get(reverse("cases:list"), headers={"accept-language": "en"}).content.decode(), case.number
    )
    assert row.endswith(f"due {due} with Property company for 3 days")
    # Once the body has replied, the case no longer waits on it.
    services.record_reply(access=worker, referral=referral, reply="已派人疏通")
    row = _row_text(client.get(reverse("cases:list")).content.decode(), case.number)
    assert "物业公司" not in row and row.endswith(f"{due} 到期")


def test_a_row_escapes_what_staff_typed(org, as_user):
    """The rows are written in Python (cases/rows.py), not by the template engine: what staff typed
    into a title or a place is escaped there all the same."""
    case = make_case(org.worker_a, org.a, title="<b>积水</b> & \"引号\" 'x'", place="<i>3号楼</i>")
    html = as_user(org.worker_a).get(reverse("cases:list")).content.decode()
    assert "&lt;b&gt;积水&lt;/b&gt; &amp; &quot;引号&quot; &#x27;x&#x27;" in html
    assert "&lt;i&gt;3号楼&lt;/i&gt;" in html
    assert "<b>积水" not in html and "<i>3号楼" not in html
    assert f'href="/cases/{case.pk}/"' in html


def test_the_home_queue_names_the_oldest_referral_still_waiting(org, as_user):
    """The home page reads its rows' waiting referrals in one query (selectors.read_waiting_referrals):
    the oldest one without a reply, as the case list's subqueries choose it."""
    today = timezone.localdate()
    logged = logged_on(today - datetime.timedelta(days=5))  # a referral is not sent before its case
    case = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a, at=logged)
    worker = Access(org.worker_a)
    first, second = OutsideBody.objects.order_by("pk")[:2]
    older = services.refer(access=worker, case=case, body=first, sent_on=today - datetime.timedelta(days=5))
    services.refer(access=worker, case=case, body=second, sent_on=today - datetime.timedelta(days=2))
    client = as_user(org.worker_a)
    for url in (reverse("cases:list"), reverse("home")):
        row = _row_text(client.get(url, headers={"accept-language": "zh-hans"}).content.decode(), case.number)
        assert row.endswith(f"在{first.name}已 5 天"), (url, row)
    services.record_reply(access=worker, referral=older, reply="已答复")
    for url in (reverse("cases:list"), reverse("home")):
        row = _row_text(client.get(url, headers={"accept-language": "zh-hans"}).content.decode(), case.number)
        assert row.endswith(f"在{second.name}已 2 天"), (url, row)


def test_a_referral_sent_today_reads_as_today_not_zero_days(org, as_user):
    """A case referred today waits "today", in both languages, not "for 0 days"."""
    case = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    body = OutsideBody.objects.order_by("pk").first()
    services.refer(access=Access(org.worker_a), case=case, body=body, sent_on=timezone.localdate())
    client = as_user(org.worker_a)
    for language, said in (
        ("zh-hans", f"今天刚转给{body.name}"),
        ("en", f"referred to {body.name_en or body.name} today"),
    ):
        page = client.get(reverse("cases:list"), headers={"accept-language": language}).content.decode()
        row = _row_text(page, case.number)
        assert row.endswith(said) and " 0 " not in row, (language, row)


@pytest.mark.parametrize(
    ("typed", "chinese", "english"),
    [
        ("1899-12-31", "请选择 1900 年或之后的日期。", "Choose a day in 1900 or later."),
        ("0001-01-01", "请选择 1900 年或之后的日期。", "Choose a day in 1900 or later."),
        ("2101-01-01", "请选择 2100 年或之前的日期。", "Choose a day in 2100 or earlier."),
        ("9999-12-31", "请选择 2100 年或之前的日期。", "Choose a day in 2100 or earlier."),
    ],
)
def test_a_filter_day_out_of_range_names_the_year_it_broke(org, as_user, typed, chinese, english):
    make_case(org.worker_a, org.a, title="路面坑洼", code="roads")
    client = as_user(org.secretary_a)
    for language, words in (("zh-hans", chinese), ("en", english)):
        page = client.get(
            reverse("cases:list"), {"created_from": typed}, headers={"Accept-Language": language}
        ).content.decode()
        assert words in text_of(field_of(page, "created_from"))
        assert "路面坑洼" in page  # the day is no filter: the list is the unfiltered one
