"""The case search and personal numbers: a number typed into a case's text is shown masked to every
reader, so only what the mask shows finds the case; a full number finds a case only for who may
reveal it (the secretary), through its text or its parties' records, and is noted in the access log."""

import pytest
from django.urls import reverse

from audit.models import AccessRecord
from cases import services
from cases.models import Case
from cases.search import key_for, reindex_cases_holding_numbers
from committee.scoping import unscoped
from tests.factories import make_building, make_case, make_household, make_resident, valid_id

MOBILE, CARD = "13812345678", "6222021234567890123"
ID = "310109195003050017"


@pytest.fixture
def cases(org):
    make_case(
        org.worker_a,
        org.a,
        title="来电反映漏水",
        description=f"来电人手机 138 1234 5678，身份证{ID}，银行卡{CARD}",
        work_order_number="88776655",
    )
    home = make_household(make_building(org.a, "12"), "302", phone="021-65437788")
    party = make_resident(home, "周琴", phone="18986583827", id_number=valid_id())
    make_case(org.worker_a, org.a, title="楼道堆物", parties=[services.NewParty(party)])
    return party


def _titles(client, q: str) -> set[str]:
    response = client.post(reverse("cases:list"), follow=True, data={"status": "", "q": q})
    assert response.status_code == 200
    return {title for title in ("来电反映漏水", "楼道堆物") if title in response.text}


@pytest.mark.parametrize("persona", ["worker_a", "viewer_a", "officer", "secretary_a"])
def test_hidden_digits_in_a_cases_text_find_nothing(org, cases, as_user, persona):
    client = as_user(getattr(org, persona))
    assert _titles(client, "5678") == {"来电反映漏水"}  # shown: 138****5678
    assert _titles(client, "0017") == {"来电反映漏水"}  # shown: 3101**********0017
    for q in ["1234", "12345678", "381234", "19500305", "0212345", "4567890", "8877"]:
        assert _titles(client, q) == set(), q


@pytest.mark.parametrize("persona", ["worker_a", "viewer_a", "officer"])
def test_a_full_number_finds_no_case_for_who_sees_it_masked(org, cases, as_user, persona):
    client = as_user(getattr(org, persona))
    for q in [MOBILE, "138 1234 5678", ID, "18986583827", "189 8658 3827", cases.id_number, "88776655"]:
        assert _titles(client, q) == set(), q
    assert not AccessRecord.all_objects.filter(kind=AccessRecord.Kind.SEARCH_FULL).exists()


def test_the_secretary_finds_a_case_by_a_full_number_in_its_text_or_its_parties(org, cases, as_user):
    client = as_user(org.secretary_a)
    assert _titles(client, MOBILE) == {"来电反映漏水"}
    assert _titles(client, "+86 138-1234-5678") == {"来电反映漏水"}
    assert _titles(client, ID) == {"来电反映漏水"}
    assert _titles(client, "189 8658 3827") == {"楼道堆物"}  # the party's own phone
    assert _titles(client, cases.id_number) == {"楼道堆物"}
    assert _titles(client, "65437788") == {"楼道堆物"}  # the party's household's landline
    assert _titles(client, "漏水 13812345678") == {"来电反映漏水"}  # with other words
    assert _titles(client, "堆物 13812345678") == set()
    records = AccessRecord.all_objects.filter(kind=AccessRecord.Kind.SEARCH_FULL)
    assert records.count() == 8
    assert {r.committee_id for r in records} == {org.a.pk}
    assert all(r.detail in {"phone", "id_number"} for r in records)


def test_the_key_holds_numbers_as_the_pages_show_them(org, cases):
    with unscoped():
        key = Case.all_objects.get(title="来电反映漏水").search_key
    assert "138****5678" in key and "3101**********0017" in key
    for hidden in ["1234", "19500305", "0212345678", "8877"]:
        assert hidden not in key, hidden


def test_the_upgrade_masks_the_numbers_in_keys_written_before(org, cases):
    """Keys written before this change held the numbers as typed: the migration rewrites them."""
    with unscoped():
        case = Case.all_objects.get(title="来电反映漏水")
        other = Case.all_objects.get(title="楼道堆物")
        Case.all_objects.filter(pk=case.pk).update(search_key=f" {case.number} 来电人手机 138 1234 5678 ")
        untouched = other.search_key
        reindex_cases_holding_numbers(Case.all_objects.all())
        assert Case.all_objects.get(pk=case.pk).search_key == key_for(case, [])
        assert Case.all_objects.get(pk=other.pk).search_key == untouched


def test_the_admins_case_search_matches_what_its_list_shows(org, cases, as_user):
    """The superuser's change list shows a case's title masked: its search matches as the app's,
    by the key, not the hidden digits of the text as typed."""
    client = as_user(org.superuser)

    def listed(q: str) -> bool:
        response = client.get(reverse("admin:cases_case_changelist"), {"q": q})
        assert response.status_code == 200
        return "来电反映漏水" in response.text

    with unscoped():
        number = Case.all_objects.get(title="来电反映漏水").number
    assert listed("5678") and listed("漏水") and listed(number)
    for q in ["1234", "12345678", MOBILE, "19500305", ID]:
        assert not listed(q), q


def test_who_may_not_search_a_whole_number_is_told_why_it_found_no_case(org, cases, as_user):
    hint = "只有能查看完整号码的人员（书记）才能用来查找"
    page = (
        as_user(org.worker_a)
        .post(reverse("cases:list"), follow=True, data={"status": "", "q": "138 1234 5678"})
        .text
    )
    assert hint in page and "来电反映漏水" not in page
    assert (
        hint
        not in as_user(org.worker_a)
        .post(reverse("cases:list"), follow=True, data={"status": "", "q": "5678"})
        .text
    )
    assert (
        hint
        not in as_user(org.secretary_a)
        .post(reverse("cases:list"), follow=True, data={"status": "", "q": MOBILE})
        .text
    )


# Numbers typed as a Chinese input method and people's habits have them: full-width brackets, digits
# and hyphens, an ideographic space, dashes, uneven groups, a landline in two groups without its code.
OTHERWISE = (
    "联系电话（021）6543 2100，女儿手机 138－1660－5678，儿子１３９１２３４５６７８，"
    "老伴139\u30008765\u30004321，邻居1371 234 5678"
)


@pytest.fixture
def typed_otherwise(org):
    return make_case(org.worker_a, org.a, title="独居老人家中漏水", description=OTHERWISE)


def _found(client, q: str) -> bool:
    response = client.post(reverse("cases:list"), follow=True, data={"status": "", "q": q})
    assert response.status_code == 200
    return "独居老人家中漏水" in response.text


@pytest.mark.parametrize("persona", ["worker_a", "viewer_a", "officer", "secretary_a"])
def test_hidden_digits_of_a_number_typed_otherwise_find_nothing(org, typed_otherwise, as_user, persona):
    client = as_user(getattr(org, persona))
    for q in ["2100", "5678", "５６７８", "4321", "漏水"]:  # what the page shows
        assert _found(client, q), q
    hidden = ["6543", "1660", "１６６０", "16605678", "1234", "８７６５", "8765", "1371234", "５４３２１００"]
    for q in hidden:
        assert not _found(client, q), q


@pytest.mark.parametrize("persona", ["worker_a", "viewer_a", "officer"])
def test_a_number_typed_otherwise_is_no_whole_number_to_who_sees_it_masked(
    org, typed_otherwise, as_user, persona
):
    client = as_user(getattr(org, persona))
    for q in ["13816605678", "１３８１６６０５６７８", "138－1660－5678", "65432100", "13912345678"]:
        assert not _found(client, q), q
    hint = "只有能查看完整号码的人员（书记）才能用来查找"
    assert (
        hint
        in client.post(
            reverse("cases:list"), follow=True, data={"status": "", "q": "１３８１６６０５６７８"}
        ).text
    )


def test_the_secretary_finds_a_number_typed_otherwise_by_the_whole_number(org, typed_otherwise, as_user):
    client = as_user(org.secretary_a)
    for q in [
        "13816605678",
        "138 1660 5678",
        "１３８１６６０５６７８",
        "138－1660－5678",
        "021-65432100",
        "13912345678",
        "13987654321",
        "13712345678",
    ]:
        assert _found(client, q), q


def test_the_key_holds_numbers_typed_otherwise_as_the_pages_show_them(org, typed_otherwise):
    with unscoped():
        key = Case.all_objects.get(pk=typed_otherwise.pk).search_key
    for shown in ["****2100", "138****5678", "139****5678", "139****4321", "137****5678"]:
        assert shown in key, shown
    for hidden in ["6543", "1660", "１６６０", "1234", "２３４", "8765", "1371", "234 5678"]:
        assert hidden not in key, hidden


def test_the_upgrade_masks_numbers_typed_otherwise_in_keys_written_before(org, typed_otherwise):
    """Keys written before these forms were read held them as typed; full-width digits were kept in
    them too (a search for 3号楼 missed ３号楼): the migration rewrites both, and no other."""
    plain = make_case(org.worker_a, org.a, title="楼道堆物", description="2026-12-07 14:30上门，补助1,200元")
    wide = make_case(org.worker_a, org.a, title="３号楼楼道积水")
    with unscoped():
        Case.all_objects.filter(pk=typed_otherwise.pk).update(search_key=f" x {OTHERWISE.lower()} ")
        Case.all_objects.filter(pk=wide.pk).update(search_key=f" {wide.number} ３号楼楼道积水 ")
        untouched = Case.all_objects.get(pk=plain.pk).search_key
        assert reindex_cases_holding_numbers(Case.all_objects.all()) >= 2
        assert Case.all_objects.get(pk=typed_otherwise.pk).search_key == key_for(typed_otherwise, [])
        assert Case.all_objects.get(pk=wide.pk).search_key == key_for(wide, [])
        assert Case.all_objects.get(pk=plain.pk).search_key == untouched


def test_full_width_digits_in_a_case_and_in_the_box_find_each_other(org, as_user):
    make_case(org.worker_a, org.a, title="３号楼楼道积水")
    make_case(org.worker_a, org.a, title="12号楼电梯故障")
    client = as_user(org.viewer_a)

    def titles(q: str) -> set[str]:
        text = client.post(reverse("cases:list"), follow=True, data={"status": "", "q": q}).text
        return {t for t in ("３号楼楼道积水", "12号楼电梯故障") if t in text}

    assert titles("3号楼") == {"３号楼楼道积水"}
    assert titles("３号楼") == {"３号楼楼道积水"}
    assert titles("１２号楼") == {"12号楼电梯故障"}
