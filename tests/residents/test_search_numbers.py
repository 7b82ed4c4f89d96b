"""Searching by a personal number: only the digits a reader sees may match (README "Personal data").

Every reader sees a mobile as 189****3827, a landline and an ID number by their last four: the last
four find the resident for everyone, the hidden digits for no one (searched one by one, they would
spell the number out). Who may reveal the number (the secretary, in their committee) may search it
whole, as people type it; each such search is in the access log, without the number."""

import pytest
from django.urls import reverse

from audit.models import AccessRecord
from committee.access import acting_as
from residents.models import Resident
from residents.selectors import search_residents
from tests.factories import make_building, make_household, make_resident, valid_id

MOBILE = "18986583827"
LANDLINE_DIGITS = "65437788"


@pytest.fixture
def zhou(org):
    home = make_household(make_building(org.a, "12"), "302", phone=f"021-{LANDLINE_DIGITS}")
    return make_resident(home, "周琴", phone=MOBILE, id_number=valid_id())


def _listed(client, q: str) -> bool:
    """Whether the resident list's search for q shows 周琴."""
    response = client.post(reverse("residents:list"), follow=True, data={"q": q})
    assert response.status_code == 200
    return "周琴" in response.text


# The middle, a longer tail, the start and the whole of the mobile, the landline's hidden digits.
HIDDEN = [
    "8658",
    "65838",
    "86583827",
    "8986583827",
    "1898658",
    MOBILE,
    "189 8658 3827",
    "+8618986583827",
    f"{MOBILE}#",
    "1898室",
    "18986583827室",
    LANDLINE_DIGITS,
    f"021{LANDLINE_DIGITS}",
    "021-6543-7788",
    "543778",
]


@pytest.mark.parametrize("persona", ["worker_a", "viewer_a", "officer"])
def test_hidden_digits_find_no_one_for_who_sees_the_number_masked(org, zhou, as_user, persona):
    client = as_user(getattr(org, persona))
    assert _listed(client, "3827") and _listed(client, "7788")  # the last four, which they see
    for q in HIDDEN:
        assert not _listed(client, q), q
    assert not _listed(client, zhou.id_number)
    assert not _listed(client, zhou.id_number[6:14])  # the birth date inside it
    assert not AccessRecord.all_objects.filter(kind=AccessRecord.Kind.SEARCH_FULL).exists()


def test_the_secretary_finds_by_the_full_number_but_not_by_a_part_of_it(org, zhou, as_user):
    client = as_user(org.secretary_a)
    assert _listed(client, "3827")
    for q in ["8658", "65838", "86583827", "1898658", "1898室", "543778", zhou.id_number[6:14]]:
        assert not _listed(client, q), q
    for q in [MOBILE, LANDLINE_DIGITS, f"021-{LANDLINE_DIGITS}", zhou.id_number]:
        assert _listed(client, q), q


@pytest.mark.parametrize(
    "q",
    [
        "18986583827",
        "189 8658 3827",
        "189-8658-3827",
        "+8618986583827",
        "+86 189 8658 3827",
        "8618986583827",
        "0086 18986583827",
        "周 189 8658 3827",
    ],
)
def test_a_mobile_is_found_as_people_type_it(org, zhou, as_user, q):
    assert _listed(as_user(org.secretary_a), q)


def test_an_id_number_is_found_whole_with_its_x_in_either_case(org, as_user):
    number = next(n for n in (valid_id() for _ in range(40)) if n.endswith("X"))
    make_resident(org.a, "周琴", id_number=number)
    client = as_user(org.secretary_a)
    assert _listed(client, number) and _listed(client, number.lower())
    assert _listed(client, f"{number[:6]} {number[6:14]} {number[14:]}")
    assert not _listed(as_user(org.worker_a), number)


def test_a_full_number_is_searched_only_in_the_committees_where_the_reader_may_reveal_it(org, as_user):
    """A secretary of committee A reads committee B's residents as nothing more than a worker would."""
    from committee.models import Membership
    from committee.roles import Perm, Role

    Membership.objects.create(user=org.secretary_a, committee=org.b, role=Role.VIEWER)
    make_resident(org.b, "周琴", phone=MOBILE)
    with acting_as(org.secretary_a) as access:
        reveal_in = access.committees_where(Perm.REVEAL)
        found = search_residents(Resident.objects.all(), MOBILE, full_numbers_in=reveal_in)
        assert list(found) == []


@pytest.mark.parametrize("q", ["zhou qin", "ZHOU QIN", "zhouqin", "zq", "zhou  qin"])
def test_pinyin_with_a_space_finds_the_name(org, zhou, as_user, q):
    assert _listed(as_user(org.viewer_a), q)


def test_pinyin_words_still_narrow_each_other(org, zhou, as_user):
    make_resident(org.a, "周琦")
    client = as_user(org.viewer_a)
    page = client.post(reverse("residents:list"), follow=True, data={"q": "zhou qin"}).text
    assert "周琴" in page and "周琦" not in page


def test_a_search_by_a_full_number_is_in_the_access_log_without_the_number(org, zhou, as_user):
    client = as_user(org.secretary_a)
    assert _listed(client, "3827")
    assert not AccessRecord.all_objects.filter(kind=AccessRecord.Kind.SEARCH_FULL).exists()
    assert _listed(client, "189 8658 3827")
    assert _listed(client, zhou.id_number)
    records = list(AccessRecord.all_objects.filter(kind=AccessRecord.Kind.SEARCH_FULL).order_by("pk"))
    assert [(r.user_id, r.committee_id, r.resident_id) for r in records] == [
        (org.secretary_a.pk, org.a.pk, zhou.pk),
        (org.secretary_a.pk, org.a.pk, zhou.pk),
    ]
    assert [r.detail for r in records] == ["phone", "id_number"]
    for record in AccessRecord.all_objects.all():
        assert "8658" not in record.detail and zhou.id_number[6:14] not in record.detail
    log = client.get(reverse("audit:log")).text
    assert "按完整号码查找" in log and "8658" not in log
    # The resident's page lists it among who looked at them.
    assert "按完整号码查找" in client.get(reverse("residents:detail", args=[zhou.pk])).text


def test_a_full_number_search_that_finds_no_one_is_logged_too(org, zhou, as_user):
    client = as_user(org.secretary_a)
    assert not _listed(client, "13900001111")
    record = AccessRecord.all_objects.get(kind=AccessRecord.Kind.SEARCH_FULL)
    assert (record.committee_id, record.resident_id, record.detail) == (org.a.pk, None, "phone")


def test_a_full_number_search_adds_one_query(org, zhou, as_user, django_assert_num_queries):
    """The six queries of every search (tests/residents/test_roster_and_lists.py) and the log's INSERT."""
    client = as_user(org.secretary_a)
    # The form's POST answered by the list's address with a key (common/hidden_searches.py).
    address = client.post(reverse("residents:list"), {"q": MOBILE})["Location"]
    client.get(address)
    with django_assert_num_queries(7):
        assert "周琴" in client.get(address).text


def test_the_intake_picker_follows_the_same_rule(org, zhou, as_user):
    def picked(user, q: str) -> bool:
        response = as_user(user).post(reverse("cases:pick_resident"), {"resident_q": q})
        assert response.status_code == 200
        return "周琴" in response.text

    assert picked(org.worker_a, "3827") and not picked(org.worker_a, MOBILE)
    assert not picked(org.worker_a, "86583827")
    assert picked(org.secretary_a, "189 8658 3827")
    record = AccessRecord.all_objects.get(kind=AccessRecord.Kind.SEARCH_FULL)
    assert (record.user_id, record.resident_id, record.detail) == (org.secretary_a.pk, zhou.pk, "phone")


HINT = "只有能查看完整号码的人员（书记）才能用来查找"


def test_who_may_not_search_a_whole_number_is_told_why_it_found_nobody(org, zhou, as_user):
    """A worker at the desk typing the caller's number read only "没有与…匹配的居民": told why, and
    what to type instead. Not for the last four, nor for whoever may search the number whole."""
    worker, secretary = as_user(org.worker_a), as_user(org.secretary_a)
    for q in ["189 8658 3827", zhou.id_number]:
        page = worker.post(reverse("residents:list"), follow=True, data={"q": q}).text
        assert HINT in page and "周琴" not in page, q
        picker = worker.post(reverse("cases:pick_resident"), {"resident_q": q}).text
        assert HINT in picker, q
    as_you_type = worker.post(
        reverse("residents:list"), {"q": MOBILE}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert HINT in as_you_type.text
    assert HINT not in worker.post(reverse("residents:list"), follow=True, data={"q": "3827"}).text
    assert HINT not in worker.post(reverse("cases:pick_resident"), {"resident_q": "3827"}).text
    assert (
        HINT not in secretary.post(reverse("residents:list"), follow=True, data={"q": "189 8658 3827"}).text
    )


@pytest.mark.parametrize(
    "q",
    [
        "１８９８６５８３８２７",
        "189－8658－3827",
        "189\u30008658\u30003827",
        "189\u20148658\u20143827",
        "1898 658 3827",
    ],
)
def test_a_mobile_typed_in_full_width_forms_or_other_groups_is_one_whole_number(org, zhou, as_user, q):
    """Chinese input methods type full-width digits, hyphens and spaces: the box reads them as the
    number they are, for the secretary, and as a whole number no one else may search by."""
    assert _listed(as_user(org.secretary_a), q)
    worker = as_user(org.worker_a)
    page = worker.post(reverse("residents:list"), follow=True, data={"q": q}).text
    assert "周琴" not in page and HINT in page


def test_the_last_four_in_full_width_digits_find_the_resident(org, zhou, as_user):
    client = as_user(org.viewer_a)
    assert _listed(client, "３８２７") and _listed(client, "７７８８")
    assert not _listed(client, "８６５８")
