"""The case list says what it is filtered by: the filters a count's link set as chips above the
results, each a link to the list without it, the 更多筛选 panel closed (on a phone its eleven fields
filled the first screen); a search too long cut to its first 100 characters, and said; a filter that
could not be read said not applied (review 3, findings 4 and 5)."""

import datetime
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case
from cases.rules import Action
from committee.access import Access
from tests.cases.page_text import text_of
from tests.factories import make_building, make_case

ZH, EN = "zh-hans", "en"


def _page(client, params: dict | str, language: str = ZH, **headers) -> str:
    """The list at these parameters; one with an empty field (`follow_up=`, `q=`) as the list answers
    it, at the same query without its empty fields (common/querystrings.py)."""
    url = reverse("cases:list") + ("?" + params if isinstance(params, str) else "")
    data = params if isinstance(params, dict) else None
    response = client.get(url, data, headers={"accept-language": language, **headers}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _chips(page: str) -> dict[str, str]:
    """The chips above the results: their words → the link's query (HTML unescaped)."""
    found = re.search(r'<ul class="filter-chips"[^>]*>(.*?)</ul>', page, re.S)
    if not found:
        return {}
    return {
        text_of(words).rstrip("×").strip(): html.unescape(href)
        for href, words in re.findall(r'<a class="chip" href="([^"]+)"[^>]*>(.*?)</a>', found[1], re.S)
    }


def _panel_open(page: str) -> bool:
    tag = re.search(r"<details class=\"filter-panel\"[^>]*>", page)
    assert tag, "no filter panel"
    return " open" in tag[0]


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def _resolved(org, title: str) -> Case:
    case = make_case(org.worker_a, org.a, title=title, assignee=org.worker_a)
    services.transition(access=Access(org.worker_a), case=case, action=Action.RESOLVE, text="已处理")
    return case


@pytest.mark.parametrize(("language", "chip"), [(ZH, "仅看逾期"), (EN, "Overdue only")])
def test_the_dashboards_overdue_count_opens_the_list_closed_saying_overdue(org, as_user, language, chip):
    late = make_case(org.worker_a, org.a, title="路灯不亮")
    Case.all_objects.filter(pk=late.pk).update(due_date=datetime.date(2020, 1, 2))
    make_case(org.worker_a, org.a, title="楼道积水")
    client = as_user(org.secretary_a)
    page = _page(client, f"committee={org.a.pk}&overdue=1", language)  # the dashboard's link
    assert not _panel_open(page)
    assert "路灯不亮" in page and "楼道积水" not in page
    chips = _chips(page)
    assert list(chips) == [chip]  # the secretary's one committee is no filter to widen
    # Without it: the list the 事项 tab shows (the secretary's one committee narrows nothing).
    assert chips[chip] == reverse("cases:list")
    widened = _page(client, urlsplit(chips[chip]).query, language)
    assert "路灯不亮" in widened and "楼道积水" in widened and _chips(widened) == {}


@pytest.mark.parametrize(
    ("language", "chip"),
    [(ZH, "重新打开申请：待书记处理"), (EN, "Request to reopen: Waiting for the secretary")],
)
def test_the_homes_reopen_requests_open_the_list_closed_saying_so(org, as_user, language, chip):
    asked = _resolved(org, "又漏水了")
    services.ask_reopen(access=Access(org.worker_a), case=asked, text="居民说又漏水了")
    _resolved(org, "路面坑洼")
    make_case(org.worker_a, org.a, title="楼道积水")
    client = as_user(org.secretary_a)
    page = _page(client, "reopen=asked", language)  # the home page's link
    assert not _panel_open(page)
    assert "又漏水了" in page and "路面坑洼" not in page and "楼道积水" not in page
    chips = _chips(page)
    assert list(chips) == [chip]
    # The link implied its status (any: the requests wait on resolved cases). Without its one
    # filter it is the list the 事项 tab shows, the open cases, not every case closed ones too.
    assert chips[chip] == reverse("cases:list")
    widened = _page(client, urlsplit(chips[chip]).query, language)
    assert "楼道积水" in widened and "又漏水了" not in widened and "路面坑洼" not in widened


def test_each_filter_is_a_chip_by_its_name_and_removing_one_keeps_the_others(org, as_user):
    building = make_building(org.a, "12")
    make_case(org.worker_a, org.a, title="路面坑洼", code="roads", building=building, assignee=org.worker_a)
    client = as_user(org.secretary_a)
    query = (
        f"q=坑洼&status=open&category=roads&assignee={org.worker_a.pk}&building={building.pk}"
        "&created_from=2020-01-01&sort=newest&follow_up=&page=1"
    )
    page = _page(client, query)
    assert not _panel_open(page) and "路面坑洼" in page
    chips = _chips(page)
    assert list(chips) == [
        "类别：道路设施",
        "承办人：李敏",
        "楼栋：定海路449弄12号",
        "登记起：2020-01-01",
        "排序：最新登记",
    ]
    without_assignee = _query(chips["承办人：李敏"])
    assert "assignee" not in without_assignee and "page" not in without_assignee
    assert without_assignee["q"] == ["坑洼"] and without_assignee["category"] == ["roads"]
    english = _chips(_page(client, query, EN))
    assert "Assignee: 李敏" in english and "Logged from: 2020-01-01" in english
    assert "Building: 定海路449弄12号" in english


def test_a_committee_is_a_chip_for_a_reader_of_several_and_a_building_elsewhere_is_no_address(org, as_user):
    make_case(org.worker_a, org.a, title="路面坑洼")
    elsewhere = make_building(org.c, "88", road="平凉路", lane="")
    officer = as_user(org.officer)  # the street's two committees
    assert list(_chips(_page(officer, f"committee={org.a.pk}"))) == ["居委会：定海居民区"]
    # A building of a committee the reader does not see: named by its number, never its address.
    page = _page(as_user(org.secretary_a), f"building={elsewhere.pk}")
    assert list(_chips(page)) == [f"楼栋：#{elsewhere.pk}"] and "平凉路88号" not in page


def test_the_panel_stays_open_when_the_committees_select_draws_it_again(org, as_user):
    """The select redraws the page's main part with that committee's staff, the reader choosing."""
    client = as_user(org.officer)
    drawn = _page(client, f"committee={org.a.pk}", **{"HX-Request": "true", "HX-Target": "main"})
    assert _panel_open(drawn)
    assert not _panel_open(_page(client, f"committee={org.a.pk}"))


# --- A search too long, and filters that could not be read ----------------------------------------------

WORK_ORDER = "定海路449弄12号厨房地漏返水" * 12  # a 12345 work order's text pasted, 192 characters


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (ZH, "搜索：只按前 100 个字搜索，后面 92 个字未用于搜索。"),
        (EN, "Search: only its first 100 characters were searched for; the last 92 were left out."),
    ],
)
def test_a_search_too_long_finds_by_its_first_100_characters_and_says_so(org, as_user, language, said):
    make_case(org.worker_a, org.a, title="厨房返水", description=WORK_ORDER)
    make_case(org.worker_a, org.a, title="路面坑洼", code="roads")
    client = as_user(org.secretary_a)
    page = _page(client, {"q": WORK_ORDER}, language)
    assert said in text_of(page)
    assert "厨房返水" in page and "路面坑洼" not in page  # was: every case, as if both matched
    assert WORK_ORDER in page  # the box keeps what was pasted
    nothing = _page(client, {"status": "", "q": "a" * 300}, language)
    assert "路面坑洼" not in nothing and "厨房返水" not in nothing
    assert said.replace("92", "200") in text_of(nothing)
    assert "100" not in text_of(_page(client, {"q": WORK_ORDER[:100]}, language))  # a hundred: nothing said


NO_SUCH = "没有这个选项。", "There is no such choice."  # said after a choice no select offers


@pytest.mark.parametrize(
    ("param", "value", "chinese", "english"),
    [
        ("created_from", "2026-99-01", "登记起“2026-99-01”。", "Logged from “2026-99-01”."),
        ("status", "lost", "状态“lost”。" + NO_SUCH[0], "Status “lost”. " + NO_SUCH[1]),
        ("category", "nope", "类别“nope”。" + NO_SUCH[0], "Category “nope”. " + NO_SUCH[1]),
        ("assignee", "999999", "承办人“999999”。" + NO_SUCH[0], "Assignee “999999”. " + NO_SUCH[1]),
        ("sort", "sideways", "排序“sideways”。" + NO_SUCH[0], "Sort “sideways”. " + NO_SUCH[1]),
        ("building", "abc", "楼栋“abc”。", "Building “abc”."),
        ("follow_up", "soon", "回访“soon”。" + NO_SUCH[0], "Follow-up call “soon”. " + NO_SUCH[1]),
    ],
)
def test_a_filter_that_cannot_be_read_is_said_not_applied(org, as_user, param, value, chinese, english):
    make_case(org.worker_a, org.a, title="路面坑洼", code="roads")
    _resolved(org, "楼道积水")
    client = as_user(org.secretary_a)
    for language, said in ((ZH, f"未按此筛选：{chinese}"), (EN, f"Not applied: {english}")):
        page = _page(client, {"status": "", param: value}, language)
        notice = re.search(r'<div class="form-errors not-applied" role="alert"[^>]*>(.*?)</div>', page, re.S)
        assert notice and said in text_of(notice[1]), language
        assert "路面坑洼" in page and "楼道积水" in page  # left out: the list shows more than was asked
        assert _chips(page) == {}  # and no chip says it is applied


@pytest.mark.parametrize(
    ("start", "end", "chinese", "english"),
    [
        (
            "due_from",
            "due_to",
            "到期起“2026-12-31”。晚于“到期止”（2026-12-01）。",
            "Due from “2026-12-31”. It is later than “Due to” (2026-12-01).",
        ),
        (
            "created_from",
            "created_to",
            "登记起“2026-12-31”。晚于“登记止”（2026-12-01）。",
            "Logged from “2026-12-31”. It is later than “Logged to” (2026-12-01).",
        ),
        (
            "resolved_from",
            "resolved_to",
            "办结起“2026-12-31”。",
            "Resolved from “2026-12-31”. It is later than",
        ),
        (
            "called_from",
            "called_to",
            "最近回访起“2026-12-31”。晚于“最近回访止”",
            "Last called back from “2026-12-31”. It is later than “Last called back to”",
        ),
    ],
)
def test_a_from_later_than_its_to_is_said_not_applied(org, as_user, start, end, chinese, english):
    """Review 7, item 8: ?due_from=2026-12-31&due_to=2026-12-01 showed "0 件" without a word. Said not
    applied, as the access log and the reveals say it; the "to" stays applied and is a chip."""
    make_case(org.worker_a, org.a, title="路面坑洼")
    client = as_user(org.secretary_a)
    for language, said in ((ZH, f"未按此筛选：{chinese}"), (EN, f"Not applied: {english}")):
        page = _page(client, {"status": "", start: "2026-12-31", end: "2026-12-01"}, language)
        notice = re.search(r'<div class="form-errors not-applied" role="alert"[^>]*>(.*?)</div>', page, re.S)
        assert notice and said in text_of(notice[1]), (language, text_of(notice[1]) if notice else page[:300])
        assert list(_query(next(iter(_chips(page).values()), "?")).keys()) != [start]
        assert len(_chips(page)) == 1  # the "to" alone
    # The same days the right way round filter as asked, and nothing is said.
    page = _page(client, {"status": "", start: "2026-12-01", end: "2026-12-31"})
    assert "not-applied" not in page and len(_chips(page)) == 2


def test_the_export_searches_as_the_list_and_still_refuses_a_filter_it_cannot_read(org, as_user):
    make_case(org.worker_a, org.a, title="厨房返水", description=WORK_ORDER)
    client = as_user(org.secretary_a)
    long = client.get(reverse("reports:cases_xlsx"), {"status": "", "q": WORK_ORDER})
    assert long.status_code == 200 and long["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = client.get(reverse("reports:cases_xlsx"), {"status": "lost"})
    assert bad.status_code == 302


# --- Review 4, finding N3: removing a figure's chip, and parameters that are no filter -------------------


def _open_and_closed(org) -> None:
    make_case(org.worker_a, org.a, title="楼道积水")  # open, assigned to nobody
    _resolved(org, "路面坑洼")  # resolved: not in the open list


@pytest.mark.parametrize(
    "link",
    [
        "overdue=1",  # the overviews' 逾期
        "assignee=none",  # a 未分派 link with no status
        "follow_up=due",
        "created_from=2020-01-01",  # 本月新增: any status
    ],
)
def test_removing_the_one_filter_of_a_link_with_no_status_is_the_open_list(org, as_user, link):
    _open_and_closed(org)
    client = as_user(org.secretary_a)
    chips = _chips(_page(client, f"committee={org.a.pk}&{link}"))
    assert len(chips) == 1
    [without] = chips.values()
    assert without == reverse("cases:list")  # the 事项 tab's list
    widened = _page(client, "")
    assert "楼道积水" in widened and "路面坑洼" not in widened


def test_a_status_the_link_gave_is_kept_when_its_filter_is_removed(org, as_user):
    _open_and_closed(org)
    client = as_user(org.secretary_a)
    resolved = _chips(_page(client, "status=resolved&follow_up=due"))  # the home's 待回访
    assert [_query(url) for url in resolved.values()] == [{"status": ["resolved"]}]
    anyone = _chips(_page(client, f"status=&assignee={org.worker_a.pk}"))
    assert [_query(url) for url in anyone.values()] == [{"status": [""]}]
    every = _page(client, "status=")
    assert "楼道积水" in every and "路面坑洼" in every


def test_with_another_filter_left_the_links_status_stays_as_it_was(org, as_user):
    _open_and_closed(org)
    client = as_user(org.secretary_a)
    chips = _chips(_page(client, f"assignee={org.worker_a.pk}&created_from=2020-01-01"))
    assert _query(chips["登记起：2020-01-01"]) == {"assignee": [str(org.worker_a.pk)]}
    page = _page(client, urlsplit(chips["登记起：2020-01-01"]).query)
    assert "路面坑洼" in page  # still any status: the worker's cases, resolved ones too


@pytest.mark.parametrize("query", ["since=2026-13-45", "utm_source=wechat&page=1", "sort=newest", "q="])
def test_a_parameter_that_is_no_filter_leaves_the_open_list(org, as_user, query):
    _open_and_closed(org)
    page = _page(as_user(org.secretary_a), query)
    assert "楼道积水" in page and "路面坑洼" not in page
    assert re.search(r'class="chip selected"><input type="radio" name="status" value="open"', page)
    assert "not-applied" not in page  # ignored, as a tracker's parameter: nothing to say


def test_a_chips_link_drops_the_filters_that_were_refused_and_the_unknown_ones(org, as_user):
    make_case(org.worker_a, org.a, title="路面坑洼", code="roads", assignee=org.worker_a)
    client = as_user(org.secretary_a)
    page = _page(client, f"status=&assignee={org.worker_a.pk}&category=999&created_to=2026-02-30&since=x")
    chips = _chips(page)
    assert list(chips) == ["承办人：李敏"]
    assert _query(chips["承办人：李敏"]) == {"status": [""]}


# --- Review 4, finding N2: a filter that cannot be used keeps the panel closed -----------------------------


@pytest.mark.parametrize(
    "query",
    ["created_from=abc&created_to=2026-02-30", "overdue=1&category=999", "sort=zzz&assignee=99999"],
)
def test_a_filter_from_a_link_that_cannot_be_used_is_said_above_the_results_the_panel_closed(
    org, as_user, query
):
    make_case(org.worker_a, org.a, title="楼道积水")
    page = _page(as_user(org.secretary_a), query)
    assert not _panel_open(page) and "{#" not in page
    # Its fields in error are left as they are: needle.js opens no panel marked data-errors-said.
    assert re.search(r'<details class="filter-panel" data-errors-said[ >]', page)
    notice = page.index('class="form-errors not-applied"')
    count = page.index('class="muted small result-count"')
    assert page.index("</details>") < notice < count
    if "overdue" in query:
        assert page.index('class="filter-chips"') < count and "仅看逾期" in _chips(page)


# --- The notice's link to correct what it could not read ----------------------------------------------


def _fix_link(page: str) -> tuple[str, str]:
    """The "not applied" notice's link: its address (unescaped) and its words."""
    notice = re.search(r'<div class="form-errors not-applied" role="alert"[^>]*>(.*?)</div>', page, re.S)[1]
    href, words = re.search(r'<a href="([^"]+)" data-open-filters>(.*?)</a>', notice).groups()
    return html.unescape(href), words


@pytest.mark.parametrize(("language", "words"), [(ZH, "修改筛选条件"), (EN, "Correct the filters")])
def test_the_notice_links_to_the_list_with_the_panel_open_at_the_first_filter_it_could_not_read(
    org, as_user, language, words
):
    """Without JavaScript too: ?panel=open draws the panel open, the anchor its first field in error
    (static/js/needle.js opens it in place instead). Before, nothing led from the notice to the
    filter, in a panel drawn closed."""
    make_case(org.worker_a, org.a, title="楼道积水")
    client = as_user(org.secretary_a)
    page = _page(client, "overdue=1&created_from=abc&created_to=2026-02-30&page=1", language)
    href, said = _fix_link(page)
    assert said == words
    url = urlsplit(href)
    assert url.path == reverse("cases:list") and url.fragment == "id_created_from"
    assert parse_qs(url.query) == {
        "overdue": ["1"],
        "created_from": ["abc"],
        "created_to": ["2026-02-30"],
        "panel": ["open"],
    }
    opened = _page(client, url.query, language)
    assert _panel_open(opened)
    assert re.search(r'<input type="date" name="created_from" value="abc"[^>]*id="id_created_from"', opened)
    start = opened.index('<details class="filter-panel"')
    assert 'aria-invalid="true"' in opened[start : opened.index("</details>", start)]
    # The panel's parameter is no filter: the chips, the export and the list are as without it.
    assert "panel" not in " ".join(_chips(opened).values())
    # No export beside a filter not applied (tests/cases/test_list_export_offer.py); once offered, its
    # link holds no panel either.
    assert not re.search(r'href="[^"]*cases\.xlsx', opened)
    valid = _page(client, "overdue=1&panel=open", language)
    assert "panel=" not in re.search(r'href="([^"]*cases\.xlsx[^"]*)"', valid)[1]


def test_the_panel_opened_by_the_notice_stays_on_its_page_not_the_next(org, as_user):
    for n in range(26):
        make_case(org.worker_a, org.a, title=f"楼道积水{n}")
    page = _page(as_user(org.secretary_a), "status=&created_from=abc&panel=open")
    assert _panel_open(page)
    following = html.unescape(re.search(r'<a class="button small" href="([^"]+)" rel="next">', page)[1])
    assert parse_qs(urlsplit(following).query, keep_blank_values=True) == {
        "status": [""],
        "created_from": ["abc"],
        "page": ["2"],
    }


def test_the_notice_in_the_htmx_answer_links_the_same(org, as_user):
    make_case(org.worker_a, org.a, title="楼道积水")
    page = _page(
        as_user(org.secretary_a),
        "created_from=2026-99-01",
        ZH,
        **{"hx-request": "true", "hx-target": "case-results"},
    )
    assert page.lstrip().startswith('<div id="case-results"')
    href, _words = _fix_link(page)
    assert href == reverse("cases:list") + "?created_from=2026-99-01&panel=open#id_created_from"
