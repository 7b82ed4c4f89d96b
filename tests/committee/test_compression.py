"""Pages go out gzipped to browsers that accept it; files do not."""

import gzip

from django.urls import reverse

from tests.factories import jpeg_upload, make_case


def test_a_page_is_sent_gzipped_and_reads_the_same(org, as_user):
    client = as_user(org.secretary_a)
    plain = client.get(reverse("cases:list"))
    packed = client.get(reverse("cases:list"), headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 2
    page = gzip.decompress(packed.content).decode()
    assert "事项" in page and page.count("<li") == plain.text.count("<li")


def test_a_photo_is_sent_as_it_is(org, as_user):
    from cases import services
    from committee.access import acting_as

    case = make_case(org.worker_a, org.a)
    with acting_as(org.worker_a) as access:
        item = services.add_attachment(access=access, case=case, uploaded=jpeg_upload())
    response = as_user(org.worker_a).get(
        reverse("cases:attachment", args=[item.pk]), headers={"Accept-Encoding": "gzip"}
    )
    assert response.status_code == 200 and not response.has_header("Content-Encoding")
