"""Uploads are checked by content, stored privately under random names, and served only to those
who may see the case."""

import io
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cases import services, uploads
from cases.models import Attachment
from committee.access import Access
from committee.scoping import committee_scope
from tests.factories import jpeg_bytes, jpeg_upload, make_case


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.jpg", jpeg_bytes(), "image/jpeg"),
        ("a.png", _image("PNG"), "image/png"),
        ("a.webp", _image("WEBP"), "image/webp"),
        ("a.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF", "application/pdf"),
        ("photo", jpeg_bytes(), "image/jpeg"),  # no extension: the content decides
    ],
)
def test_accepted_kinds(name, content, expected):
    assert uploads.sniff(SimpleUploadedFile(name, content)) == expected


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", b"<html><script>alert(1)</script></html>"),  # a renamed .html
        ("page.html", b"<!doctype html><p>hi"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"not really a png"),  # right magic, broken image
        ("doc.docx", b"PK\x03\x04 zip"),
    ],
)
def test_refused_by_content(name, content):
    with pytest.raises(ValidationError):
        uploads.sniff(SimpleUploadedFile(name, content))


def test_too_large_is_refused(settings):
    settings.UPLOAD_MAX_MB = 0
    with pytest.raises(ValidationError):
        uploads.sniff(SimpleUploadedFile("a.jpg", jpeg_bytes()))


def test_renamed_html_upload_is_refused_by_the_page(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    evil = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")
    response = as_user(org.worker_a).post(
        reverse("cases:attach", args=[case.pk]), {"files": evil, "stage": "before"}, follow=True
    )
    # At the case's address, the refusal in the form (test_refused_in_its_form.py, test_add_nothing.py).
    assert response.redirect_chain == [(reverse("cases:detail", args=[case.pk]), 302)]
    assert response.status_code == 200 and "photo.jpg" in response.content.decode()
    assert not Attachment.all_objects.exists()


def test_stored_privately_under_a_random_name(org):
    case = make_case(org.worker_a, org.a)
    item = services.add_attachment(
        access=Access(org.worker_a), case=case, uploaded=jpeg_upload("王阿姨家门口.jpg")
    )
    path = Path(item.file.path)
    assert path.is_file()
    assert Path(settings.MEDIA_ROOT, "private") in path.parents
    assert "王阿姨" not in item.file.name and path.suffix == ".jpg"
    assert item.original_name == "王阿姨家门口.jpg"
    with pytest.raises(ValueError):
        item.file.url  # noqa: B018 (no public URL exists)


EXPECTED = {
    "anonymous": 302,
    "secretary_a": 200,
    "worker_a": 200,
    "viewer_a": 200,
    "worker_b": 404,
    "officer": 200,
    "superuser": 200,
}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_attachment_access_for_every_persona(org, as_user, persona):
    case = make_case(org.worker_a, org.a)
    item = services.add_attachment(access=Access(org.worker_a), case=case, uploaded=jpeg_upload())
    user = None if persona == "anonymous" else getattr(org, persona)
    response = as_user(user).get(reverse("cases:attachment", args=[item.pk]))
    assert response.status_code == EXPECTED[persona]
    if response.status_code == 200:
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == Path(item.file.path).read_bytes()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("secretary_a", 200), ("worker_a", 200), ("viewer_a", 404), ("officer", 404), ("worker_b", 404)],
)
def test_sensitive_case_attachment(org, as_user, persona, status):
    from tests.factories import make_user

    logger = make_user("worker_a3", committee=org.a)
    case = make_case(logger, org.a, sensitive=True)
    services.assign(access=Access(org.secretary_a), case=case, assignee=org.worker_a)
    item = services.add_attachment(access=Access(logger), case=case, uploaded=jpeg_upload())
    assert (
        as_user(getattr(org, persona)).get(reverse("cases:attachment", args=[item.pk])).status_code == status
    )


def test_a_pdf_downloads_and_keeps_its_name(org, as_user):
    case = make_case(org.worker_a, org.a)
    pdf = SimpleUploadedFile("回复函.pdf", b"%PDF-1.4\n%%EOF", "application/pdf")
    item = services.add_attachment(access=Access(org.worker_a), case=case, uploaded=pdf)
    response = as_user(org.worker_a).get(reverse("cases:attachment", args=[item.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert "%E5%9B%9E%E5%A4%8D%E5%87%BD.pdf" in response["Content-Disposition"]


def _remove(client, item):
    return client.post(reverse("cases:attachment_remove", args=[item.pk]))


def test_the_uploader_removes_a_photo_and_the_timeline_keeps_a_note(
    org, as_user, django_capture_on_commit_callbacks
):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    item = services.add_attachment(access=Access(org.worker_a), case=case, uploaded=jpeg_upload("身份证.jpg"))
    path = Path(item.file.path)
    client = as_user(org.worker_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _remove(client, item)
    assert response.status_code == 302
    assert not Attachment.all_objects.exists()
    assert not path.exists()  # the stored file is gone too, not only its record
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "身份证.jpg" in page  # the timeline: added, then removed, by whom
    assert reverse("cases:attachment", args=[item.pk]) not in page  # no link to a file that is gone
    with committee_scope([org.a.pk]):
        kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["created", "photo_added", "photo_removed"]


def test_another_worker_may_not_remove_a_photo_but_the_secretary_may(org, as_user):
    from tests.factories import make_user

    colleague = make_user("worker_a4", committee=org.a)
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    item = services.add_attachment(access=Access(org.worker_a), case=case, uploaded=jpeg_upload())
    page = as_user(colleague).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:attachment_remove", args=[item.pk]) not in page
    assert _remove(as_user(colleague), item).status_code == 403
    assert _remove(as_user(org.worker_b), item).status_code == 404
    assert Attachment.all_objects.filter(pk=item.pk).exists()
    page = as_user(org.secretary_a).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:attachment_remove", args=[item.pk]) in page
    assert _remove(as_user(org.secretary_a), item).status_code == 302
    assert not Attachment.all_objects.filter(pk=item.pk).exists()


def test_a_failed_removal_keeps_the_file(org, monkeypatch, django_capture_on_commit_callbacks):
    """The file is deleted only once the record's deletion is committed."""
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    item = services.add_attachment(access=Access(org.worker_a), case=case, uploaded=jpeg_upload())
    path = Path(item.file.path)

    def failing_event(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services.events, "record", failing_event)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        services.remove_attachment(access=Access(org.worker_a), attachment=item)
    assert Attachment.all_objects.filter(pk=item.pk).exists() and path.exists()


def test_a_photo_is_kept_by_no_cache_and_gone_once_removed(org, as_user, django_capture_on_commit_callbacks):
    """A case's photo and its phone-sized copy are stored by no browser (no-store, as the pages): a
    shared front-desk computer keeps no resident's home on its disk after logout (review 10, 12),
    and once the photo is removed it is 404, even to a browser that says it had it."""
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    item = services.add_attachment(access=Access(org.worker_a), case=case, uploaded=jpeg_upload())
    client = as_user(org.worker_a)
    url = reverse("cases:attachment", args=[item.pk])
    for asked in (url, url + "?size=display"):
        first = client.get(asked)
        assert first.status_code == 200, asked
        cache_control = {part.strip() for part in first["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= cache_control and "Last-Modified" not in first, asked
    # A browser that had kept it from before gets the file again, not "not modified".
    again = client.get(url, headers={"If-Modified-Since": "Tue, 08 Dec 2026 04:00:00 GMT"})
    assert again.status_code == 200 and "no-store" in again["Cache-Control"]
    with django_capture_on_commit_callbacks(execute=True):
        _remove(client, item)
    assert client.get(url).status_code == 404
    # Another tab's "remove" finds nothing to remove, and the timeline notes one removal.
    assert _remove(client, item).status_code == 404
    with committee_scope([org.a.pk]):
        assert list(case.events.values_list("kind", flat=True)).count("photo_removed") == 1


def test_a_number_in_a_files_name_is_masked_in_its_download_and_its_removal(org, as_user):
    """A photo or scan named after a resident's ID or phone: the name the browser saves it under
    (Content-Disposition, kept in the Downloads folder and the browser's list of downloads) and the
    message after removing it show the number masked, as every page does."""
    from django.contrib.messages import get_messages

    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    scan = SimpleUploadedFile("身份证310109195003050017.pdf", b"%PDF-1.4\n%%EOF", "application/pdf")
    pdf = services.add_attachment(access=Access(org.worker_a), case=case, uploaded=scan)
    photo = services.add_attachment(
        access=Access(org.worker_a), case=case, uploaded=jpeg_upload("王阿姨13812345678.jpg")
    )
    for persona in ("worker_a", "secretary_a", "officer", "superuser"):
        client = as_user(getattr(org, persona))
        for item, masked in ((pdf, "身份证3101**********0017.pdf"), (photo, "王阿姨138****5678.jpg")):
            disposition = client.get(reverse("cases:attachment", args=[item.pk]))["Content-Disposition"]
            assert disposition.endswith("filename*=UTF-8''" + quote(masked)), (persona, disposition)
    response = _remove(as_user(org.worker_a), photo)
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("王阿姨138****5678.jpg" in m for m in said) and not any("13812345678" in m for m in said)
