"""Plain builders for the reports tests: cases and registry rows with explicit dates."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cases.models import Aid, Case, CaseCategory, CaseCounter, CaseParty, FollowUp, OutsideBody, Referral
from residents.models import Building, CareCategory, Household, Resident, Visit


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """An aware datetime on a local date."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def category(
    code: str = "t-drains", name: str = "排水", name_en: str = "Drainage", order: int = 0
) -> CaseCategory:
    return CaseCategory.objects.get_or_create(
        code=code, defaults={"name": name, "name_en": name_en, "order": order}
    )[0]


def building(committee, number: str = "12", road: str = "定海路", lane: str = "449") -> Building:
    return Building.all_objects.get_or_create(committee=committee, road=road, lane=lane, number=number)[0]


def resident(
    committee, name: str = "王建华", phone: str = "13812345678", id_number: str | None = None, room="101"
):
    home = Household.all_objects.get_or_create(committee=committee, building=building(committee), room=room)[
        0
    ]
    return Resident.all_objects.create(
        committee=committee, household=home, name=name, phone=phone, id_number=id_number
    )


def case(
    committee,
    *,
    created_by,
    created: dt.date,
    cat: CaseCategory | None = None,
    status: str = Case.Status.NEW,
    due: dt.date | None = None,
    resolved: dt.date | None = None,
    assignee=None,
    source: str = Case.Source.WALK_IN,
    where: Building | None = None,
    satisfaction: str = "",
    called: dt.date | None = None,
    last_call: tuple[dt.date, str] | None = None,
    sensitive: bool = False,
    title: str = "下水道返水",
    priority: str = Case.Priority.NORMAL,
) -> Case:
    # The number from the committee's counter, as the service takes it: a case logged afterwards
    # through the service (a test's POST) must not be given the same number.
    counter, _ = CaseCounter.objects.get_or_create(committee=committee, year=created.year)
    counter.last += 1
    counter.save(update_fields=["last"])
    # A satisfaction is the answer at this resolution's follow-up call: the case's latest call, on
    # `called` (by default the day resolved), is the one the dashboards count. `last_call` (day,
    # answer): a latest call of its own (one before a reopening, when this resolution has none).
    if satisfaction and called is None:
        called = resolved  # None for a case never resolved: no call to count
    last_called_on, last_call_result = last_call or (
        (called, satisfaction) if called and satisfaction else (None, "")
    )
    return Case.all_objects.create(
        committee=committee,
        year=created.year,
        seq=counter.last,
        title=title,
        category=cat or category(),
        source=source,
        priority=priority,
        building=where,
        assignee=assignee,
        due_date=due or created + dt.timedelta(days=14),
        status=status,
        resolved_at=at(resolved, 16) if resolved else None,
        satisfaction=satisfaction,
        last_called_on=last_called_on,
        last_call_result=last_call_result,
        sensitive=sensitive,
        created_by=created_by,
        created_at=at(created),
    )


def party(c: Case, person: Resident, role: str = CaseParty.Role.REPORTER) -> CaseParty:
    return CaseParty.all_objects.create(committee=c.committee, case=c, resident=person, role=role)


def body(name: str = "街道城建办") -> OutsideBody:
    return OutsideBody.objects.get_or_create(name=name, defaults={"name_en": "Street works office"})[0]


def referral(
    c: Case, *, sent: dt.date, expected: dt.date | None, replied: dt.date | None = None, by
) -> Referral:
    return Referral.all_objects.create(
        committee=c.committee,
        case=c,
        body=body(),
        sent_on=sent,
        reply_expected_by=expected,
        replied_on=replied,
        created_by=by,
    )


def follow_up(c: Case, *, on: dt.date, satisfaction: str, by) -> FollowUp:
    return FollowUp.all_objects.create(
        committee=c.committee, case=c, called_on=on, called_by=by, satisfaction=satisfaction
    )


def aid(c: Case, *, applied: dt.date, amount: str = "500.00", paid: dt.date | None = None, **kw) -> Aid:
    return Aid.all_objects.create(
        committee=c.committee,
        case=c,
        kind=kw.pop("kind", Aid.Kind.SUBSIDY),
        amount=Decimal(amount),
        status=Aid.Status.PAID if paid else Aid.Status.APPLIED,
        applied_on=applied,
        paid_on=paid,
        **kw,
    )


def care_category(code: str = "alone", every: int | None = 7) -> CareCategory:
    return CareCategory.objects.get_or_create(
        code=code, defaults={"name": "独居老人", "name_en": "Living alone", "visit_every_days": every}
    )[0]


def visit(person: Resident, *, on: dt.date, by) -> Visit:
    return Visit.all_objects.create(
        committee=person.committee, resident=person, visited_at=at(on), visitor=by, findings="身体尚可"
    )


def refused_export(client, url: str, query: dict, back_to: str) -> str:
    """An export past EXPORT_MAX_ROWS: sent back to `back_to` with nothing noted as exported; the
    page it lands on, as text (its message)."""
    from audit.models import AccessRecord
    from committee.scoping import unscoped

    with unscoped():
        exports = AccessRecord.objects.count()
    response = client.get(url, query)
    assert response.status_code == 302
    assert response["Location"] == back_to
    with unscoped():
        assert AccessRecord.objects.count() == exports
    return client.get(response["Location"]).text
