"""One 12345 work order is one problem: a number typed at the intake that a case of the committee
already carries is said ("工单 SH… 已登记为 2026-0450", linked, the reporter offered to join it),
and a second case is saved on it only when the worker ticks to log it again all the same. Two
staff entering the same order from the hotline's platform made two cases with nothing said
(review 8, finding 5). Only cases the worker may open are named: another committee's, and a
sensitive case not theirs, are not looked at."""

from django.urls import reverse

from cases.models import Case
from tests.cases.page_text import field_of, text_of
from tests.factories import admin_form_data, intake_post, make_case

NUMBER = "SH20261208000123"


def _hotline(org, **fields) -> dict:
    return intake_post(org.a, title="楼上噪音", category="dispute", source="hotline", **fields)


def _first(org, **fields) -> Case:
    return make_case(
        org.worker_a,
        org.a,
        title="12345工单：楼上噪音扰民",
        code="dispute",
        source="hotline",
        work_order_number=NUMBER,
        **fields,
    )


def test_a_work_order_already_logged_is_said_with_its_case_and_nothing_is_saved(org, as_user):
    first = _first(org)
    client = as_user(org.secretary_a)
    # Typed again in lower case with a Chinese keyboard's full-width digits: the same order.
    typed = "sh２０２６１２０８０００１２３"
    response = client.post(reverse("cases:new"), _hotline(org, work_order_number=typed))
    assert response.status_code == 200
    assert Case.all_objects.count() == 1
    said = text_of(field_of(response.text, "work_order_number"))
    assert f"工单 {NUMBER} 已登记为 {first.number}。" in said and "勾选“仍登记为新事项”" in said
    hint = response.text.split('id="work-order-hint"')[1].split("</div>")[0]
    assert f'已登记为 <a href="{reverse("cases:detail", args=[first.pk])}">{first.number}</a>' in hint
    assert reverse("cases:join", args=[first.pk]) in hint  # open: the reporter may join it instead
    assert 'name="work_order_again" value="sh20261208000123">' in hint  # not ticked for the worker
    english = client.post(
        reverse("cases:new"), _hotline(org, work_order_number=typed), headers={"accept-language": "en"}
    ).text
    assert f"Work order {NUMBER} is already logged as {first.number}." in text_of(
        field_of(english, "work_order_number")
    )
    assert "Log it as a new case all the same" in english


def test_ticked_to_log_it_again_a_second_case_is_saved(org, as_user):
    _first(org)
    client = as_user(org.secretary_a)
    form = _hotline(org, work_order_number=NUMBER, work_order_again=NUMBER.lower())
    assert client.post(reverse("cases:new"), form).status_code == 302
    assert Case.all_objects.filter(work_order_number=NUMBER).count() == 2
    # Ticked for another number, typed before the number was changed: not a choice about this one.
    other = _hotline(org, work_order_number=NUMBER, work_order_again="SH20261208000999", token="t2")
    assert client.post(reverse("cases:new"), other).status_code == 200
    assert Case.all_objects.count() == 2


def test_said_as_it_is_typed(org, as_user):
    first = _first(org)
    client = as_user(org.worker_a)
    url = reverse("cases:work_order")
    hint = client.get(url, {"work_order_number": NUMBER, "committee": org.a.pk}).text
    assert f'<a href="{reverse("cases:detail", args=[first.pk])}">{first.number}</a>' in hint
    assert f"工单 {NUMBER} 已登记为 {first.number}。" in text_of(hint)
    english = client.get(
        url, {"work_order_number": NUMBER, "committee": org.a.pk}, headers={"accept-language": "en"}
    ).text
    assert f"Work order {NUMBER} is already logged as {first.number}." in text_of(english)
    for number in ("SH20261208000124", "不知道", ""):
        assert first.number not in client.get(url, {"work_order_number": number, "committee": org.a.pk}).text
    # Asked for a committee the worker does not log in: nothing.
    assert first.number not in client.get(url, {"work_order_number": NUMBER, "committee": org.b.pk}).text


def test_a_case_the_worker_may_not_open_is_not_named(org, as_user):
    # Another committee's case, and a sensitive one of the worker's committee that is not theirs.
    elsewhere = make_case(org.worker_b, org.b, source="hotline", work_order_number=NUMBER)
    hidden = make_case(
        org.secretary_a, org.a, title="低保申请", source="hotline", work_order_number=NUMBER, sensitive=True
    )
    client = as_user(org.worker_a)
    hint = client.get(reverse("cases:work_order"), {"work_order_number": NUMBER, "committee": org.a.pk}).text
    response = client.post(reverse("cases:new"), _hotline(org, work_order_number=NUMBER))
    assert response.status_code == 302  # nothing the worker may open carries it
    assert "已登记为" not in hint and "低保申请" not in hint
    for case in (elsewhere, hidden):
        assert f"/cases/{case.pk}/" not in hint
    # The secretary sees the sensitive case: it is named to her; the other committee's is not.
    secretary = as_user(org.secretary_a)
    refused = secretary.post(reverse("cases:new"), _hotline(org, work_order_number=NUMBER, token="t3"))
    assert refused.status_code == 200
    mine = Case.all_objects.exclude(pk__in=[elsewhere.pk, hidden.pk]).get()  # the worker's, just logged
    assert f"工单 {NUMBER} 已登记为 {mine.number}。" in text_of(refused.text)  # the newest named
    assert reverse("cases:detail", args=[hidden.pk]) in refused.text  # and listed with it
    assert reverse("cases:detail", args=[elsewhere.pk]) not in refused.text


def test_the_admin_says_a_number_changed_to_one_another_case_carries(org, as_user):
    first = _first(org)
    second = make_case(
        org.secretary_a, org.a, title="楼上噪音", source="hotline", work_order_number="202612071234"
    )
    client = as_user(org.superuser)
    url = reverse("admin:cases_case_change", args=[second.pk])
    data = admin_form_data(client.get(url).text)
    response = client.post(url, {**data, "work_order_number": NUMBER}, follow=True)
    assert f"工单 {NUMBER} 也登记在 {first.number}。" in text_of(response.text)
    data = admin_form_data(client.get(url).text)
    response = client.post(url, {**data, "title": "楼上噪音（更正）"}, follow=True)
    assert "也登记在" not in response.text  # said when the number is changed, not on every save
