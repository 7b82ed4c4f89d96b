"""Full numbers and sensitive categories: every residents page for every persona."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse

from residents.models import RevealLog
from tests.conftest import PERSONAS, client_for, copy_of_the_module, rows_of_the_module
from tests.factories import make_building, make_grid, make_household, make_resident, valid_id

ID = valid_id(datetime.date(1948, 5, 1), male=False)
PHONE = "13812345678"
LANDLINE = "65431234"


def _make_world(org):
    building = make_building(org.a, "12", grid=make_grid(org.a, worker=org.worker_a))
    home = make_household(building, "302", phone=f"021-{LANDLINE}")
    resident = make_resident(home, "周勤", phone=PHONE, id_number=ID, categories=["elderly_alone", "dibao"])
    make_resident(home, "周小明", phone="13900001111", id_number=valid_id(datetime.date(1980, 1, 1)))
    return building, home, resident


@pytest.fixture(scope="module")
def _world_of_the_module(request, _org_of_the_module, django_db_blocker):
    yield from rows_of_the_module(request, _org_of_the_module, django_db_blocker, "world", _make_world)


@pytest.fixture
def world(_world_of_the_module, org):
    """_make_world's rows, written once for the module's tests (tests/conftest.py, rows_of_the_module)."""
    return copy_of_the_module(_world_of_the_module, _make_world, org)


def _pages(building, home, resident) -> list[str]:
    pages = [
        reverse("residents:list"),
        reverse("residents:list") + "?q=zq",
        reverse("residents:list") + "?category=dibao",
        reverse("residents:buildings"),
        reverse("residents:roster"),
        reverse("residents:reveals"),
        reverse("residents:reveals_export"),
        reverse("residents:detail", args=[resident.pk]),
        reverse("residents:edit", args=[resident.pk]),
        reverse("residents:archive", args=[resident.pk]),
        reverse("residents:visit_new", args=[resident.pk]),
        reverse("residents:reveal", args=[resident.pk]),
        reverse("residents:household", args=[home.pk]),
        reverse("residents:household_edit", args=[home.pk]),
        reverse("residents:new", args=[home.pk]),
        reverse("residents:building", args=[building.pk]),
        reverse("residents:building_edit", args=[building.pk]),
        reverse("residents:household_new", args=[building.pk]),
        reverse("residents:building_new"),
        reverse("residents:grids"),
        reverse("residents:grid_new"),
        reverse("residents:grid_edit", args=[building.grid_id]),
    ]
    return pages


def _text(response) -> str:
    """A page, or every sheet and string of an .xlsx export (the reveal log's)."""
    if not response.streaming:
        return response.content.decode()
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as xlsx:
        return "".join(xlsx.read(name).decode() for name in xlsx.namelist() if name.endswith(".xml"))


def test_the_walk_covers_every_residents_page(world):
    from django.urls import get_resolver, resolve

    resolvers = [r for r in get_resolver().url_patterns if getattr(r, "namespace", None) == "residents"]
    names = {f"residents:{pattern.name}" for resolver in resolvers for pattern in resolver.url_patterns}
    assert len(names) > 10
    walked = {resolve(url.split("?")[0]).view_name for url in _pages(*world)}
    assert names <= walked, names - walked


@pytest.mark.parametrize("persona", PERSONAS[1:])
def test_no_page_shows_a_full_number_to_anyone(persona, org, world):
    client = client_for(getattr(org, persona))
    seen = 0
    for url in _pages(*world):
        response = client.get(url)
        body = _text(response)
        assert ID not in body, url
        assert PHONE not in body, url
        assert LANDLINE not in body, url
        if response.status_code == 200:
            seen += 1
    assert seen


@pytest.mark.parametrize("persona", ["viewer_a", "officer", "superuser"])
def test_readers_never_see_a_sensitive_category(persona, org, world):
    client = client_for(getattr(org, persona))
    for url in _pages(*world):
        body = client.get(url).content.decode()
        assert "低保" not in body and "dibao" not in body.replace("category=dibao", ""), url
    # Filtering by a sensitive category finds nobody for them: the filter must not leak it.
    response = client.get(reverse("residents:list") + "?category=dibao")
    assert response.context["page"].paginator.count in (0, 2)
    if response.context["page"].paginator.count:
        assert response.context["category"] is None


@pytest.mark.parametrize("persona", ["secretary_a", "worker_a"])
def test_staff_see_sensitive_categories(persona, org, world):
    _, _, resident = world
    body = (
        client_for(getattr(org, persona))
        .get(reverse("residents:detail", args=[resident.pk]))
        .content.decode()
    )
    assert "低保" in body or "dibao" in body


def test_masked_forms_are_shown(org, world):
    _, _, resident = world
    body = client_for(org.viewer_a).get(reverse("residents:detail", args=[resident.pk])).content.decode()
    assert "138****5678" in body
    assert ID[:4] + "*" * 10 + ID[-4:] in body


def test_worker_of_another_committee_gets_404(org, world):
    building, home, resident = world
    client = client_for(org.worker_b)
    for url in (
        reverse("residents:detail", args=[resident.pk]),
        reverse("residents:household", args=[home.pk]),
        reverse("residents:building", args=[building.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.get(reverse("residents:list") + "?q=zq").context["page"].paginator.count == 0


def test_the_secretary_reveals_a_number_with_a_reason_and_it_is_recorded(org, world):
    _, _, resident = world
    client = client_for(org.secretary_a)
    url = reverse("residents:reveal", args=[resident.pk])
    response = client.post(url, {"field": "id_number", "reason": "办理低保复核"})
    # Post/Redirect/Get: the answer is a redirect (the number in neither its URL nor its body); the
    # page it leads to shows the number once.
    assert response.status_code == 302 and response["Location"] == url and ID not in response.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert ID in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    log = RevealLog.all_objects.get()
    assert (log.resident, log.revealed_by, log.field, log.reason) == (
        resident,
        org.secretary_a,
        "id_number",
        "办理低保复核",
    )
    assert ID not in str(vars(log))
    audit = client.get(reverse("residents:reveals")).content.decode()
    assert "办理低保复核" in audit and "周勤" in audit and ID not in audit
    exported = _text(client.get(reverse("residents:reveals_export")))
    assert "办理低保复核" in exported and "周勤" in exported and ID not in exported


@pytest.mark.parametrize(("language", "said"), [("zh-hans", "电话："), ("en", "Phone:")])
def test_the_revealed_number_is_labelled_with_the_languages_colon(org, world, language, said):
    """ "电话: 138…" had an English colon in the Chinese page."""
    _, _, resident = world
    response = client_for(org.secretary_a).post(
        reverse("residents:reveal", args=[resident.pk]),
        {"field": "phone", "reason": "联系本人"},
        headers={"accept-language": language},
        follow=True,
    )
    revealed = response.content.decode().split('class="card revealed"')[1]
    assert f"<p>{said} <a" in revealed and PHONE in revealed


def test_the_household_phone_is_revealed_from_a_member_and_recorded(org, world):
    """The landline shows masked on the household and on its residents' pages; the secretary
    reveals it from there like a resident's own number, with a reason, and the audit lists it."""
    _, home, resident = world
    client = client_for(org.secretary_a)
    reveal_url = reverse("residents:reveal", args=[resident.pk]) + "?field=home_phone"
    for page in (
        reverse("residents:household", args=[home.pk]),
        reverse("residents:detail", args=[resident.pk]),
    ):
        body = client.get(page).content.decode()
        assert "*******1234" in body, page
        assert reveal_url.replace("&", "&amp;") in body, page
        assert reveal_url not in client_for(org.worker_a).get(page).content.decode(), page
    form = client.get(reveal_url).content.decode()
    assert 'value="home_phone" id="id_field_2" required checked' in form  # the number asked for is chosen
    response = client.post(
        reverse("residents:reveal", args=[resident.pk]),
        {"field": "home_phone", "reason": "联系家属"},
        follow=True,
    )
    assert f'href="tel:021{LANDLINE}"' in response.content.decode()  # one tap to call it
    log = RevealLog.all_objects.get()
    assert (log.resident, log.field, log.reason) == (resident, "home_phone", "联系家属")
    audit = client.get(reverse("residents:reveals")).content.decode()
    assert "联系家属" in audit and LANDLINE not in audit


def test_reloading_the_revealed_number_records_no_second_reveal_and_shows_it_no_more(org, world):
    """The number was shown in the POST's answer: a reload re-posted it (确认重新提交表单) and logged
    a second, identical reveal."""
    from audit.models import AccessRecord

    _, _, resident = world
    client = client_for(org.secretary_a)
    url = reverse("residents:reveal", args=[resident.pk])
    shown = client.post(url, {"field": "id_number", "reason": "办理低保复核"}, follow=True)
    assert ID in shown.content.decode()
    reloaded = client.get(url).content.decode()  # the browser's reload: the GET it was sent to
    assert ID not in reloaded and 'name="reason"' in reloaded
    assert RevealLog.all_objects.count() == 1
    assert AccessRecord.all_objects.filter(kind="reveal").count() == 1
    # Another resident's page is not shown the number just revealed, nor a stale one a minute later.
    client.post(url, {"field": "id_number", "reason": "办理低保复核"})
    other = make_resident(resident.household, "周小红", phone="13900001111")
    assert ID not in client.get(reverse("residents:reveal", args=[other.pk])).content.decode()
    assert ID not in client.get(url).content.decode()  # read once, by whichever page came first


def test_a_reveal_without_a_reason_reveals_nothing(org, world):
    _, _, resident = world
    response = client_for(org.secretary_a).post(
        reverse("residents:reveal", args=[resident.pk]), {"field": "phone", "reason": ""}
    )
    assert PHONE not in response.content.decode()
    assert not RevealLog.all_objects.exists()


def test_a_worker_may_not_reveal(org, world):
    _, _, resident = world
    response = client_for(org.worker_a).post(
        reverse("residents:reveal", args=[resident.pk]), {"field": "phone", "reason": "想看看"}
    )
    assert response.status_code == 403
    assert not RevealLog.all_objects.exists()


@pytest.mark.parametrize(
    ("language", "words"), [("en", ["Care roster", "Visits"]), ("zh-hans", ["关爱名册", "走访记录"])]
)
def test_the_pages_speak_english_and_chinese(language, words, org, world):
    building, home, resident = world
    client = client_for(org.worker_a)
    client.cookies["django_language"] = language
    detail = client.get(reverse("residents:detail", args=[resident.pk])).content.decode()
    assert words[0] in detail and words[1] in detail
    for url in _pages(building, home, resident):
        assert client.get(url).status_code in (200, 403), url


def test_the_reveal_form_offers_only_the_numbers_recorded(org, world):
    _, home, resident = world
    nobody = make_resident(home, "周小红")  # no ID number, no phone of her own
    client = client_for(org.secretary_a)
    form = client.get(reverse("residents:reveal", args=[resident.pk])).content.decode()
    assert all(f'value="{v}"' in form for v in ("id_number", "phone", "home_phone"))
    form = client.get(reverse("residents:reveal", args=[nobody.pk])).content.decode()
    assert 'value="home_phone"' in form and 'value="phone"' not in form and 'value="id_number"' not in form
    response = client.post(
        reverse("residents:reveal", args=[nobody.pk]), {"field": "phone", "reason": "联系本人"}
    )
    assert response.status_code == 200 and not RevealLog.all_objects.exists()
