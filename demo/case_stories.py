"""The stories of the newspaper article about the committee, each a case told step by step through
the services, as the member of staff who took each step, on the day they took it.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from cases import services
from cases.models import Aid, Case
from cases.rules import Action
from demo.case_world import DAY, HOUR, Demo, log


def resolve_and_close(
    demo: Demo, case: Case, at: datetime.datetime, resolution: str, *, call_after_days: int, comment: str
) -> None:
    """A story's happy ending: the secretary resolves it, calls back (satisfied) and closes it."""
    secretary = demo.secretary
    services.transition(access=secretary, case=case, action=Action.RESOLVE, text=resolution, at=at)
    call = at + call_after_days * DAY
    services.record_follow_up(
        access=secretary, case=case, satisfaction=Case.Satisfaction.SATISFIED, comment=comment, at=call
    )
    services.close(access=secretary, case=case, at=call + HOUR)


def flooding(demo: Demo, created: datetime.datetime) -> None:
    """Rain floods the ground floor: more households report it, and the property company, the
    street's housing office and the district's drainage office are chased in turn for months."""
    building = demo.buildings[0]
    ground = [h for h in demo.households.get(building.pk, []) if h.room.startswith("1")]
    case = log(
        demo,
        at=created,
        by=demo.secretary,
        code="drainage",
        title="雨季底楼居民家中“发洪水”",
        description="排水设施老化，每逢雨季雨水倒灌进底楼居民家中，严重时家中积水、漏水。多户居民先后反映。",
        building=building,
        household=ground[0] if ground else None,
        source=Case.Source.VISIT,
        priority=Case.Priority.URGENT,
        assignee=demo.secretary.user,
    )
    secretary = demo.secretary
    services.add_note(
        access=secretary, case=case, text="走访中发现，先帮居民把积水舀出去。", at=created + DAY
    )
    reporter = demo.first_resident(ground[0] if ground else None)
    neighbours = [demo.first_resident(h) for h in demo.households.get(building.pk, [])[1:5]]
    for n, resident in enumerate(r for r in neighbours if r not in (None, reporter)):
        services.add_reporters(
            access=secretary,
            case=case,
            residents=[resident],
            text="又一户反映家中进水。",
            at=created + (3 + 7 * n) * DAY,
        )
    sent = created + 30 * DAY
    for name, reply_days, reply in (
        ("物业公司", 35, "物业表示需街道统一安排改造，先做临时疏通。"),
        ("街道房管办", 30, "已纳入街道排水改造计划。"),
        ("区排水管理所", 60, "排水设施重新排设完成，房屋同步修缮。"),
    ):
        referral = services.refer(
            access=secretary,
            case=case,
            body=demo.bodies[name],
            reply_expected_by=timezone.localdate(sent) + 15 * DAY,
            text="多次反映居民家中雨水倒灌情况。",
            at=sent,
        )
        for week in range(2, reply_days // 7, 2):
            services.chase(
                access=secretary, referral=referral, text="再次联系反映情况。", at=sent + week * 7 * DAY
            )
        replied = sent + reply_days * DAY
        services.record_reply(access=secretary, referral=referral, reply=reply, outcome="已处理", at=replied)
        sent = replied + DAY
    resolve_and_close(
        demo,
        case,
        sent + 3 * DAY,
        "小区排水设施重新排设，房屋进行了修缮，居民家中不再积水。",
        call_after_days=3,
        comment="居民交口称赞，再也不怕下雨了。",
    )


def out_of_work_and_ill(demo: Demo, created: datetime.datetime) -> None:
    """The husband out of work, the wife seriously ill: a visit, then a civil-affairs subsidy."""
    secretary = demo.secretary
    building = demo.buildings[1 % len(demo.buildings)]
    homes = demo.households.get(building.pk, [])
    case = log(
        demo,
        at=created,
        by=secretary,
        code="hardship",
        title="丈夫失业、妻子重病，生活困顿",
        description="丈夫失业在家，妻子身患重病无法工作，高额医药费压得两人生活困顿。",
        building=building,
        household=demo.rng.choice(homes) if homes else None,
        source=Case.Source.VISIT,
        sensitive=True,
        assignee=secretary.user,
    )
    services.add_note(
        access=secretary, case=case, text="主动上门慰问，了解家庭收入和医疗费用情况。", at=created + 3 * HOUR
    )
    sent = created + 2 * DAY
    referral = services.refer(
        access=secretary,
        case=case,
        body=demo.bodies["街道民政科"],
        reply_expected_by=timezone.localdate(sent) + 20 * DAY,
        text="联系街道民政部门申请补助。",
        at=sent,
    )
    aid = services.add_aid(
        access=secretary,
        case=case,
        kind=Aid.Kind.SUBSIDY,
        amount=Decimal(3000),
        notes="民政补助，按季度发放。",
        at=sent + HOUR,
    )
    replied = sent + 18 * DAY
    services.record_reply(
        access=secretary, referral=referral, reply="符合条件，给予补助。", outcome="批准", at=replied
    )
    services.update_aid(access=secretary, aid=aid, status=Aid.Status.APPROVED, at=replied + HOUR)
    services.update_aid(access=secretary, aid=aid, status=Aid.Status.PAID, at=replied + 5 * DAY)
    resolve_and_close(
        demo,
        case,
        replied + 7 * DAY,
        "民政补助已到位，为生活带来不小帮助。",
        call_after_days=5,
        comment="非常感谢居委会。",
    )


def just_short_of_the_standard(demo: Demo, created: datetime.datetime) -> None:
    """Income just above the standard: not eligible for the subsidy, so the staff donate."""
    secretary = demo.secretary
    case = log(
        demo,
        at=created,
        by=secretary,
        code="hardship",
        title="收入略超补助标准的困难户",
        description="家庭收入略高于低保标准，拿不到补助，但子女上学、老人看病开支大。",
        building=demo.buildings[2 % len(demo.buildings)],
        source=Case.Source.WALK_IN,
        sensitive=True,
        assignee=secretary.user,
    )
    subsidy = services.add_aid(
        access=secretary, case=case, kind=Aid.Kind.SUBSIDY, amount=Decimal(1500), at=created + 2 * DAY
    )
    services.update_aid(
        access=secretary,
        aid=subsidy,
        status=Aid.Status.NOT_ELIGIBLE,
        notes="收入超过标准，不符合补助条件。",
        at=created + 9 * DAY,
    )
    donors = "、".join(access.user.display_name for access in [secretary, *demo.staff])
    donation = services.add_aid(
        access=secretary,
        case=case,
        kind=Aid.Kind.DONATION,
        amount=Decimal(2000),
        donors=donors,
        notes="居委干部自发捐款。",
        at=created + 12 * DAY,
    )
    services.update_aid(access=secretary, aid=donation, status=Aid.Status.PAID, at=created + 14 * DAY)
    resolve_and_close(
        demo,
        case,
        created + 25 * DAY,
        "居委干部捐款两千元，并跑街道争取临时救助。",
        call_after_days=4,
        comment="一家人很感动。",
    )


def drying_quilts(demo: Demo, created: datetime.datetime) -> None:
    """A quarrel over drying quilts, settled on the spot: the secretary dries the quilt at home."""
    case = log(
        demo,
        at=created,
        by=demo.secretary,
        code="dispute",
        title="晾晒被子发生口角",
        description="早上巡检时看到两户居民因晾晒被子发生口角。",
        building=demo.buildings[3 % len(demo.buildings)],
        source=Case.Source.PATROL,
        assignee=demo.secretary.user,
    )
    resolve_and_close(
        demo,
        case,
        created + datetime.timedelta(minutes=40),
        "上前调解，把居民家的被子拿到自己家中晾晒，化解了矛盾。",
        call_after_days=2,
        comment="两家已和好。",
    )
    # Three weeks on, the quilts are out again: the worker who heard it asks the secretary to reopen
    # the case (the request waits on the secretary's home page, "重新打开申请").
    services.ask_reopen(
        access=demo.worker,
        case=case,
        text="两家又为晾被子吵起来了，居民来居委会反映。",
        at=created + 20 * DAY + 5 * HOUR,
    )


def uneven_lane(demo: Demo, created: datetime.datetime) -> None:
    """Uneven lane roads, an elderly resident fell: still waiting on the road company."""
    worker = demo.worker
    case = log(
        demo,
        at=created,
        by=worker,
        code="roads",
        title="弄堂路面凹凸不平，老人摔倒受伤",
        description="弄堂路面凹凸不平，居民行走经常绊倒，上周一位老人摔倒受伤。",
        building=None,
        place="定海路449弄主弄堂",
        source=Case.Source.BUILDING_LEADER,
        priority=Case.Priority.URGENT,
        assignee=worker.user,
    )
    sent = created + DAY
    referral = services.refer(
        access=worker,
        case=case,
        body=demo.bodies["区市政养护公司"],
        reply_expected_by=timezone.localdate(sent) + 10 * DAY,
        text="请求平整弄堂路面。",
        at=sent,
    )
    services.chase(access=worker, referral=referral, text="对方说在排期。", at=sent + 14 * DAY)


def garbage_room(demo: Demo, created: datetime.datetime) -> None:
    """The stinking garbage room, reported in the WeChat group: waiting on the property company."""
    staff = demo.staff[1] if len(demo.staff) > 1 else demo.secretary
    case = log(
        demo,
        at=created,
        by=demo.secretary,
        code="garbage",
        title="垃圾箱房臭气熏天，居民抱怨连连",
        description="垃圾箱房清运不及时，臭气熏天，周边居民抱怨。",
        building=demo.buildings[4 % len(demo.buildings)],
        source=Case.Source.WECHAT,
        assignee=staff.user,
    )
    sent = created + DAY
    services.refer(
        access=staff,
        case=case,
        body=demo.bodies["物业公司"],
        reply_expected_by=timezone.localdate(sent) + 5 * DAY,
        text="要求物业清理垃圾箱房并加密清运。",
        at=sent,
    )


def renewal(demo: Demo, created: datetime.datetime) -> None:
    """Residents anxious about the old-housing renewal, listened to patiently and often."""
    secretary = demo.secretary
    case = log(
        demo,
        at=created,
        by=secretary,
        code="relocation",
        title="居民盼旧改情绪激动",
        description="部分居民因盼动迁心切，聚集在弄堂口，情绪激动。",
        building=None,
        place="定海路449弄弄堂口",
        source=Case.Source.PATROL,
        priority=Case.Priority.URGENT,
        assignee=secretary.user,
    )
    services.add_note(
        access=secretary, case=case, text="立即赶到现场，耐心沟通，劝说大家冷静。", at=created + 2 * HOUR
    )
    services.add_note(
        access=secretary,
        case=case,
        text="不定期上门走访，了解居民需求，将旧改意愿向街道、区里反映。",
        at=created + 7 * DAY,
    )


# Each story, and how many days ago it was logged.
STORIES: list[tuple[int, Callable[[Demo, datetime.datetime], None]]] = [
    (300, flooding),
    (200, out_of_work_and_ill),
    (120, just_short_of_the_standard),
    (45, drying_quilts),
    (30, uneven_lane),
    (12, garbage_room),
    (70, renewal),
]
