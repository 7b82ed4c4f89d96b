"""Pages of personal data are kept by no cache: a front-desk computer shared by the committee must not
show a resident's page or a case from its cache, nor by Back after a logout (needle/middleware.py
PrivatePagesMiddleware)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from tests.factories import jpeg_upload, make_case, make_resident


def _kept_by_no_cache(response) -> bool:
    cache_control = response["Cache-Control"]
    return "no-store" in cache_control and "private" in cache_control


def test_the_case_and_resident_pages_and_their_forms_are_kept_by_no_cache(org, as_user):
    resident = make_resident(org.a, name="王秀英", phone="13812345678")
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    client = as_user(org.secretary_a)
    pages = [
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:print", args=[case.pk]),
        reverse("cases:new") + f"?resident={resident.pk}",
        reverse("residents:detail", args=[resident.pk]),
        reverse("residents:edit", args=[resident.pk]),
        reverse("residents:household", args=[resident.household_id]),
        reverse("residents:household_edit", args=[resident.household_id]),
        reverse("residents:list"),
        reverse("cases:list"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _kept_by_no_cache(response), (url, response.get("Cache-Control"))
    # The case page's part swapped in by htmx, and a form drawn again with its errors.
    part = client.get(reverse("cases:detail", args=[case.pk]), headers={"HX-Request": "true"})
    assert part.status_code == 200 and _kept_by_no_cache(part)
    refused = client.post(
        reverse("residents:edit", args=[resident.pk]), {"name": "王秀英", "phone": "12345", "version": "0"}
    )
    assert refused.status_code in (200, 409) and _kept_by_no_cache(refused)
    edit = {
        "title": "楼道积水",
        "category": str(case.category_id),
        "priority": "normal",
        "due_date": (timezone.localdate() + datetime.timedelta(days=400 * 3)).isoformat(),
        "version": str(case.version),
    }
    out_of_range = client.post(reverse("cases:edit", args=[case.pk]), edit)
    assert out_of_range.status_code == 200 and _kept_by_no_cache(out_of_range)


def test_a_cases_files_and_downloads_are_kept_by_no_cache(org, as_user):
    """A case's photo (and its phone-sized copy), a PDF, the registry's .xlsx and the monthly summary's
    text file: none is stored by the browser, as the pages are not (review 10, 12)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases import services
    from committee.access import Access

    make_resident(org.a, name="王秀英", phone="13812345678")
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    photo = services.add_attachment(access=Access(org.worker_a), case=case, uploaded=jpeg_upload())
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF", "application/pdf")
    pdf = services.add_attachment(access=Access(org.worker_a), case=case, uploaded=scan)
    client = as_user(org.secretary_a)
    month = timezone.localdate().strftime("%Y-%m")
    downloads = [
        reverse("cases:attachment", args=[photo.pk]),
        reverse("cases:attachment", args=[photo.pk]) + "?size=display",
        reverse("cases:attachment", args=[pdf.pk]),
        reverse("reports:summary_txt") + f"?month={month}",
        reverse("reports:ledger") + f"?month={month}",
        reverse("reports:cases_xlsx") + "?status=open",
    ]
    for url in downloads:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _kept_by_no_cache(response), (url, response.get("Cache-Control"))
    # The registry's export, masked and with full numbers (the secretary, with a reason).
    masked = client.get(reverse("imports:export"))
    full = client.post(
        reverse("imports:export"), {"committee": org.a.pk, "full": "1", "reason": "年度人口核对"}
    )
    for response in (masked, full):
        assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd")
        assert _kept_by_no_cache(response), response.get("Cache-Control")
