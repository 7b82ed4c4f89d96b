"""A preview committed after the registry changed: the commit makes its plan again under a lock of the
residents it matches, and writes nothing when that plan is not the one the secretary read (a value
it would replace changed, a change appeared). The run is previewed again, as the registry is now, the
rows whose change differs named, and a second commit writes what that preview says."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse

from notifications.models import Notification
from residents.imports import runs
from residents.imports.matching import Matcher
from residents.models import Building, Household, ImportRun, Resident
from residents.validators import birth_date_from_id, gender_from_id
from tests.imports.helpers import csv_bytes, make_id, person

SHEN = make_id(301)
OTHER = make_id(302)


@pytest.fixture
def shen(org):
    """沈慧兰 at 定海路449弄12号302室, phone 13512342222; 孙建国 in the same household."""
    building = Building.all_objects.create(committee=org.a, road="定海路", lane="449", number="12")
    home = Household.all_objects.create(committee=org.a, building=building, room="302")
    for name, number, phone, relation in (
        ("沈慧兰", SHEN, "13512342222", "head"),
        ("孙建国", OTHER, "13512343333", "spouse"),
    ):
        Resident.all_objects.create(
            committee=org.a,
            household=home,
            name=name,
            id_number=number,
            birth_date=birth_date_from_id(number),
            gender=gender_from_id(number),
            phone=phone,
            relation_to_head=relation,
        )
    return Resident.all_objects.get(name="沈慧兰")


def _file(shen_phone: str, other_phone: str = "13512343333") -> bytes:
    rows = []
    for name, number, phone in (("沈慧兰", SHEN, shen_phone), ("孙建国", OTHER, other_phone)):
        row = person(1, 姓名=name, 号="12", 室="302", 与户主关系="", 出生日期="", 性别="", 联系电话=phone)
        row["身份证号"] = number
        rows.append(row)
    return csv_bytes(rows)


def _client(as_user, org, language="zh-hans"):
    client = as_user(org.secretary_a)
    client.cookies["django_language"] = language
    return client


def _upload(client, data: bytes, name: str) -> ImportRun:
    response = client.post(reverse("imports:start"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.text
    return ImportRun.all_objects.latest("pk")


def _commit(client, run, capture):
    with capture(execute=True):
        return client.post(reverse("imports:commit", args=[run.pk]), follow=True)


def test_a_preview_committed_after_another_import_writes_nothing_and_is_shown_again_as_it_is_now(
    org, as_user, shen, django_capture_on_commit_callbacks
):
    client = _client(as_user, org)
    a = _upload(client, _file("13599998888"), "A.csv")
    preview = client.get(reverse("imports:preview", args=[a.pk])).text
    assert "135****2222" in preview and "135****8888" in preview
    b = _upload(client, _file("13577776666"), "B.csv")
    assert _commit(client, b, django_capture_on_commit_callbacks).status_code == 200
    shen.refresh_from_db()
    assert shen.phone == "13577776666"

    page = _commit(client, a, django_capture_on_commit_callbacks)
    assert page.status_code == 200
    shen.refresh_from_db()
    assert shen.phone == "13577776666"  # B's correction is not lost
    a.refresh_from_db()
    assert a.status == ImportRun.Status.PREVIEWED and a.committed_at is None
    text = page.text
    assert (
        "预览之后登记册已有变更，因此未写入任何内容。下面的预览已按最新登记册更新，请您重新核对后再确认导入。"
        in text
    )
    assert "以下 1 行的变更与之前预览的不同：" in text and "第2行 · 沈慧兰" in text
    # The preview now starts from B's number, not the one it was first made from.
    assert "135****6666" in text and "135****2222" not in text
    english = _client(as_user, org, "en").get(reverse("imports:preview", args=[a.pk])).text
    assert "The registry changed after this preview, so nothing was written." in english
    assert "1 row would now change something else than the first preview said:" in english

    # Read and confirmed again: the secretary's choice is written.
    page = _commit(client, a, django_capture_on_commit_callbacks)
    shen.refresh_from_db()
    assert shen.phone == "13599998888"
    a.refresh_from_db()
    assert a.status == ImportRun.Status.COMMITTED
    assert "预览之后登记册已有变更" not in page.text


def test_a_workers_edit_after_the_preview_is_not_overwritten_by_a_row_the_preview_called_unchanged(
    org, as_user, shen, django_capture_on_commit_callbacks
):
    client = _client(as_user, org)
    run = _upload(client, _file("13512342222"), "同一份.csv")  # nothing to change
    assert run.counts["residents"] == {"created": 0, "updated": 0, "unchanged": 2}
    # A worker corrects her phone on her page meanwhile (services.resident_save bumps the version).
    Resident.all_objects.filter(pk=shen.pk).update(phone="13600001111", version=F("version") + 1)
    page = _commit(client, run, django_capture_on_commit_callbacks)
    shen.refresh_from_db()
    assert shen.phone == "13600001111"
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED
    assert run.counts["residents"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert "第2行 · 沈慧兰" in page.text and "136****1111" in page.text


def test_an_unchanged_registry_commits_at_once(org, as_user, shen, django_capture_on_commit_callbacks):
    client = _client(as_user, org)
    run = _upload(client, _file("13599998888", "13599997777"), "名单.csv")
    page = _commit(client, run, django_capture_on_commit_callbacks)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTED and "refreshed" not in run.changes
    assert set(Resident.all_objects.values_list("phone", flat=True)) == {"13599998888", "13599997777"}
    assert "预览之后登记册已有变更" not in page.text


def test_the_workers_commit_of_a_stale_preview_writes_nothing_and_tells_the_committer(
    org, as_user, shen, settings, django_capture_on_commit_callbacks
):
    client = _client(as_user, org)
    run = _upload(client, _file("13599998888"), "大名单.csv")
    ImportRun.all_objects.filter(pk=run.pk).update(in_background=True)
    assert runs.request_commit(run, org.secretary_a)
    Resident.all_objects.filter(pk=shen.pk).update(phone="13577776666", version=F("version") + 1)
    assert runs.commit_in_background(run.pk) == ImportRun.Status.PREVIEWED
    shen.refresh_from_db()
    assert shen.phone == "13577776666"
    run.refresh_from_db()
    assert run.changes["refreshed"]["count"] == 1
    sentences = [n.sentence for n in Notification.objects.filter(recipient=org.secretary_a)]
    assert (
        "大名单.csv 未导入：预览之后登记册已有变更，因此未写入任何内容。请核对新的预览后再确认导入。"
        in sentences
    )


def test_an_edit_saved_between_the_commits_reading_and_its_lock_writes_nothing(
    org, as_user, shen, monkeypatch, django_capture_on_commit_callbacks
):
    """The commit reads the residents, then locks those it changes and checks nobody saved them in
    between: a worker's save landing in that moment (made here just before the lock) is not written
    over."""
    client = _client(as_user, org)
    run = _upload(client, _file("13599998888"), "A.csv")
    lock = Matcher._lock_changing

    def saved_meanwhile(self, plans):
        Resident.all_objects.filter(pk=shen.pk).update(phone="13577776666", version=F("version") + 1)
        return lock(self, plans)

    monkeypatch.setattr(Matcher, "_lock_changing", saved_meanwhile)  # the moment, not the database
    page = _commit(client, run, django_capture_on_commit_callbacks)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED and "refreshed" in run.changes
    assert "预览之后登记册已有变更，因此未写入任何内容。" in page.text
    shen.refresh_from_db()
    # Nothing of the import was written (the save made here ran inside its transaction, and went too).
    assert shen.phone == "13512342222"
