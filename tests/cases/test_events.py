"""The timeline's words: every event kind, written by its service, read in Chinese and in English;
rows written before the payloads were typed still read the same."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone, translation

from cases import events, services
from cases.models import Aid, Case, CaseCategory, CaseEvent, OutsideBody
from cases.rules import Action
from committee.access import Access
from committee.scoping import unscoped
from tests.factories import jpeg_upload, logged_on, make_building, make_case, make_resident

DAY = datetime.timedelta(days=1)


def _reads(event: CaseEvent, language: str, files=()) -> str:
    """The sentence of an event as a user of this language reads it on the timeline."""
    with translation.override(language):
        return str(events.sentence(event, files))


def _last(case: Case) -> CaseEvent:
    return CaseEvent.all_objects.filter(case=case).order_by("-pk").first()


def _says(event: CaseEvent, english: str, chinese: str) -> None:
    assert _reads(event, "en") == english
    assert _reads(event, "zh-hans") == chinese


@pytest.fixture
def staff(org):
    return Access(org.secretary_a), Access(org.worker_a)


@pytest.fixture
def body():
    return OutsideBody.objects.get(name="物业公司")


def test_created(org):
    _says(_last(make_case(org.worker_a, org.a)), "Logged the case.", "登记了事项。")
    assigned = make_case(org.worker_a, org.a, assignee=org.worker_a)
    _says(_last(assigned), "Logged the case. Assigned to 李敏.", "登记了事项。分派给李敏。")
    # Logged in progress (somebody is on it): the event keeps the status it began in.
    assert assigned.status == Case.Status.IN_PROGRESS and _last(assigned).data["to"] == "in_progress"
    assert "to" not in _last(make_case(org.worker_a, org.a)).data


def test_note_says_its_words_under_an_empty_sentence(org, staff, as_user):
    case = make_case(org.worker_a, org.a)
    services.add_note(access=staff[1], case=case, text="电话联系了物业")
    _says(_last(case), "", "")
    assert (
        "电话联系了物业"
        in as_user(org.worker_a).get(reverse("cases:detail", args=[case.pk])).content.decode()
    )


def test_edited_says_what_changed(org, staff):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    due = case.due_date
    later = due + 7 * DAY
    services.edit(access=staff[1], case=case, changes={"due_date": later, "priority": "urgent"})
    _says(
        _last(case),
        f"Edited the case: priority normal → urgent, due date {due} → {later}.",
        f"修改了事项：紧急程度 一般 → 紧急，办理期限 {due} → {later}。",
    )


def test_edited_masks_numbers_in_text_and_only_names_the_description(org, staff):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    services.edit(
        access=staff[1],
        case=case,
        changes={"title": "楼道积水 13812345678", "description": "住户说 13812345678 会来开门"},
    )
    _says(
        _last(case),
        "Edited the case: title 楼道积水 → 楼道积水 138****5678, description.",
        "修改了事项：标题 楼道积水 → 楼道积水 138****5678，描述。",
    )
    assert "13812345678" not in _reads(_last(case), "zh-hans")


def test_edited_sensitive_and_category_read_in_the_readers_language(org, staff):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    services.edit(access=staff[0], case=case, changes={"sensitive": True})
    _says(_last(case), "Edited the case: sensitive no → yes.", "修改了事项：敏感 否 → 是。")
    before, after = case.category, CaseCategory.objects.exclude(pk=case.category_id).first()
    services.edit(access=staff[1], case=case, changes={"category": after})
    _says(
        _last(case),
        f"Edited the case: category {before.name_en} → {after.name_en}.",
        f"修改了事项：类别 {before.name} → {after.name}。",
    )


def test_reporters_added(org, staff):
    case = make_case(org.worker_a, org.a)
    services.add_reporters(access=staff[1], case=case, residents=[make_resident(org.a, name="李师傅")])
    _says(_last(case), "More reporters: 李师傅.", "新增反映人：李师傅。")


def test_assigned_taken_and_unassigned(org, staff):
    secretary, worker = staff
    case = make_case(org.worker_a, org.a)
    services.take(access=worker, case=case)
    # Taking a new case puts it in progress: the one event says both.
    _says(_last(case), "Took the case; now in progress.", "认领了事项，转为办理中。")
    services.assign(access=secretary, case=case, assignee=org.secretary_a)
    _says(_last(case), "Assigned to 周勤.", "分派给周勤。")  # in progress already: no status to tell
    services.assign(access=secretary, case=case, assignee=None)
    _says(_last(case), "Unassigned.", "取消分派。")
    given = make_case(org.worker_a, org.a)
    services.assign(access=secretary, case=given, assignee=org.worker_a)
    _says(_last(given), "Assigned to 李敏; now in progress.", "分派给李敏，转为办理中。")


def test_assignments_written_before_they_moved_the_status_read_as_they_did(org):
    """Rows of the assignments that left a case new (before rules.status_when_assigned) have no
    status in their data: they read as they always did."""
    case = make_case(org.worker_a, org.a)
    taken = {"assignee": "李敏", "previous": "", "taken": True}
    _says(_old_row(case, "assigned", taken), "Took the case.", "认领了事项。")
    given = {"assignee": "李敏", "previous": "", "taken": False}
    _says(_old_row(case, "assigned", given), "Assigned to 李敏.", "分派给李敏。")


def test_status_changes(org, staff):
    secretary, worker = staff
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    services.transition(access=worker, case=case, action=Action.WAIT)
    _says(_last(case), "Status: in progress → waiting.", "状态：办理中 → 等待中。")
    services.transition(access=worker, case=case, action=Action.RESOLVE, text="已疏通")
    _says(_last(case), "Resolved.", "已办结。")
    services.record_follow_up(access=worker, case=case, satisfaction=Case.Satisfaction.SATISFIED)
    services.close(access=secretary, case=case)
    _says(_last(case), "Closed after the follow-up.", "回访后结案。")
    withdrawn = make_case(org.worker_a, org.a)
    services.transition(access=secretary, case=withdrawn, action=Action.WITHDRAW)
    _says(_last(withdrawn), "Closed: withdrawn.", "结案：居民撤回。")


def test_reopened(org, staff):
    secretary, worker = staff
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    services.transition(access=worker, case=case, action=Action.RESOLVE, text="已疏通")
    services.transition(access=secretary, case=case, action=Action.REOPEN, text="又堵了")
    _says(_last(case), "Reopened.", "重新打开。")


def test_reopen_requested_and_declined(org, staff):
    secretary, worker = staff
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    services.transition(access=worker, case=case, action=Action.RESOLVE, text="已疏通")
    services.ask_reopen(access=worker, case=case, text="又堵了")
    _says(_last(case), "Asked the secretary to reopen the case.", "申请书记重新打开此事项。")
    services.decline_reopen(access=secretary, case=case, text="是楼上的问题")
    _says(_last(case), "Declined 李敏's request to reopen.", "未同意李敏的重新打开申请。")
    # A decline written without who asked (the request's event gone) still reads.
    _says(_old_row(case, "reopen_declined", {}), "Declined the request to reopen.", "未同意重新打开申请。")


def test_referral_chase_and_reply(org, staff, body):
    worker = staff[1]
    sent = timezone.now() - 10 * DAY
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, at=sent)  # referred the day it came in
    referral = services.refer(access=worker, case=case, body=body, at=sent)
    _says(_last(case), "Referred to Property company.", "转办物业公司。")
    services.chase(access=worker, referral=referral, text="对方说在排期", at=sent + 3 * DAY)
    _says(_last(case), "Chased Property company (3 days since referral).", "催办物业公司（转办已 3 天）。")
    services.record_reply(
        access=worker, referral=referral, reply="已派人疏通", outcome="已处理", at=sent + 5 * DAY
    )
    # Chinese sentences follow each other without a space, English ones after one.
    _says(_last(case), "Reply from Property company after 5 days. 已处理", "物业公司在 5 天后答复。已处理")
    # A correction (更正答复) says so, not a second, later reply from the body.
    services.record_reply(
        access=staff[0],
        referral=referral,
        reply="已派人疏通，下周复查",
        outcome="已处理，待复查",
        correct=True,
        corrects=_last(case).pk,
        at=sent + 9 * DAY,
    )
    _says(
        _last(case),
        "Reply from Property company corrected. 已处理，待复查",
        "更正了物业公司的答复。已处理，待复查",
    )
    assert _last(case).data["correction"] is True
    assert "correction" not in CaseEvent.all_objects.filter(case=case, kind="reply").first().data


def test_follow_up_and_not_satisfied(org, staff):
    worker = staff[1]
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    services.transition(access=worker, case=case, action=Action.RESOLVE, text="已疏通")
    services.record_follow_up(access=worker, case=case, satisfaction=Case.Satisfaction.NOT_SATISFIED)
    _says(
        _last(case),
        "Follow-up call: not satisfied. <strong>Reopened.</strong>",
        "电话回访：不满意。 <strong>重新打开。</strong>",
    )
    services.transition(access=worker, case=case, action=Action.RESOLVE, text="再次疏通")
    services.record_follow_up(access=worker, case=case, satisfaction=Case.Satisfaction.SATISFIED)
    _says(_last(case), "Follow-up call: satisfied.", "电话回访：满意。")


def test_file_added_links_the_file_while_it_is_there_and_removed(org, staff):
    worker = staff[1]
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    item = services.add_attachment(access=worker, case=case, uploaded=jpeg_upload("门口<1>.jpg"))
    added = _last(case)
    _says(added, "Added the file 门口&lt;1&gt;.jpg.", "添加了文件：门口&lt;1&gt;.jpg。")
    href = reverse("cases:attachment", args=[item.pk])
    assert _reads(added, "zh-hans", {item.pk}) == f'添加了文件：<a href="{href}">门口&lt;1&gt;.jpg</a>。'
    assert events.sentence_text(added) in {"Added the file 门口<1>.jpg.", "添加了文件：门口<1>.jpg。"}
    services.remove_attachment(access=worker, attachment=item)
    _says(_last(case), "Removed the file 门口&lt;1&gt;.jpg.", "删除了文件：门口&lt;1&gt;.jpg。")


def test_aid(org, staff):
    secretary, worker = staff
    case = make_case(org.worker_a, org.a, code="hardship", assignee=org.worker_a)
    aid = services.add_aid(access=worker, case=case, kind=Aid.Kind.SUBSIDY, amount=500)
    _says(_last(case), "Aid: civil-affairs subsidy ¥500.00, applied.", "救助：民政补助 ¥500.00，已申请。")
    services.update_aid(access=secretary, aid=aid, status=Aid.Status.PAID)
    _says(_last(case), "Aid: civil-affairs subsidy ¥500.00, paid.", "救助：民政补助 ¥500.00，已发放。")


def test_duplicate(org, staff):
    case = make_case(org.worker_a, org.a)
    stays = make_case(org.worker_a, org.a, title="同一个问题")
    services.mark_duplicate(access=staff[0], case=case, of=stays)
    _says(_last(case), f"Closed as a duplicate of {stays.number}.", f"作为 {stays.number} 的重复件结案。")


def test_due_recounted(org):
    # Logged on Monday 2098-12-29 with ten working days, before anyone knew 2099's holidays (New
    # Year's Day skipped already, by law); then 2099 is entered with Friday 2 January off too
    # (cases/due_dates.py).
    from cases import due_dates
    from holidays.models import HolidayDay, HolidayYear

    case = make_case(org.worker_a, org.a, at=timezone.make_aware(datetime.datetime(2098, 12, 29, 9)))
    year = HolidayYear.objects.create(year=2099)
    HolidayDay.objects.create(schedule=year, date=datetime.date(2099, 1, 1))
    HolidayDay.objects.create(schedule=year, date=datetime.date(2099, 1, 2))
    assert due_dates.recount([2099]) == 1
    _says(
        _last(case),
        "Due date counted again on the holidays of 2099: 2099-01-13 → 2099-01-14.",
        "按 2099 年节假日安排重新计算截止日期：2099-01-13 → 2099-01-14。",
    )


def test_every_kind_has_a_payload():
    assert set(events.PAYLOADS) == set(CaseEvent.Kind.values)


def _old_row(case: Case, kind: str, data: dict) -> CaseEvent:
    return CaseEvent.all_objects.create(case=case, committee_id=case.committee_id, kind=kind, data=data)


def test_rows_written_before_the_payloads_were_typed_still_read(org):
    case = make_case(org.worker_a, org.a)
    # An assignment had no "taken"; a benchmark's chase has nothing at all; a key nobody reads is ignored.
    _says(
        _old_row(case, "assigned", {"assignee": "李敏", "previous": ""}), "Assigned to 李敏.", "分派给李敏。"
    )
    _says(
        _old_row(case, "reply", {"body": "物业公司", "days": 3, "extra": 1}),
        "Reply from 物业公司 after 3 days.",
        "物业公司在 3 天后答复。",
    )
    assert _reads(_old_row(case, "chase", {}), "en").startswith("Chased")


def test_notes_that_carried_an_edit_or_reporters_become_their_own_kinds(org):
    """The data migration that split them off "note" (0006), run again on rows written the old way."""
    case = make_case(org.worker_a, org.a)
    edit = _old_row(case, "note", {"edited": ["title"], "before": {"title": "旧"}})
    joined = _old_row(case, "note", {"reporters_added": ["李师傅"]})
    plain = _old_row(case, "note", {})
    migration = importlib.import_module("cases.migrations.0006_event_kinds_edited_and_reporters_added")
    with unscoped():  # the migration's own (historical) model has no committee scope
        migration.split_notes(apps, None)
    kinds = dict(CaseEvent.all_objects.filter(case=case).values_list("pk", "kind"))
    assert (kinds[edit.pk], kinds[joined.pk], kinds[plain.pk]) == ("edited", "reporters_added", "note")
    edit.refresh_from_db()
    # Written before an edit kept the values it set: the fields it changed, named.
    _says(edit, "Edited the case: title.", "修改了事项：标题。")


def test_the_case_page_and_sheet_read_the_timeline_in_the_users_language(org, as_user, staff, body):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, building=make_building(org.a))
    services.refer(access=staff[1], case=case, body=body)
    client = as_user(org.worker_a)
    for name in ("cases:detail", "cases:print"):
        chinese = client.get(reverse(name, args=[case.pk]), headers={"accept-language": "zh-hans"})
        assert (
            "转办物业公司。" in chinese.content.decode()
            and "登记了事项。分派给李敏。" in chinese.content.decode()
        )
        english = client.get(reverse(name, args=[case.pk]), headers={"accept-language": "en"})
        assert "Referred to Property company." in english.content.decode()


def test_a_same_day_reply_reads_naturally_and_a_late_one_is_not_green(org, as_user, staff, body):
    """Issue 12 §5: "在 0 天后答复" and a green "95 天后答复" for a reply months past its date."""
    worker = staff[1]
    today = timezone.localdate()
    same_day = make_case(org.worker_a, org.a, assignee=org.worker_a)
    quick = services.refer(access=worker, case=same_day, body=body, reply_expected_by=today + 5 * DAY)
    services.record_reply(access=worker, referral=quick, reply="已派人疏通", replied_on=today)
    _says(_last(same_day), "Reply from Property company the same day.", "物业公司当天答复。")

    late_case = make_case(org.worker_a, org.a, assignee=org.worker_a, at=logged_on(today - 95 * DAY))
    slow = services.refer(
        access=worker,
        case=late_case,
        body=body,
        sent_on=today - 95 * DAY,
        reply_expected_by=today - 80 * DAY,
    )
    services.record_reply(access=worker, referral=slow, reply="已答复", replied_on=today)
    _says(
        _last(late_case),
        "Reply from Property company after 95 days, 80 days later than expected.",
        "物业公司在 95 天后答复，比预期晚 80 天。",
    )

    client = as_user(org.worker_a)
    page = client.get(reverse("cases:detail", args=[late_case.pk]), headers={"accept-language": "zh-hans"})
    html = page.content.decode()
    assert '<span class="badge overdue">95 天后答复，逾期</span>' in html
    assert "badge green" not in html
    page = client.get(reverse("cases:detail", args=[same_day.pk]), headers={"accept-language": "en"})
    assert '<span class="badge green">Replied the same day</span>' in page.content.decode()
