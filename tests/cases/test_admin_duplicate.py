"""A case closed as a duplicate in the admin (services.record_correction) reads on its timeline as
one closed on the case page (services.mark_duplicate): "closed as a duplicate of 2026-0001", not a
status corrected, both it and the case kept marked as the admin's. The admin's form locks the case
and the case kept, in id order, before its checks (cases/duplicates.py both_locked): two closings at
once, each case into the other, left both closed, each folded into the other."""

import re
import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from cases import services
from cases.models import Case, CaseEvent, CaseParty
from committee.access import Access
from tests.cases.page_text import text_of
from tests.factories import admin_form_data, make_case, make_resident

DUPLICATE = {"status": ["closed"], "closure": ["duplicate"]}


def _close_in_admin(client, case: Case, of: Case, language: str = "zh-hans"):
    url = reverse("admin:cases_case_change", args=[case.pk])
    said_in = {"accept-language": language}  # the form's dates read as written, in its language
    data = admin_form_data(client.get(url, headers=said_in).text)
    data = {**data, **DUPLICATE, "duplicate_of": [str(of.pk)]}
    return client.post(url, data, headers=said_in)


def _timeline(client, case: Case, language: str) -> str:
    page = client.get(reverse("cases:detail", args=[case.pk]), headers={"accept-language": language}).text
    return text_of(re.search(r'<ol class="timeline">.*?</ol>', page, re.S).group(0))


@pytest.mark.parametrize(
    ("language", "closed_says", "kept_says", "not_said"),
    [
        (
            "zh-hans",
            "在管理后台更正：作为 {kept} 的重复件结案。",
            "在管理后台更正：{closed} 已作为重复件并入本事项，李师傅随之加入本事项。",
            "在管理后台更正状态",
        ),
        (
            "en",
            "Corrected in the admin: closed as a duplicate of {kept}.",
            "Corrected in the admin: {closed} was closed as a duplicate of this case; 李师傅 joined this "
            "case from it.",
            "Corrected in the admin: status",
        ),
    ],
)
def test_the_timelines_say_the_case_was_closed_as_a_duplicate_in_the_admin(
    org, as_user, language, closed_says, kept_says, not_said
):
    reporter = make_resident(org.a, name="李师傅")
    kept = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    closed = make_case(org.secretary_a, org.a, parties=[services.NewParty(reporter, CaseParty.Role.REPORTER)])
    assert _close_in_admin(as_user(org.superuser), closed, kept, language).status_code == 302
    marked = CaseEvent.all_objects.filter(case=closed).latest("pk")
    assert (marked.kind, marked.actor, marked.data) == (
        CaseEvent.Kind.DUPLICATE,
        org.superuser,
        {"of": kept.number, "of_id": kept.pk, "corrected": True},
    )
    assert not CaseEvent.all_objects.filter(case=closed, kind=CaseEvent.Kind.STATUS).exists()
    secretary = as_user(org.secretary_a)
    said = _timeline(secretary, closed, language)
    assert closed_says.format(kept=kept.number) in said and not_said not in said
    assert kept_says.format(closed=closed.number) in _timeline(secretary, kept, language)


def test_the_case_page_closing_is_not_said_as_the_admins(org, as_user):
    kept = make_case(org.worker_a, org.a, title="楼道积水")
    closed = make_case(org.secretary_a, org.a)
    services.mark_duplicate(access=Access(org.secretary_a), case=closed, of=kept)
    said = _timeline(as_user(org.secretary_a), closed, "zh-hans")
    assert f"作为 {kept.number} 的重复件结案。" in said and "在管理后台更正" not in said
    assert "在管理后台更正" not in _timeline(as_user(org.secretary_a), kept, "zh-hans")


@pytest.mark.django_db(transaction=True)
def test_two_admins_closing_each_case_into_the_other_wait_and_the_second_is_refused(org, as_user):
    """Two administrators close each of two cases as a duplicate of the other at once. Each form
    locked only its own case: both read the other case open, passed the check, and met at the save
    (the committee's lock, then each folding into the case the other held): a deadlock, one of them
    an error page. Both cases locked first, in id order, the second waits for the first's commit,
    then reads the case it typed closed into its own and is refused, nothing saved."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks: one writer at a time")
    from reports.rollup import lock_current_month

    one = make_case(org.secretary_a, org.a, title="楼道积水")
    other = make_case(org.secretary_a, org.a, title="楼道又积水")
    forms, saved = {}, {}
    for case, into in ((one, other), (other, one)):
        client = as_user(org.superuser)
        url = reverse("admin:cases_case_change", args=[case.pk])
        data = {**admin_form_data(client.get(url).text), **DUPLICATE, "duplicate_of": [str(into.pk)]}
        forms[case.pk] = (client, url, data)

    def close(pk: int) -> None:
        client, url, data = forms[pk]
        try:
            saved[pk] = client.post(url, data, headers={"accept-language": "zh-hans"})
        except Exception as error:  # the deadlock: said by the assertion below
            saved[pk] = error
        finally:
            connection.close()

    racing = [threading.Thread(target=close, args=[pk]) for pk in forms]
    with transaction.atomic():
        lock_current_month(org.a.pk)  # the saves wait here, both forms sent by then
        for thread in racing:
            thread.start()
        for thread in racing:
            thread.join(timeout=1.5)
            assert thread.is_alive()
    for thread in racing:
        thread.join(timeout=30)
    codes = sorted(getattr(response, "status_code", 0) for response in saved.values())
    assert codes == [200, 302], saved
    (refused,) = [pk for pk, response in saved.items() if response.status_code == 200]
    (closed,) = set(forms) - {refused}
    refused, closed = Case.all_objects.get(pk=refused), Case.all_objects.get(pk=closed)
    assert f"{closed.number} 已作为本事项的重复件结案。" in text_of(saved[refused.pk].text)
    assert (closed.status, closed.duplicate_of_id) == (Case.Status.CLOSED, refused.pk)
    assert (refused.status, refused.duplicate_of_id) == (Case.Status.NEW, None)


def test_the_case_it_duplicates_corrected_alone_keeps_to_the_same_rules(org, as_user):
    """A case closed as a duplicate, only its case corrected: into a case closed as a duplicate
    itself, or into itself, refused as the case page refuses them (it was not checked: the form checked
    the duplicate only with a move of the status, and the save folded the case into a closed one);
    into another open case, said on both timelines as the admin's."""
    kept, original = make_case(org.worker_a, org.a), make_case(org.worker_a, org.a)
    folded, closed = make_case(org.worker_a, org.a), make_case(org.secretary_a, org.a)
    secretary, client = Access(org.secretary_a), as_user(org.superuser)
    services.mark_duplicate(access=secretary, case=folded, of=original)
    services.mark_duplicate(access=secretary, case=closed, of=kept)
    url = reverse("admin:cases_case_change", args=[closed.pk])
    for typed, said in (
        (folded, f"{folded.number} 已作为 {original.number} 的重复件结案，请填写 {original.number}。"),
        (closed, "请选择本居委会的另一件事项。"),
    ):
        response = client.post(
            url, {**admin_form_data(client.get(url).text), "duplicate_of": [str(typed.pk)]}
        )
        assert response.status_code == 200 and said in text_of(response.text)
        closed.refresh_from_db()
        assert closed.duplicate_of_id == kept.pk
    response = client.post(url, {**admin_form_data(client.get(url).text), "duplicate_of": [str(original.pk)]})
    assert response.status_code == 302
    said = _timeline(as_user(org.secretary_a), closed, "zh-hans")
    assert f"在管理后台更正：作为 {original.number} 的重复件结案。" in said
    assert f"在管理后台更正：{closed.number} 已作为重复件并入本事项。" in _timeline(
        as_user(org.secretary_a), original, "zh-hans"
    )
