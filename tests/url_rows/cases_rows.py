"""Case URLs × personas. Every case here is in committee A; worker_a is the assignee where one is set."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Aid, Case, OutsideBody
from committee.access import Access
from tests.factories import jpeg_bytes, jpeg_upload, make_building, make_case, make_resident
from tests.url_matrix import Row, committee_a_change, committee_a_view, expect, secretary_only

LOGGERS = expect(200, anonymous=302, viewer_a=403, officer=403, superuser=403)


def populate(world) -> None:
    sec, worker = world.secretary_a, world.worker_a
    world.building = make_building(world.a)
    world.resident = make_resident(world.a, building=world.building)
    world.case = make_case(worker, world.a, building=world.building, assignee=worker)
    world.unassigned = make_case(worker, world.a, title="路灯不亮", code="roads")
    # Logged by the secretary and left new: whoever logged a case corrects it until someone has it.
    world.secretarys_new = make_case(sec, world.a, title="楼道堆物", code="environment")
    # Logged with an assignee before assignment put a case in progress: still new, to be started.
    world.legacy = make_case(worker, world.a, title="楼道灯坏", code="roads", assignee=worker)
    Case.all_objects.filter(pk=world.legacy.pk).update(status=Case.Status.NEW)
    world.other = make_case(worker, world.a, title="另一件", assignee=worker)
    waiting = make_case(worker, world.a, title="等待回复", assignee=worker)
    world.referral = services.refer(
        access=Access(worker), case=waiting, body=OutsideBody.objects.first(), sent_on=timezone.localdate()
    )
    world.resolved = make_case(worker, world.a, title="已办结", assignee=worker)
    services.transition(
        access=Access(worker), case=world.resolved, action=services.Action.RESOLVE, text="已疏通"
    )
    world.followed = make_case(worker, world.a, title="已回访", assignee=worker)
    services.transition(
        access=Access(worker), case=world.followed, action=services.Action.RESOLVE, text="已疏通"
    )
    services.record_follow_up(
        access=Access(worker),
        case=world.followed,
        called_on=timezone.localdate(),
        satisfaction=Case.Satisfaction.SATISFIED,
    )
    # A resolved case a worker asked to reopen: the secretary's to reopen or decline.
    world.requested = make_case(worker, world.a, title="申请重开", assignee=worker)
    services.transition(
        access=Access(worker), case=world.requested, action=services.Action.RESOLVE, text="已疏通"
    )
    services.ask_reopen(access=Access(worker), case=world.requested, text="又堵了")
    hardship = make_case(worker, world.a, title="困难家庭", code="hardship", assignee=worker)
    world.aid = services.add_aid(access=Access(worker), case=hardship, kind=Aid.Kind.SUBSIDY, amount=500)
    world.attachment = services.add_attachment(access=Access(worker), case=world.case, uploaded=jpeg_upload())


def _act(action: str, case: str = "case", expected=None, data=None) -> Row:
    return Row(
        "cases:act",
        lambda w: reverse("cases:act", args=[getattr(w, case).pk, action]),
        expected or committee_a_change(),
        method="post",
        data=data or (lambda w: {"text": "说明"}),
        label=action,
    )


ROWS = [
    # The referral list (cases/body_views.py): read by those who refer cases, added to by the secretary.
    Row(
        "cases:outside_bodies",
        lambda w: reverse("cases:outside_bodies"),
        expect(403, anonymous=302, secretary_a=200, worker_a=200, worker_b=200),
        not_allowed="put",
    ),
    Row(
        "cases:outside_bodies",
        lambda w: reverse("cases:outside_bodies"),
        expect(403, anonymous=302, secretary_a=302),
        method="post",
        data=lambda w: {"committee": w.a.pk, "name": "某某物业定海项目部", "phone": "021-65431234"},
        not_allowed="put",
    ),
    Row("cases:list", lambda w: reverse("cases:list"), expect(200, anonymous=302), not_allowed="put"),
    Row(
        "cases:list",
        lambda w: reverse("cases:list") + "?status=open&overdue=1&sort=newest",
        expect(200, anonymous=302),
        label="filtered",
        not_allowed="put",
    ),
    # The search form, sent by POST (a whole number never in the address: common/hidden_searches.py).
    Row(
        "cases:list",
        lambda w: reverse("cases:list"),
        expect(303, anonymous=302),
        method="post",
        data=lambda w: {"status": "", "q": "13812345678"},
        not_allowed=None,  # PUT is checked by its GET rows (here anonymous, 302, would be asked)
        label="search",
    ),
    Row("cases:new", lambda w: reverse("cases:new"), LOGGERS, not_allowed="delete"),
    Row(
        "cases:new",
        lambda w: reverse("cases:new"),
        expect(302, anonymous=302, viewer_a=403, officer=403, superuser=403, worker_b=200),
        method="post",
        # worker_b's form does not validate (the building is in committee A): the form again, 200.
        data=lambda w: {
            "title": "楼道积水",
            "category": "drainage",
            "source": "walk_in",
            "priority": "normal",
            "committee": str(w.a.pk),
            "building": str(w.building.pk),
        },
        not_allowed="delete",
        label="post",
    ),
    Row(
        "cases:pick_resident",
        lambda w: reverse("cases:pick_resident") + "?resident_q=王",
        LOGGERS,
        not_allowed="put",
    ),
    Row(
        "cases:pick_resident",
        lambda w: reverse("cases:pick_resident"),
        LOGGERS,
        method="post",
        data=lambda w: {"resident_q": "13812345678"},
        not_allowed="put",
        label="search",
    ),
    Row(
        "cases:pick_building",
        lambda w: reverse("cases:pick_building"),
        LOGGERS,
        method="post",
        data=lambda w: {"building_q": "定海"},
        label="search",
    ),
    Row(
        "cases:pick_building",
        lambda w: reverse("cases:pick_building"),
        {**LOGGERS, "worker_b": 404},  # A's building, outside B's committee
        method="post",
        data=lambda w: {"pick": w.building.pk, "place": "门口 13812345678", "party": w.resident.pk},
        label="pick",
    ),
    Row("cases:similar", lambda w: reverse("cases:similar") + "?category=drainage", LOGGERS),
    Row(
        "cases:place",
        lambda w: reverse("cases:place"),
        LOGGERS,
        method="post",
        data=lambda w: {"party": w.resident.pk, "place": "门口 13812345678"},
    ),
    Row(
        "cases:work_order",
        lambda w: reverse("cases:work_order") + f"?work_order_number=202612071234&committee={w.a.pk}",
        LOGGERS,
    ),
    Row("cases:detail", lambda w: reverse("cases:detail", args=[w.case.pk]), committee_a_view()),
    Row("cases:print", lambda w: reverse("cases:print", args=[w.case.pk]), committee_a_view()),
    Row(
        "cases:join",
        lambda w: reverse("cases:join", args=[w.case.pk]),
        committee_a_change(),
        method="post",
        data=lambda w: {"party": [str(w.resident.pk)]},
    ),
    _act("take", "unassigned"),
    _act("assign", expected=secretary_only(), data=lambda w: {"assignee": str(w.worker_a.pk)}),
    _act("start", "legacy"),
    _act("wait"),
    _act("resolve"),
    _act("note"),
    _act("close", "followed", expected=secretary_only()),
    _act("withdraw", expected=secretary_only()),
    _act(
        "duplicate",
        expected=secretary_only(),
        data=lambda w: {"of": w.other.number, "shown": str(w.other.pk)},
    ),
    _act("reopen", "resolved", expected=secretary_only()),
    _act("ask_reopen", "resolved"),
    _act("decline_reopen", "requested", expected=secretary_only()),
    Row(
        "cases:refer",
        lambda w: reverse("cases:refer", args=[w.case.pk]),
        committee_a_change(),
        method="post",
        data=lambda w: {
            "body": str(OutsideBody.objects.first().pk),
            "sent_on": timezone.localdate().isoformat(),
        },
    ),
    Row(
        "cases:chase",
        lambda w: reverse("cases:chase", args=[w.referral.pk]),
        committee_a_change(),
        method="post",
        data=lambda w: {"text": "答复说下周来"},
    ),
    Row(
        "cases:reply",
        lambda w: reverse("cases:reply", args=[w.referral.pk]),
        committee_a_change(),
        method="post",
        data=lambda w: {
            "replied_on": timezone.localdate().isoformat(),
            "reply": "已派人疏通",
            "outcome": "已处理",
            "contact": "王师傅 13912345678",  # their contact, given with the reply: the reply's rules
        },
    ),
    Row(
        "cases:follow_up",
        lambda w: reverse("cases:follow_up", args=[w.resolved.pk]),
        committee_a_change(),
        method="post",
        data=lambda w: {"called_on": timezone.localdate().isoformat(), "satisfaction": "satisfied"},
    ),
    # Aid sits on a hardship case, sensitive by its category: those who may not see it get 404.
    Row(
        "cases:aid",
        lambda w: reverse("cases:aid", args=[w.aid.case_id]),
        committee_a_change(viewer_a=404, officer=404, superuser=404),
        method="post",
        data=lambda w: {
            "kind": "donation",
            "amount": "300",
            "status": "applied",
            "applied_on": timezone.localdate().isoformat(),
        },
    ),
    Row(
        "cases:aid_update",
        lambda w: reverse("cases:aid_update", args=[w.aid.pk]),
        secretary_only(viewer_a=404, officer=404, superuser=404),
        method="post",
        data=lambda w: {"status": "approved", "on": timezone.localdate().isoformat()},
    ),
    Row(
        "cases:attach",
        lambda w: reverse("cases:attach", args=[w.case.pk]),
        committee_a_change(),
        method="post",
        data=lambda w: {"files": SimpleUploadedFile("p.jpg", jpeg_bytes(), "image/jpeg"), "stage": "after"},
    ),
    Row(
        "cases:attachment", lambda w: reverse("cases:attachment", args=[w.attachment.pk]), committee_a_view()
    ),
    Row(
        "cases:attachment_remove",
        lambda w: reverse("cases:attachment_remove", args=[w.attachment.pk]),
        committee_a_change(),  # worker_a uploaded it; the secretary may remove any file
        method="post",
    ),
]


def _edit(case: str, expected, label: str = "") -> Row:
    return Row(
        "cases:edit",
        lambda w: reverse("cases:edit", args=[getattr(w, case).pk]),
        expected,
        method="post",
        data=lambda w: {
            "title": "楼道积水（已核实）",
            "category": str(getattr(w, case).category_id),
            "priority": "urgent",
            "due_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
            "place": "",
            "description": "",
            "version": str(Case.all_objects.get(pk=getattr(w, case).pk).version),
        },
        label=label,
    )


ROWS += [
    _edit("case", committee_a_change()),  # worker_a is its assignee
    # New and nobody on it: worker_a logged it, and corrects it (rules.logger_corrects).
    _edit("unassigned", committee_a_change(), label="logged new"),
    # New and nobody on it, logged by the secretary: not worker_a's to correct.
    _edit("secretarys_new", secretary_only(), label="another's new"),
]

# A case's people changed from its page (cases/party_views.py): as for editing the case.
ROWS += [
    Row(
        "cases:parties",
        lambda w: reverse("cases:parties", args=[w.case.pk]),
        committee_a_change(200),
        not_allowed="delete",
    ),
    Row(
        "cases:parties",
        lambda w: reverse("cases:parties", args=[w.resolved.pk]),
        committee_a_change(),  # resolved: its follow-up call goes to the reporter added
        method="post",
        data=lambda w: {"add": str(w.resident.pk), f"role_{w.resident.pk}": "reporter"},
        not_allowed="delete",
        label="add",
    ),
    Row(
        "cases:parties",
        lambda w: reverse("cases:parties", args=[w.secretarys_new.pk]),
        secretary_only(200),
        label="another's new",
        not_allowed="delete",
    ),
]
