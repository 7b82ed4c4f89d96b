"""A search by a whole ID or phone number never puts the number in an address (review 10, 3).

The addresses a browser keeps (its history, its address bar's suggestions, a proxy's or gunicorn's
access log) are what is checked: each response's Location, HX-Push-Url and every link of the page
(common/hidden_searches.py). The lists still find the resident or case, page on and go Back."""

import datetime
import io
import logging
import re

import pytest
from django.urls import reverse

from tests.factories import make_building, make_case, make_household, make_resident, valid_id

MOBILE = "18986583827"
MOBILE_TYPED = "189 8658 3827"


@pytest.fixture
def zhou(org):
    home = make_household(make_building(org.a, "12"), "302")
    return make_resident(home, "周琴", phone=MOBILE, id_number=valid_id())


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _no_number_in(address: str, *numbers: str) -> bool:
    """Whether `address` (decoded or not, its spaces as + or %20) holds none of `numbers`."""
    return not any(_digits(n) in _digits(address) for n in numbers)


def _keyed(address: str) -> bool:
    return re.search(r"[?&]s=", address) is not None


def _links(page: str) -> list[str]:
    return re.findall(r'(?:href|hx-get|hx-post|action)="([^"]*)"', page)


def test_the_registrys_search_by_a_whole_number_is_answered_at_a_key(org, zhou, as_user):
    client = as_user(org.secretary_a)
    for number in (zhou.id_number, MOBILE_TYPED):
        sent = client.post(reverse("residents:list"), {"q": number, "status": "active"})
        assert sent.status_code == 303
        address = sent["Location"]
        assert address.startswith(reverse("residents:list") + "?") and _keyed(address)
        assert _no_number_in(address, number) and "q=" not in address, address
        page = client.get(address)
        assert page.status_code == 200 and "周琴" in page.text
        assert all(_no_number_in(link, number) for link in _links(page.text))
        # Back, or the same search again: the same address, the same answer.
        assert (
            client.post(reverse("residents:list"), {"q": number, "status": "active"})["Location"] == address
        )
        assert "周琴" in client.get(address).text
    # A name stays readable in the address (a bookmark, a link to share).
    by_name = client.post(reverse("residents:list"), {"q": "周琴", "status": "active"})
    assert by_name.status_code == 303 and not _keyed(by_name["Location"]) and "q=" in by_name["Location"]


def test_as_you_type_the_address_pushed_holds_a_key_not_the_number(org, zhou, as_user):
    client = as_user(org.secretary_a)
    part = client.post(
        reverse("residents:list"), {"q": MOBILE}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert part.status_code == 200 and "周琴" in part.text and "<html" not in part.text
    pushed = part["HX-Push-Url"]
    assert _keyed(pushed) and _no_number_in(pushed, MOBILE)
    assert "周琴" in client.get(pushed).text


def test_an_address_that_brings_a_number_is_sent_to_its_key(org, zhou, as_user):
    """An old bookmark or a hand-typed URL: the page and its links no longer show the number."""
    client = as_user(org.secretary_a)
    response = client.get(reverse("residents:list"), {"q": zhou.id_number})
    assert response.status_code == 302 and _no_number_in(response["Location"], zhou.id_number)
    assert "周琴" in client.get(response["Location"]).text


def test_pages_of_a_search_by_a_number_carry_its_key(org, as_user):
    building = make_building(org.a, "12")
    for room in range(30):
        make_resident(make_household(building, f"{101 + room}"), f"王{room:02d}", phone="13812345678")
    client = as_user(org.secretary_a)
    address = client.post(reverse("residents:list"), {"q": "13812345678"})["Location"]
    page = client.get(address)
    assert page.status_code == 200, (address, page.status_code, page.get("Location"))
    assert page.text.count("王") >= 25 and "30" in page.text
    next_page = re.search(r'href="([^"]*page=2[^"]*)"', page.text)[1].replace("&amp;", "&")
    assert _keyed(next_page) and _no_number_in(next_page, "13812345678")
    second = client.get(reverse("residents:list") + next_page if next_page.startswith("?") else next_page)
    assert second.status_code == 200 and "王2" in second.text and "王00" not in second.text


@pytest.mark.parametrize(
    "language, words",
    [("en", "That search held a whole ID or phone number"), ("zh-hans", "该查找含完整的身份证号或电话号码")],
)
def test_a_key_no_longer_kept_is_said_not_read_as_no_search(org, zhou, as_user, language, words):
    """Signed in again (a new session): the key of the last session reads as nothing, and is said."""
    address = as_user(org.secretary_a).post(reverse("residents:list"), {"q": MOBILE})["Location"]
    page = as_user(org.secretary_a).get(address, headers={"Accept-Language": language})
    assert page.status_code == 200 and words in page.text


def test_the_case_list_and_its_export_keep_the_number_out_of_every_address(org, zhou, as_user):
    from cases import services
    from committee.access import Access

    case = make_case(org.secretary_a, org.a, title="楼道漏水")
    services.add_reporters(access=Access(org.secretary_a), case=case, residents=[zhou])
    client = as_user(org.secretary_a)
    sent = client.post(reverse("cases:list"), {"status": "", "q": MOBILE_TYPED})
    assert sent.status_code == 303 and _no_number_in(sent["Location"], MOBILE)
    page = client.get(sent["Location"])
    assert "楼道漏水" in page.text
    links = _links(page.text)
    assert all(_no_number_in(link, MOBILE) for link in links)
    export = next(link for link in links if link.startswith(reverse("reports:cases_xlsx")))
    export = export.replace("&amp;", "&")
    assert _keyed(export)
    workbook = client.get(export)
    assert workbook.status_code == 200
    assert "楼道漏水".encode() in _xlsx_text(b"".join(workbook.streaming_content))
    # The reports page's export form, sent by POST, downloads from an address with the key.
    sent = client.post(reverse("reports:cases_xlsx"), {"status": "", "q": MOBILE})
    assert sent.status_code == 303 and _no_number_in(sent["Location"], MOBILE)
    assert "楼道漏水".encode() in _xlsx_text(b"".join(client.get(sent["Location"]).streaming_content))


def _xlsx_text(body: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(body)) as xlsx:
        return b"".join(xlsx.read(n) for n in xlsx.namelist() if n.endswith(".xml"))


def test_the_intakes_resident_picker_searches_by_post_only(org, zhou, as_user):
    client = as_user(org.secretary_a)
    found = client.post(reverse("cases:pick_resident"), {"resident_q": MOBILE_TYPED})
    assert found.status_code == 200 and "周琴" in found.text
    # The picker's box is sent by POST; an address with the typed words searches nothing.
    assert "周琴" not in client.get(reverse("cases:pick_resident"), {"resident_q": MOBILE}).text
    page = client.get(reverse("cases:new")).text
    box = page[page.index('id="resident_q"') : page.index(">", page.index('id="resident_q"'))]
    assert "hx-post=" in box and 'hx-params="resident_q"' in box and "hx-get=" not in box


def test_the_search_forms_are_sent_by_post(org, as_user):
    """Without JavaScript too: the forms themselves, not only htmx."""
    client = as_user(org.secretary_a)
    for url in (reverse("residents:list"), reverse("cases:list"), reverse("reports:index")):
        page = client.get(url).text
        forms = re.findall(r"<form[^>]*>", page)
        searching = [f for f in forms if 'role="search"' in f or "export-form" in f]
        assert searching and all('method="post"' in f for f in searching), (url, searching)


def test_gunicorns_access_log_masks_a_number_in_an_address():
    """An old bookmark still brings one, once: gunicorn's line is masked as Needle's own are."""
    from gunicorn.config import Config

    from needle.gunicorn_logging import MaskedLogger

    config = Config()
    config.set("accesslog", "-")
    logger = MaskedLogger(config)
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logger.access_log.addHandler(handler)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/residents/?q={MOBILE}",
        "PATH_INFO": "/residents/",
        "QUERY_STRING": f"q={MOBILE}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.2",
        "HTTP_REFERER": "https://needle.example/cases/?q=189+8658+3827",
    }

    class Response:
        status, headers, response_length, sent = "200 OK", [], 10, 10

    class Request:
        headers = []

    logger.access(Response(), Request(), environ, datetime.timedelta(milliseconds=5))
    assert len(lines) == 1 and "/residents/?q=189****3827" in lines[0], lines
    assert _no_number_in(lines[0].split("10.0.0.2")[1], MOBILE), lines
