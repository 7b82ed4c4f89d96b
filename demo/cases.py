"""Demo cases for committee A (定海居民区): about 600 over the past twelve months.

The stories of the source article (context/seed-article.zh.txt) are here by name: rain flooding
ground-floor homes until the street, departments and the property company are chased for months; a
family where the husband is out of work and the wife seriously ill, helped to a civil-affairs
subsidy, and another just short of the standard helped by the staff's donations; uneven lane roads
that trip the elderly; the stinking garbage room; quarrels over drying quilts; the relocation worry.

Uses the registry's buildings and residents in committee A when the residents seeder made them,
else creates a few of its own. Rows are written in bulk with their historical timestamps; the
numbering counter is set to match.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cases.models import (
    Aid,
    Case,
    CaseCategory,
    CaseCounter,
    CaseEvent,
    CaseParty,
    FollowUp,
    OutsideBody,
    Referral,
)
from common.workdays import due_date
from residents.models import Building, Household, Resident

TARGET = 600

# category code → [(title, description, resolution, referral body name or "")]
TEMPLATES: dict[str, list[tuple[str, str, str, str]]] = {
    "drainage": [
        (
            "雨后底楼积水倒灌",
            "下雨后雨水从下水道倒灌进底楼，家里地面积水。",
            "联系物业疏通下水管道，清理淤泥。",
            "物业公司",
        ),
        ("楼道下水管堵塞", "楼道公用下水管堵塞，污水漫到楼梯口。", "物业派人疏通，已恢复通畅。", "物业公司"),
        (
            "弄堂窨井盖冒水",
            "弄堂口窨井盖下雨就冒水，行人绕道。",
            "区排水所清捞管道，更换井盖。",
            "区排水管理所",
        ),
        ("厨房水斗返水", "厨房水斗经常返水，有异味。", "上门查看，协助居民找维修师傅更换存水弯。", ""),
    ],
    "hardship": [
        (
            "独居老人生活困难",
            "老人独居，退休金低，冬季取暖困难。",
            "申请临时救助，并安排志愿者定期探望。",
            "街道民政科",
        ),
        (
            "因病致贫申请补助",
            "家中主要劳动力患病，医药费负担重。",
            "协助办理医疗救助申请。",
            "街道社区事务受理服务中心",
        ),
        ("残疾人家庭求助", "家中有残疾人，需要辅具和生活帮扶。", "联系街道残联申请辅具。", "街道残联"),
    ],
    "dispute": [
        (
            "晾晒被子引发口角",
            "楼上晾被子滴水到楼下衣物，两户发生口角。",
            "上门调解，约定晾晒时间，双方和解。",
            "",
        ),
        ("楼道堆物邻里矛盾", "邻居在公共楼道堆放杂物，影响通行。", "调解后清理堆物。", ""),
        ("噪音扰民", "楼上夜间噪音大，影响休息。", "上门沟通，双方达成谅解。", ""),
        (
            "漏水引发邻里纠纷",
            "楼上卫生间漏水到楼下，双方对维修费用有争议。",
            "人民调解委员会调解，楼上承担维修费用。",
            "人民调解委员会",
        ),
    ],
    "relocation": [
        (
            "询问旧改征收进度",
            "居民多次询问旧改征收进度，情绪着急。",
            "向居民解释政策和进度，反映到街道房管办。",
            "街道房管办",
        ),
        ("旧改意愿征询问题", "居民对意愿征询流程有疑问。", "组织政策宣讲，逐户解答。", "街道房管办"),
    ],
    "environment": [
        ("小区花园脏乱", "小区花园有垃圾，杂草丛生。", "组织居委干部和志愿者清扫。", ""),
        ("楼道小广告", "楼道墙面贴满小广告。", "组织清理并张贴提示。", ""),
        ("绿化带树枝遮挡窗户", "树枝遮挡底楼窗户，影响采光。", "绿化市容所修剪树枝。", "绿化市容所"),
    ],
    "roads": [
        (
            "弄堂路面坑洼",
            "弄堂路面凹凸不平，老人行走容易绊倒。",
            "联系市政养护公司平整路面。",
            "区市政养护公司",
        ),
        ("路灯不亮", "弄堂路灯坏了，夜间漆黑。", "报修后更换灯具。", "物业公司"),
        ("楼道扶手松动", "楼道扶手松动，老人上下楼不安全。", "物业加固扶手。", "物业公司"),
    ],
    "garbage": [
        ("垃圾箱房臭气熏天", "垃圾箱房清运不及时，夏天臭气熏天。", "联系清运加密，冲洗箱房。", "绿化市容所"),
        ("撤桶后乱扔垃圾", "定时定点撤桶后，有人把垃圾扔在原桶点。", "加强值守宣传，劝导居民定时投放。", ""),
        ("大件垃圾无人清运", "弄堂口堆放旧沙发等大件垃圾。", "预约大件垃圾清运。", ""),
    ],
    "illegal_construction": [
        ("底楼违章搭建", "底楼居民在公共通道搭建小屋。", "城管中队上门，限期拆除。", "城市管理执法中队"),
        ("屋顶违章搭建", "有住户在屋顶平台搭建阳光房。", "城管中队立案处理。", "城市管理执法中队"),
    ],
    "elderly": [
        ("高龄老人助餐需求", "独居高龄老人做饭困难，希望助餐。", "安排社区食堂送餐。", ""),
        (
            "老人申请居家养老服务",
            "老人行动不便，需要上门照护。",
            "协助申请居家养老服务。",
            "街道社区事务受理服务中心",
        ),
        (
            "老人走失后找回",
            "老人外出迷路，家属求助。",
            "联系派出所协助找回，为老人办理防走失手环。",
            "派出所",
        ),
    ],
    "safety": [
        ("电动车楼道充电", "有居民在楼道给电动车充电，存在火灾隐患。", "上门劝导，引导到集中充电点。", ""),
        ("电线老化", "楼道电线老化，有打火现象。", "物业更换电线。", "物业公司"),
        ("煤气味", "居民反映楼道有煤气味。", "联系燃气公司检查，已排除隐患。", ""),
    ],
    "other": [
        ("咨询证明开具", "居民咨询居住证明如何开具。", "告知所需材料并协助办理。", ""),
        ("快递柜位置", "居民建议在弄堂口设置快递柜。", "向街道反映，已纳入美丽家园规划。", ""),
    ],
}
WEIGHTS = {
    "drainage": 12,
    "hardship": 7,
    "dispute": 12,
    "relocation": 6,
    "environment": 12,
    "roads": 9,
    "garbage": 12,
    "illegal_construction": 4,
    "elderly": 10,
    "safety": 9,
    "other": 7,
}
SOURCES = [
    (Case.Source.WALK_IN, 25),
    (Case.Source.PHONE, 20),
    (Case.Source.VISIT, 15),
    (Case.Source.PATROL, 12),
    (Case.Source.BUILDING_LEADER, 10),
    (Case.Source.HOTLINE, 10),
    (Case.Source.WECHAT, 6),
    (Case.Source.OTHER, 2),
]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗"
GIVEN = [
    "建华",
    "秀英",
    "桂英",
    "国强",
    "丽华",
    "志明",
    "美玲",
    "文杰",
    "玉兰",
    "金宝",
    "阿毛",
    "小妹",
    "春花",
    "德明",
]
FOLLOW_COMMENTS = [
    "很满意，谢谢居委",
    "问题解决了",
    "基本解决，希望以后多关心",
    "速度再快点就好了",
    "还有点小问题",
]


class _Seeder:
    def __init__(self, org, rng: random.Random) -> None:
        self.org = org
        self.committee = org.committee_a
        self.rng = rng
        users = org.users
        self.staff = [users[u] for u in ("worker", "worker2", "worker3") if u in users]
        self.secretary = users["secretary"]
        self.categories = {c.code: c for c in CaseCategory.objects.all()}
        self.bodies = {b.name: b for b in OutsideBody.objects.all()}
        self.now = timezone.now()
        self.cases: list[Case] = []
        self.events: list[CaseEvent] = []
        self.parties: list[CaseParty] = []
        self.referrals: list[tuple[Case, Referral, list[datetime.datetime]]] = []
        self.follow_ups: list[FollowUp] = []
        self.aid: list[Aid] = []
        self.seq_by_year: dict[int, int] = {}

    # --- the place -------------------------------------------------------------------------------------
    def registry(self) -> None:
        buildings = list(Building.all_objects.filter(committee=self.committee))
        if not buildings:
            buildings = self._fallback_registry()
        self.buildings = buildings
        households = list(Household.all_objects.filter(committee=self.committee).select_related("building"))
        self.households_by_building: dict[int, list[Household]] = {}
        for household in households:
            self.households_by_building.setdefault(household.building_id, []).append(household)
        residents = list(Resident.all_objects.filter(committee=self.committee, archived="")[:5000])
        self.residents_by_household: dict[int, list[Resident]] = {}
        for resident in residents:
            self.residents_by_household.setdefault(resident.household_id, []).append(resident)

    def _fallback_registry(self) -> list[Building]:
        rng = self.rng
        buildings = []
        for lane in ("449", "451", "455"):
            for number in range(1, 9):
                buildings.append(
                    Building.all_objects.create(
                        committee=self.committee, road="定海路", lane=lane, number=str(number), floors=3
                    )
                )
        for building in buildings:
            for floor in (1, 2, 3):
                for room in (1, 2):
                    household = Household.all_objects.create(
                        committee=self.committee, building=building, room=f"{floor}0{room}"
                    )
                    for _i in range(rng.choice((1, 2, 2, 3))):
                        Resident.all_objects.create(
                            committee=self.committee,
                            household=household,
                            name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                            gender=rng.choice("MF"),
                            birth_date=datetime.date(
                                rng.randint(1935, 1995), rng.randint(1, 12), rng.randint(1, 28)
                            ),
                        )
        return buildings

    # --- writing one case ------------------------------------------------------------------------------
    def _event(self, case, kind, actor, at, text="", ref=None, **data) -> None:
        event = CaseEvent(
            case=case, committee=self.committee, kind=kind, actor=actor, at=at, text=text, data=data
        )
        event.ref = ref  # the referral, whose id is known only once it is written
        self.events.append(event)

    def _new_case(
        self, *, created: datetime.datetime, code: str, title: str, description: str, building, **kw
    ):
        year = timezone.localdate(created).year
        self.seq_by_year[year] = self.seq_by_year.get(year, 0) + 1
        category = self.categories[code]
        priority = kw.pop("priority", Case.Priority.NORMAL)
        households = self.households_by_building.get(building.pk, []) if building else []
        household = kw.pop("household", None) or (
            self.rng.choice(households) if households and self.rng.random() < 0.6 else None
        )
        case = Case(
            committee=self.committee,
            year=year,
            seq=self.seq_by_year[year],
            title=title,
            description=description,
            category=category,
            priority=priority,
            building=building,
            household=household,
            due_date=due_date(timezone.localdate(created), category.default_due_days, priority),
            created_by=kw.pop("created_by", None) or self.rng.choice([*self.staff, self.secretary]),
            created_at=created,
            **kw,
        )
        if case.source == Case.Source.HOTLINE and not case.work_order_number:
            case.work_order_number = f"{year}{self.rng.randint(10**7, 10**8 - 1)}"
        self.cases.append(case)
        self._event(case, CaseEvent.Kind.CREATED, case.created_by, created)
        if household is not None:
            people = self.residents_by_household.get(household.pk, [])
            if people:
                role = CaseParty.Role.BENEFICIARY if code == "hardship" else CaseParty.Role.REPORTER
                self.parties.append(
                    CaseParty(case=case, committee=self.committee, resident=people[0], role=role)
                )
        return case

    def _work(self, case: Case, *, body_name: str, resolution: str, age_days: int, story=None) -> None:
        """Walk a case through its life up to today, by its age."""
        rng = self.rng
        t = case.created_at
        step = lambda hours: t + datetime.timedelta(hours=hours)  # noqa: E731
        # Assigned (most at once, some taken later), then started.
        if case.assignee is None and (rng.random() < 0.4 or age_days > 4):
            case.assignee = rng.choice(self.staff)
            t = step(rng.randint(1, 30))
            taken = rng.random() < 0.4
            self._event(
                case,
                CaseEvent.Kind.ASSIGNED,
                case.assignee if taken else self.secretary,
                t,
                assignee=case.assignee.display_name,
                previous="",
                taken=taken,
            )
        if case.assignee is None:
            return
        if age_days < 6 and rng.random() < 0.5:
            return
        t = step(rng.randint(2, 48))
        case.status = Case.Status.IN_PROGRESS
        self._event(
            case,
            CaseEvent.Kind.STATUS,
            case.assignee,
            t,
            **{"from": "new", "to": "in_progress", "action": "start"},
        )
        if rng.random() < 0.35:
            t = step(rng.randint(1, 24))
            self._event(
                case,
                CaseEvent.Kind.NOTE,
                case.assignee,
                t,
                rng.choice(["已上门查看情况。", "电话联系居民了解情况。", "拍照留存。", "与楼组长沟通。"]),
            )
        # A referral, for the kinds that need an outside body.
        open_referral = False
        if body_name and body_name in self.bodies and rng.random() < 0.7:
            body = self.bodies[body_name]
            t = step(rng.randint(4, 72))
            sent_on = timezone.localdate(t)
            referral = Referral(
                case=case,
                committee=self.committee,
                body=body,
                sent_on=sent_on,
                their_reference=f"ZH{rng.randint(1000, 9999)}" if rng.random() < 0.5 else "",
                reply_expected_by=sent_on + datetime.timedelta(days=rng.choice((5, 7, 10, 15))),
                created_by=case.assignee,
            )
            case.status = Case.Status.WAITING
            self._event(
                case,
                CaseEvent.Kind.REFERRAL_SENT,
                case.assignee,
                t,
                ref=referral,
                body=body.name,
                body_en=body.name_en,
                **{"from": "in_progress", "to": "waiting"},
            )
            chases = []
            days_available = (self.now - t).days
            reply_after = rng.randint(3, 40)
            n_chases = min(rng.choice((0, 0, 1, 1, 2, 3)), max(days_available // 7, 0))
            for i in range(n_chases):
                at = t + datetime.timedelta(days=7 * (i + 1), hours=rng.randint(0, 8))
                if at > self.now:
                    break
                chases.append(at)
                self._event(
                    case,
                    CaseEvent.Kind.CHASE,
                    case.assignee,
                    at,
                    rng.choice(["对方说在排期。", "已再次电话催促。", "对方表示本周派人。"]),
                    ref=referral,
                    body=body.name,
                    body_en=body.name_en,
                    days=7 * (i + 1),
                )
            if reply_after < days_available and (days_available > 45 or rng.random() < 0.7):
                t = t + datetime.timedelta(days=reply_after)
                referral.replied_on = timezone.localdate(t)
                referral.reply = resolution
                referral.outcome = "已处理"
                case.status = Case.Status.IN_PROGRESS
                self._event(
                    case,
                    CaseEvent.Kind.REPLY,
                    case.assignee,
                    t,
                    resolution,
                    ref=referral,
                    body=body.name,
                    body_en=body.name_en,
                    outcome="已处理",
                    days=reply_after,
                    **{"from": "waiting", "to": "in_progress"},
                )
            else:
                open_referral = True
            self.referrals.append((case, referral, chases))
        if open_referral:
            return
        # Resolved when its time has come.
        work_days = rng.randint(1, 25)
        if (self.now - t).days < work_days and rng.random() < 0.8:
            return
        t = t + datetime.timedelta(days=min(work_days, max((self.now - t).days, 0)), hours=rng.randint(1, 6))
        if t > self.now:
            t = self.now - datetime.timedelta(hours=1)
        case.status = Case.Status.RESOLVED
        case.resolution = resolution
        case.resolved_at = t
        self._event(
            case,
            CaseEvent.Kind.STATUS,
            case.assignee,
            t,
            resolution,
            **{"from": "in_progress", "to": "resolved", "action": "resolve"},
        )
        # The follow-up call, a few days later.
        call = t + datetime.timedelta(days=rng.randint(1, 6))
        if call > self.now:
            return
        satisfaction = rng.choices(
            [Case.Satisfaction.SATISFIED, Case.Satisfaction.MOSTLY, Case.Satisfaction.NOT_SATISFIED],
            [75, 20, 5 if age_days <= 40 else 0],
        )[0]
        comment = rng.choice(FOLLOW_COMMENTS)
        self.follow_ups.append(
            FollowUp(
                case=case,
                committee=self.committee,
                called_on=timezone.localdate(call),
                called_by=case.assignee,
                satisfaction=satisfaction,
                comment=comment,
            )
        )
        case.satisfaction = satisfaction
        reopened = satisfaction == Case.Satisfaction.NOT_SATISFIED
        self._event(
            case,
            CaseEvent.Kind.FOLLOW_UP,
            case.assignee,
            call,
            comment,
            satisfaction=satisfaction,
            reopened=reopened,
        )
        if reopened:
            case.status = Case.Status.IN_PROGRESS
            case.resolved_at = None
            return
        close = call + datetime.timedelta(days=rng.randint(0, 3), hours=2)
        if close > self.now:
            return
        case.status = Case.Status.CLOSED
        case.closure = Case.Closure.FOLLOWED_UP
        case.closed_at = close
        self._event(
            case,
            CaseEvent.Kind.STATUS,
            self.secretary,
            close,
            **{"from": "resolved", "to": "closed", "action": "close"},
        )

    # --- the everyday cases ----------------------------------------------------------------------------
    def everyday(self, count: int) -> None:
        rng = self.rng
        codes = list(WEIGHTS)
        weights = [WEIGHTS[c] for c in codes]
        sources, source_weights = zip(*SOURCES, strict=True)
        for _i in range(count):
            age = rng.triangular(0, 365, 40)
            created = self.now - datetime.timedelta(days=age, hours=rng.randint(0, 9))
            local = timezone.localtime(created)
            created = created.replace(hour=0) + datetime.timedelta(
                hours=rng.randint(0, 9)
            )  # office hours (UTC+8)
            del local
            code = rng.choices(codes, weights)[0]
            title, description, resolution, body = rng.choice(TEMPLATES[code])
            building = rng.choice(self.buildings) if rng.random() < 0.85 else None
            place = (
                ""
                if building
                else rng.choice(["弄堂口", "小区花园", "垃圾箱房旁", "自行车棚", "定海路人行道"])
            )
            priority = rng.choices(list(Case.Priority), [15, 75, 10])[0]
            case = self._new_case(
                created=created,
                code=code,
                title=title,
                description=description,
                building=building,
                place=place,
                priority=priority,
                source=rng.choices(sources, source_weights)[0],
                sensitive=code == "hardship" and rng.random() < 0.5,
            )
            if code == "hardship" and rng.random() < 0.7 and age > 10:
                kind = rng.choice([Aid.Kind.SUBSIDY, Aid.Kind.EMERGENCY, Aid.Kind.GOODS])
                applied = timezone.localdate(created) + datetime.timedelta(days=rng.randint(1, 5))
                status = rng.choices(
                    [Aid.Status.PAID, Aid.Status.APPROVED, Aid.Status.APPLIED, Aid.Status.NOT_ELIGIBLE],
                    [60, 15, 15, 10],
                )[0]
                amount = (
                    Decimal(rng.choice((300, 500, 800, 1000, 1500, 2000)))
                    if kind != Aid.Kind.GOODS
                    else Decimal(0)
                )
                self._aid(case, kind, amount, status, applied)
            self._work(case, body_name=body, resolution=resolution, age_days=int(age))

    def _aid(self, case, kind, amount, status, applied, donors="", notes="") -> None:
        decided = applied + datetime.timedelta(days=7) if status != Aid.Status.APPLIED else None
        paid = decided + datetime.timedelta(days=5) if status == Aid.Status.PAID and decided else None
        at = timezone.make_aware(datetime.datetime.combine(applied, datetime.time(10)))
        self.aid.append(
            Aid(
                case=case,
                committee=self.committee,
                kind=kind,
                amount=amount,
                status=status,
                donors=donors,
                applied_on=applied,
                decided_on=decided,
                paid_on=paid,
                notes=notes,
            )
        )
        self._event(
            case,
            CaseEvent.Kind.AID,
            case.assignee or self.secretary,
            at,
            notes,
            aid=None,
            aid_kind=kind,
            amount=str(amount),
            status=status,
        )

    # --- the article's stories -------------------------------------------------------------------------
    def _resolve_and_close(
        self, case, t, resolution, *, from_status, call_after_days, comment, closed_same_day=False
    ) -> None:
        """A story's happy ending: the secretary resolves it, calls back (satisfied), and closes it."""
        case.status, case.resolution, case.resolved_at = Case.Status.RESOLVED, resolution, t
        self._event(
            case,
            CaseEvent.Kind.STATUS,
            self.secretary,
            t,
            resolution,
            **{"from": from_status, "to": "resolved", "action": "resolve"},
        )
        call = t + datetime.timedelta(days=call_after_days)
        self.follow_ups.append(
            FollowUp(
                case=case,
                committee=self.committee,
                called_on=timezone.localdate(call),
                called_by=self.secretary,
                satisfaction="satisfied",
                comment=comment,
            )
        )
        case.satisfaction = "satisfied"
        self._event(
            case,
            CaseEvent.Kind.FOLLOW_UP,
            self.secretary,
            call,
            comment,
            satisfaction="satisfied",
            reopened=False,
        )
        closed_at = call if closed_same_day else call + datetime.timedelta(days=1)
        case.status, case.closure, case.closed_at = Case.Status.CLOSED, Case.Closure.FOLLOWED_UP, closed_at
        self._event(
            case,
            CaseEvent.Kind.STATUS,
            self.secretary,
            closed_at,
            **{"from": "resolved", "to": "closed", "action": "close"},
        )

    def stories(self) -> None:
        rng = self.rng
        b = self.buildings
        ground = [h for h in self.households_by_building.get(b[0].pk, []) if h.room.startswith("1")] or [None]
        # 1. Rain flooding the ground floor: five reporters, the property company chased for months.
        created = self.now - datetime.timedelta(days=300)
        case = self._new_case(
            created=created,
            code="drainage",
            title="雨季底楼居民家中“发洪水”",
            description="排水设施老化，每逢雨季雨水倒灌进底楼居民家中，严重时家中积水、漏水。多户居民先后反映。",
            building=b[0],
            household=ground[0],
            source=Case.Source.VISIT,
            priority=Case.Priority.URGENT,
            created_by=self.secretary,
            assignee=self.secretary,
        )
        for household in self.households_by_building.get(b[0].pk, [])[1:5]:
            for resident in self.residents_by_household.get(household.pk, [])[:1]:
                self.parties.append(
                    CaseParty(
                        case=case, committee=self.committee, resident=resident, role=CaseParty.Role.REPORTER
                    )
                )
        t = created + datetime.timedelta(days=1)
        case.status = Case.Status.IN_PROGRESS
        self._event(
            case,
            CaseEvent.Kind.STATUS,
            self.secretary,
            t,
            "走访中发现，先帮居民把积水舀出去。",
            **{"from": "new", "to": "in_progress", "action": "start"},
        )
        for name, days, reply_days, reply in (
            ("物业公司", 2, 95, "物业表示需街道统一安排改造，先做临时疏通。"),
            ("街道房管办", 20, 60, "已纳入街道排水改造计划。"),
            ("区排水管理所", 40, 120, "排水设施重新排设完成，房屋同步修缮。"),
        ):
            sent = created + datetime.timedelta(days=days)
            body = self.bodies[name]
            referral = Referral(
                case=case,
                committee=self.committee,
                body=body,
                sent_on=timezone.localdate(sent),
                reply_expected_by=timezone.localdate(sent) + datetime.timedelta(days=15),
                created_by=self.secretary,
                replied_on=timezone.localdate(sent + datetime.timedelta(days=reply_days)),
                reply=reply,
                outcome="已处理",
            )
            self._event(
                case,
                CaseEvent.Kind.REFERRAL_SENT,
                self.secretary,
                sent,
                "多次反映居民家中雨水倒灌情况。",
                ref=referral,
                body=body.name,
                body_en=body.name_en,
                **{"from": "in_progress", "to": "waiting"},
            )
            chases = []
            for week in range(3, reply_days // 7, 3):
                at = sent + datetime.timedelta(days=week * 7)
                chases.append(at)
                self._event(
                    case,
                    CaseEvent.Kind.CHASE,
                    self.secretary,
                    at,
                    "再次联系反映情况。",
                    ref=referral,
                    body=body.name,
                    body_en=body.name_en,
                    days=week * 7,
                )
            self._event(
                case,
                CaseEvent.Kind.REPLY,
                self.secretary,
                sent + datetime.timedelta(days=reply_days),
                reply,
                ref=referral,
                body=body.name,
                body_en=body.name_en,
                outcome="已处理",
                days=reply_days,
                **{"from": "waiting", "to": "in_progress"},
            )
            self.referrals.append((case, referral, chases))
        t = created + datetime.timedelta(days=165)
        self._resolve_and_close(
            case,
            t,
            "小区排水设施重新排设，房屋进行了修缮，居民家中不再积水。",
            from_status="in_progress",
            call_after_days=3,
            comment="居民交口称赞，再也不怕下雨了。",
        )

        # 2. Husband out of work, wife seriously ill: a civil-affairs subsidy.
        created = self.now - datetime.timedelta(days=200)
        home = rng.choice(self.households_by_building.get(b[1 % len(b)].pk, [None]) or [None])
        case = self._new_case(
            created=created,
            code="hardship",
            title="丈夫失业、妻子重病，生活困顿",
            description="丈夫失业在家，妻子身患重病无法工作，高额医药费压得两人生活困顿。",
            building=b[1 % len(b)],
            household=home,
            source=Case.Source.VISIT,
            sensitive=True,
            created_by=self.secretary,
            assignee=self.secretary,
        )
        self._event(
            case,
            CaseEvent.Kind.NOTE,
            self.secretary,
            created + datetime.timedelta(hours=3),
            "主动上门慰问，了解家庭收入和医疗费用情况。",
        )
        body = self.bodies["街道民政科"]
        sent = created + datetime.timedelta(days=2)
        referral = Referral(
            case=case,
            committee=self.committee,
            body=body,
            sent_on=timezone.localdate(sent),
            reply_expected_by=timezone.localdate(sent) + datetime.timedelta(days=20),
            created_by=self.secretary,
            replied_on=timezone.localdate(sent + datetime.timedelta(days=18)),
            reply="符合条件，给予补助。",
            outcome="批准",
        )
        self.referrals.append((case, referral, []))
        self._event(
            case,
            CaseEvent.Kind.REFERRAL_SENT,
            self.secretary,
            sent,
            "联系街道民政部门申请补助。",
            ref=referral,
            body=body.name,
            body_en=body.name_en,
            **{"from": "new", "to": "waiting"},
        )
        self._event(
            case,
            CaseEvent.Kind.REPLY,
            self.secretary,
            sent + datetime.timedelta(days=18),
            "符合条件，给予补助。",
            ref=referral,
            body=body.name,
            body_en=body.name_en,
            outcome="批准",
            days=18,
            **{"from": "waiting", "to": "in_progress"},
        )
        self._aid(
            case,
            Aid.Kind.SUBSIDY,
            Decimal("3000.00"),
            Aid.Status.PAID,
            timezone.localdate(sent),
            notes="民政补助，按季度发放。",
        )
        t = sent + datetime.timedelta(days=25)
        self._resolve_and_close(
            case,
            t,
            "民政补助已到位，为生活带来不小帮助。",
            from_status="in_progress",
            call_after_days=5,
            comment="非常感谢居委会。",
        )

        # 3. Just short of the standard: not eligible, then the staff's donations.
        created = self.now - datetime.timedelta(days=120)
        case = self._new_case(
            created=created,
            code="hardship",
            title="收入略超补助标准的困难户",
            description="家庭收入略高于低保标准，拿不到补助，但子女上学、老人看病开支大。",
            building=b[2 % len(b)],
            source=Case.Source.WALK_IN,
            sensitive=True,
            created_by=self.secretary,
            assignee=self.secretary,
        )
        applied = timezone.localdate(created) + datetime.timedelta(days=2)
        self._aid(
            case,
            Aid.Kind.SUBSIDY,
            Decimal("1500.00"),
            Aid.Status.NOT_ELIGIBLE,
            applied,
            notes="收入超过标准，不符合补助条件。",
        )
        names = "、".join(u.display_name for u in [self.secretary, *self.staff])
        self._aid(
            case,
            Aid.Kind.DONATION,
            Decimal("2000.00"),
            Aid.Status.PAID,
            applied + datetime.timedelta(days=10),
            donors=names,
            notes="居委干部自发捐款。",
        )
        t = created + datetime.timedelta(days=25)
        self._resolve_and_close(
            case,
            t,
            "居委干部捐款两千元，并跑街道争取临时救助。",
            from_status="new",
            call_after_days=4,
            comment="一家人很感动。",
        )

        # 4. Drying quilts: a quarrel settled on the spot (he dries their quilt at his own home).
        created = self.now - datetime.timedelta(days=45)
        case = self._new_case(
            created=created,
            code="dispute",
            title="晾晒被子发生口角",
            description="早上巡检时看到两户居民因晾晒被子发生口角。",
            building=b[3 % len(b)],
            source=Case.Source.PATROL,
            created_by=self.secretary,
            assignee=self.secretary,
        )
        t = created + datetime.timedelta(minutes=40)
        self._resolve_and_close(
            case,
            t,
            "上前调解，把居民家的被子拿到自己家中晾晒，化解了矛盾。",
            from_status="new",
            call_after_days=2,
            comment="两家已和好。",
            closed_same_day=True,
        )

        # 5. Uneven lane roads, an elderly resident fell: open, waiting on the road company.
        created = self.now - datetime.timedelta(days=30)
        case = self._new_case(
            created=created,
            code="roads",
            title="弄堂路面凹凸不平，老人摔倒受伤",
            description="弄堂路面凹凸不平，居民行走经常绊倒，上周一位老人摔倒受伤。",
            building=None,
            place="定海路449弄主弄堂",
            source=Case.Source.BUILDING_LEADER,
            priority=Case.Priority.URGENT,
            created_by=self.org.users.get("worker", self.secretary),
            assignee=self.org.users.get("worker", self.secretary),
        )
        case.status = Case.Status.WAITING
        body = self.bodies["区市政养护公司"]
        sent = created + datetime.timedelta(days=1)
        referral = Referral(
            case=case,
            committee=self.committee,
            body=body,
            sent_on=timezone.localdate(sent),
            reply_expected_by=timezone.localdate(sent) + datetime.timedelta(days=10),
            created_by=case.assignee,
        )
        self.referrals.append((case, referral, [sent + datetime.timedelta(days=14)]))
        self._event(
            case,
            CaseEvent.Kind.REFERRAL_SENT,
            case.assignee,
            sent,
            "请求平整弄堂路面。",
            ref=referral,
            body=body.name,
            body_en=body.name_en,
            **{"from": "new", "to": "waiting"},
        )
        self._event(
            case,
            CaseEvent.Kind.CHASE,
            case.assignee,
            sent + datetime.timedelta(days=14),
            "对方说在排期。",
            ref=referral,
            body=body.name,
            body_en=body.name_en,
            days=14,
        )

        # 6. The stinking garbage room, waiting on the property company now.
        created = self.now - datetime.timedelta(days=12)
        case = self._new_case(
            created=created,
            code="garbage",
            title="垃圾箱房臭气熏天，居民抱怨连连",
            description="垃圾箱房清运不及时，臭气熏天，周边居民抱怨。",
            building=b[4 % len(b)],
            source=Case.Source.WECHAT,
            created_by=self.secretary,
            assignee=self.org.users.get("worker2", self.secretary),
        )
        case.status = Case.Status.WAITING
        body = self.bodies["物业公司"]
        sent = created + datetime.timedelta(days=1)
        referral = Referral(
            case=case,
            committee=self.committee,
            body=body,
            sent_on=timezone.localdate(sent),
            reply_expected_by=timezone.localdate(sent) + datetime.timedelta(days=5),
            created_by=case.assignee,
        )
        self.referrals.append((case, referral, []))
        self._event(
            case,
            CaseEvent.Kind.REFERRAL_SENT,
            case.assignee,
            sent,
            "要求物业清理垃圾箱房并加密清运。",
            ref=referral,
            body=body.name,
            body_en=body.name_en,
            **{"from": "new", "to": "waiting"},
        )

        # 7. Relocation: residents anxious about the old-housing renewal, handled patiently.
        created = self.now - datetime.timedelta(days=70)
        case = self._new_case(
            created=created,
            code="relocation",
            title="居民盼旧改情绪激动",
            description="部分居民因盼动迁心切，聚集在弄堂口，情绪激动。",
            building=None,
            place="定海路449弄弄堂口",
            source=Case.Source.PATROL,
            priority=Case.Priority.URGENT,
            created_by=self.secretary,
            assignee=self.secretary,
        )
        t = created + datetime.timedelta(hours=2)
        case.status = Case.Status.IN_PROGRESS
        self._event(case, CaseEvent.Kind.NOTE, self.secretary, t, "立即赶到现场，耐心沟通，劝说大家冷静。")
        self._event(
            case,
            CaseEvent.Kind.NOTE,
            self.secretary,
            t + datetime.timedelta(days=7),
            "不定期上门走访，了解居民需求，将旧改意愿向街道、区里反映。",
        )

    def write(self) -> None:
        Case.all_objects.bulk_create(self.cases, batch_size=500)
        CaseParty.all_objects.bulk_create(self.parties, batch_size=500, ignore_conflicts=True)
        for case, referral, _chases in self.referrals:
            referral.case = case
        Referral.all_objects.bulk_create([r for _c, r, _ch in self.referrals], batch_size=500)
        for event in self.events:
            event.case = event.case  # the saved case's id
            if event.ref is not None:
                event.data["referral"] = event.ref.pk
        CaseEvent.all_objects.bulk_create(self.events, batch_size=1000)
        FollowUp.all_objects.bulk_create(self.follow_ups, batch_size=500)
        Aid.all_objects.bulk_create(self.aid, batch_size=500)
        for year, last in self.seq_by_year.items():
            CaseCounter.objects.update_or_create(committee=self.committee, year=year, defaults={"last": last})
        # updated_at is auto_now; the demo shows when each case last moved instead.
        last_moves: dict[int, datetime.datetime] = {}
        for event in self.events:
            last_moves[event.case.pk] = max(last_moves.get(event.case.pk, event.at), event.at)
        for case in self.cases:
            case.updated_at = last_moves.get(case.pk, case.created_at)
        Case.all_objects.bulk_update(self.cases, ["updated_at"], batch_size=500)


@transaction.atomic
def seed(org, stdout=None) -> None:
    rng = random.Random(449)
    seeder = _Seeder(org, rng)
    seeder.registry()
    seeder.stories()
    seeder.everyday(TARGET - len(seeder.cases))
    # Cases are numbered in the order they were logged.
    seeder.cases.sort(key=lambda c: c.created_at)
    counters: dict[int, int] = {}
    for case in seeder.cases:
        counters[case.year] = counters.get(case.year, 0) + 1
        case.seq = counters[case.year]
    seeder.seq_by_year = counters
    seeder.write()
    if stdout is not None:
        open_count = sum(1 for c in seeder.cases if c.status in Case.OPEN_STATUSES)
        stdout.write(
            f"Cases: {len(seeder.cases)} in {org.committee_a.name} ({open_count} open), "
            f"{len(seeder.events)} events."
        )
