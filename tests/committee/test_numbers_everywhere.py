"""Numbers typed into every free-text field are masked in every rendering and export, for every role.

One world (built once for the module) holds an ID number (18 digits, 15 digits, with an x), a mobile
(plain and with spaces) and a Shanghai landline in every free-text field Needle has: a building's,
a household's and a resident's notes, a visit's findings; a case's title, description, place, work
order number and resolution; a note, an assignment's note, a referral's note, their reference, a
chase, a reply and its outcome; a follow-up's comment; aid's donors and notes; a photo's file name; a
reveal's reason; an export's filters in the access log. Each persona then reads every page, htmx
fragment and export they may open (the case and resident pages, print sheet, lists, roster, access
log, reveals, inbox and bell, dashboards, the street's and district's overviews, the reports page,
the monthly summary as a page and as .txt, the ledger, the case export, the registry export), and
the notifications' e-mails and WeCom posts are read as sent: no full number anywhere. Those who may
edit see the text as typed in the edit forms only (the forms are left out of what is checked).
"""

import datetime
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit import services as audit
from cases import services
from cases.models import Aid, Case, CaseEvent, FollowUp, OutsideBody
from cases.services import NewParty
from committee.access import acting_as
from notifications import delivery
from notifications.models import CommitteeChannel, Delivery, Notification, Preference
from notifications.services import notify_for_event
from residents import services as residents_services
from residents.models import RevealLog
from tests.conftest import build_org, client_for, rows_kept_for_scope
from tests.factories import (
    case_category,
    jpeg_upload,
    make_building,
    make_household,
    make_resident,
    make_visit,
    valid_id,
)
from tests.url_matrix import add_district_officer

ID18, ID15, IDX = "310109195003050017", "310109500305001", "31010919500305002x"
MOBILE, SPACED_MOBILE, LANDLINE = "13812345678", "139 8765 4321", "021-65431234"
TYPED = f"手机{MOBILE}，身份证{ID18}，旧证{ID15}，{IDX}，家里电话{LANDLINE}，儿子{SPACED_MOBILE}"
SHORT = f"{MOBILE}/{LANDLINE}"  # fields of 50 characters or fewer
# What must never be read in full (spaces and hyphens between digits are taken out before looking).
FULL = (ID18, ID15, IDX.upper(), IDX, MOBILE, "13987654321", "65431234")
# The resident's own record, never shown in full either (a reveal is an action of its own).
RECORD_ID, RECORD_MOBILE, RECORD_LANDLINE = valid_id(datetime.date(1948, 6, 1)), "13700001111", "021-55556666"

PERSONAS = ("secretary_a", "worker_a", "viewer_a", "worker_b", "officer", "district", "superuser")
EDITORS = {"secretary_a", "worker_a"}  # the edit forms they see hold the text as typed


def _typed_case(w, by, **fields):
    with acting_as(by) as access:
        case, _created = services.create_case(
            access=access,
            committee=w.a,
            title=f"来电{MOBILE}",
            category=case_category("drainage"),
            description=TYPED,
            source=Case.Source.HOTLINE,
            work_order_number=SHORT,
            priority=Case.Priority.URGENT,  # a notable case of the monthly summary
            building=w.building,
            place=TYPED[:100],
            parties=[NewParty(w.resident)],
            **fields,
        )
    return case


@pytest.fixture(scope="module")
def w(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("typed-media")
    with (
        override_settings(MEDIA_ROOT=media, WECOM_EXTRA_HOSTS=["wecom.test"]),
        rows_kept_for_scope(django_db_blocker),
    ):
        w = SimpleNamespace(**vars(build_org()))
        add_district_officer(w)
        w.building = make_building(w.a, "12")
        w.building.notes = TYPED  # saved: the admin's history lists the change
        w.building.save()
        w.household = make_household(w.building, "302", phone=RECORD_LANDLINE)
        w.household.notes = TYPED
        w.household.save()
        w.resident = make_resident(
            w.household,
            "王芳",
            phone=RECORD_MOBILE,
            id_number=RECORD_ID,
            categories=["elderly_alone"],
            notes=TYPED,
        )
        make_visit(w.resident, w.worker_a, timezone.now() - datetime.timedelta(hours=1), findings=TYPED)
        # E-mail and the committee's WeCom group, so that every notification is also a message.
        for user in (w.secretary_a, w.worker_a):
            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])
            Preference.objects.create(user=user, by_email=True)
        CommitteeChannel.objects.create(
            committee=w.a, wecom_webhook="https://wecom.test/cgi-bin/webhook/send?key=k"
        )

        w.case = _typed_case(w, w.secretary_a)
        body = OutsideBody.objects.first()
        with acting_as(w.secretary_a) as access:
            services.assign(access=access, case=w.case, assignee=w.worker_a, text=TYPED)
            replied = services.refer(access=access, case=w.case, body=body, their_reference=SHORT, text=TYPED)
        with acting_as(w.worker_a) as access:
            services.add_note(access=access, case=w.case, text=TYPED)
            services.add_attachment(access=access, case=w.case, uploaded=jpeg_upload(f"身份证{ID18}.jpg"))
            services.chase(access=access, referral=replied, text=TYPED)
            # The secretary sent it: the reply is news for them.
            services.record_reply(access=access, referral=replied, reply=TYPED, outcome=TYPED[:100])
        Aid.all_objects.create(
            case=w.case, kind=Aid.Kind.DONATION, amount=Decimal(200), donors=TYPED, notes=TYPED
        )
        # A second case, resolved (its resolution) and called back (the comment).
        w.resolved = _typed_case(w, w.worker_a, assignee=w.worker_a)
        # A third, logged a month ago and overdue: the summary's and the lists' overdue rows show it
        # (a due date is not before the day its case was logged: it is logged before it).
        w.overdue = _typed_case(
            w,
            w.secretary_a,
            at=timezone.now() - datetime.timedelta(days=30),
            due_date=timezone.localdate() - datetime.timedelta(days=3),
        )
        with acting_as(w.secretary_a) as access:
            # Its referral is late: listed (sent after the case was logged, as a referral must be).
            services.refer(
                access=access,
                case=w.overdue,
                body=body,
                their_reference=SHORT,
                sent_on=timezone.localdate() - datetime.timedelta(days=20),
                reply_expected_by=timezone.localdate() - datetime.timedelta(days=5),
                text=TYPED,
            )
        Case.all_objects.filter(pk=w.resolved.pk).update(
            status=Case.Status.RESOLVED, resolution=TYPED, resolved_at=timezone.now()
        )
        FollowUp.all_objects.create(
            case=w.resolved, called_by=w.secretary_a, satisfaction="satisfied", comment=TYPED
        )
        # A reveal's reason and an export's filters, as typed.
        residents_services.reveal_number(
            resident=w.resident, field="phone", reason=f"核对{MOBILE}", by=w.secretary_a
        )
        audit.record_export(
            user=w.secretary_a, committee_ids=[w.a.pk], detail=f"cases.xlsx q={MOBILE}", rows=1
        )
        # Everyone the timeline concerns is told (the task does this after the commit).
        for event in CaseEvent.all_objects.filter(case__in=[w.case, w.resolved]).order_by("pk"):
            notify_for_event(event)
        # A notification written before titles were masked on the way in holds the title as typed.
        legacy = Notification.objects.create(
            recipient=w.worker_a,
            kind=Notification.Kind.ASSIGNED,
            key="legacy",
            params={"case": w.case.number, "title": f"来电{MOBILE}", "by": "周勤", "text": TYPED},
            url=reverse("cases:detail", args=[w.case.pk]),
        )
        delivery.queue([legacy], committee_id=w.a.pk, batch="legacy")
        yield w


def _urls(w) -> list[tuple[str, dict]]:
    month = f"month={timezone.localdate():%Y-%m}"
    htmx = {"HX-Request": "true"}
    case, resident = w.case, w.resident
    return [
        (reverse("home"), {}),
        (reverse("cases:list") + "?status=", {}),
        (reverse("cases:list") + "?status=", htmx),  # the list's fragment
        (reverse("cases:list") + "?status=&q=来电", {}),
        (reverse("cases:detail", args=[case.pk]), {}),
        (reverse("cases:detail", args=[w.resolved.pk]), {}),
        (reverse("cases:print", args=[case.pk]), {}),
        (reverse("cases:print", args=[w.resolved.pk]), {}),
        (reverse("cases:new") + f"?resident={resident.pk}", {}),
        (reverse("cases:similar") + f"?category=drainage&building={w.building.pk}", htmx),
        (reverse("cases:similar") + f"?category=drainage&household={w.household.pk}", htmx),
        # The intake's searches are posted (typed text is never in an address): "data" is the POST.
        (reverse("cases:pick_resident"), {**htmx, "data": {"resident_q": "王芳"}}),
        (reverse("cases:pick_building"), {**htmx, "data": {"building_q": "定海"}}),
        (reverse("residents:detail", args=[resident.pk]), {}),
        (reverse("residents:household", args=[w.household.pk]), {}),
        (reverse("residents:building", args=[w.building.pk]), {}),
        (reverse("residents:edit", args=[resident.pk]), {}),  # edit forms: the text as typed, inside them
        (reverse("residents:visit_new", args=[resident.pk]), {}),
        (reverse("residents:household_edit", args=[w.household.pk]), {}),
        (reverse("residents:building_edit", args=[w.building.pk]), {}),
        (reverse("notifications:wecom", args=[w.a.pk]), {}),  # lists the group's messages that failed
        (reverse("residents:list") + "?q=王芳", {}),
        (reverse("residents:list") + "?q=王芳", htmx),
        (reverse("residents:roster"), {}),
        (reverse("residents:reveals"), {}),
        (reverse("audit:log"), {}),
        (reverse("audit:log") + f"?resident={resident.pk}", {}),
        (reverse("notifications:list"), {}),
        (reverse("notifications:bell"), htmx),
        (reverse("dashboard"), {}),
        (reverse("dashboard_committee", args=[w.a.pk]), {}),
        (reverse("dashboard_district"), {}),
        (reverse("reports:index"), {}),
        (reverse("reports:late_referrals", args=[w.a.pk]), {}),
        (reverse("reports:summary") + f"?{month}", {}),
        (reverse("reports:summary_txt") + f"?{month}", {}),
        (reverse("reports:ledger") + f"?{month}", {}),
        (reverse("reports:cases_xlsx") + "?status=", {}),
        (reverse("imports:export"), {}),
    ]


def _text(response) -> str:
    """What the reader gets: the page or text file, or every cell of every sheet of a workbook."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join(str(c) for c in row if c is not None)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
        )
    return body.decode()


def _outside_edit_forms(html: str) -> str:
    """The page without what its edit forms hold as typed (text areas, input values)."""
    html = re.sub(r"<textarea[^>]*>.*?</textarea>", "", html, flags=re.S)
    return re.sub(r'value="[^"]*"', "", html)


def _full_numbers_in(text: str) -> list[str]:
    joined = re.sub(r"(?<=\d)[ \-](?=\d)", "", text)  # 139 8765 4321 is 13987654321
    return [number for number in (*FULL, RECORD_ID, RECORD_MOBILE, "55556666") if number in joined]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_full_number_in_any_page_fragment_or_export(w, db, persona):
    client = client_for(getattr(w, persona))
    read = []
    for url, headers in _urls(w):
        data = headers.pop("data", None)
        if data is None:
            response = client.get(url, headers=headers)
        else:
            response = client.post(url, data, headers=headers)
        if response.status_code != 200:
            continue  # a page this persona may not open shows nothing at all
        text = _text(response)
        if persona in EDITORS and response["Content-Type"].startswith("text/html"):
            text = _outside_edit_forms(text)
        assert not _full_numbers_in(text), (persona, url, headers, _full_numbers_in(text))
        read.append(url)
    # Not a vacuous pass: each persona read what its role opens.
    least = {"worker_b": 8, "viewer_a": 15, "superuser": 4}.get(persona, 22)
    assert len(read) >= least, (persona, read)


def test_the_masked_text_still_reads_in_the_exports_and_the_summary(w, db):
    client = client_for(w.secretary_a)
    month = f"month={timezone.localdate():%Y-%m}"
    summary = _text(client.get(reverse("reports:summary_txt") + f"?{month}"))
    assert "来电138****5678" in summary  # the notable and overdue cases' titles
    assert "来电138****5678" in client.get(reverse("reports:summary") + f"?{month}").text
    ledger = _text(client.get(reverse("reports:ledger") + f"?{month}"))
    for masked in ("138****5678", "3101**********0017", "3101*******5001", "021-****1234", "139****4321"):
        assert masked in ledger, masked
    registry = _text(client.get(reverse("imports:export")))
    assert "3101**********0017" in registry  # the resident's notes, masked


def test_the_full_registry_export_keeps_the_notes_as_typed(w, db):
    """Asked for full numbers (recorded as reveals), the secretary's registry holds the notes whole too."""
    asked = {"full": "1", "reason": "年度人口核对"}
    registry = _text(client_for(w.secretary_a).post(reverse("imports:export"), asked))
    assert ID18 in registry


def test_notifications_and_their_messages_mask_the_typed_numbers(w, db):
    told = Notification.objects.filter(recipient__in=[w.worker_a, w.secretary_a])
    assert told.count() >= 3  # assigned (and the legacy one) to the worker, the reply to the secretary
    for notification in told:
        assert not _full_numbers_in(notification.sentence), notification.sentence
        if notification.key != "legacy":  # written now: stored masked too
            assert not _full_numbers_in(str(notification.params)), notification.params
    assert "来电138****5678" in Notification.objects.get(key="legacy").sentence
    messages = list(Delivery.objects.all())
    assert {m.channel for m in messages} == {Delivery.Channel.EMAIL, Delivery.Channel.WECOM}
    for message in messages:
        assert not _full_numbers_in(f"{message.subject} {message.body}"), message.body
    assert any("138****5678" in m.body for m in messages if m.channel == Delivery.Channel.EMAIL)
    inbox = client_for(w.worker_a).get(reverse("notifications:list")).text
    assert "来电138****5678" in inbox


@pytest.mark.ignore_template_errors  # simple_history's own submit line reads an unset variable
def test_the_admin_reads_no_full_typed_number_outside_its_edit_forms(w, db):
    client = client_for(w.superuser)
    reveal = RevealLog.all_objects.get(resident=w.resident)
    pages = [
        reverse("admin:residents_building_changelist"),
        reverse("admin:residents_building_history", args=[w.building.pk]),
        reverse("admin:residents_household_changelist"),
        reverse("admin:residents_household_history", args=[w.household.pk]),
        reverse("admin:residents_resident_history", args=[w.resident.pk]),
        reverse("admin:residents_resident_changelist"),
        reverse("admin:residents_reveallog_changelist"),
        reverse("admin:residents_reveallog_change", args=[reveal.pk]),  # read-only: not an edit form
        reverse("admin:audit_accessrecord_changelist"),
        reverse("admin:cases_case_changelist"),
        reverse("admin:cases_caseevent_changelist"),
        reverse("admin:cases_case_change", args=[w.case.pk]),
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        text = _outside_edit_forms(response.text)
        assert not _full_numbers_in(text), (path, _full_numbers_in(text))
    assert "核对138****5678" in client.get(reverse("admin:residents_reveallog_changelist")).text


@pytest.mark.parametrize("persona", ("secretary_a", "worker_a", "officer", "district"))
def test_no_workbook_is_kept_by_a_cache(w, db, persona):
    """Every .xlsx holds residents (the full registry export their full numbers): like a revealed
    number's page, none is stored by the browser's or a proxy's cache."""
    client = client_for(getattr(w, persona))
    month = f"month={timezone.localdate():%Y-%m}"
    urls = [
        reverse("reports:ledger") + f"?{month}",
        reverse("reports:cases_xlsx") + "?status=",
        reverse("imports:export"),
        reverse("imports:export"),  # with full numbers: a POST with a reason
    ]
    read = 0
    for n, url in enumerate(urls):
        asked = {"full": "1", "reason": "年度人口核对"}
        response = client.post(url, asked) if n == len(urls) - 1 else client.get(url)
        if response.status_code != 200:
            continue
        read += 1
        assert response["Content-Type"].startswith("application/vnd.openxmlformats"), url
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url
    assert read == (4 if persona == "secretary_a" else 2)
