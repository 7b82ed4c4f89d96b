"""The demo registry of committee A (on the demo seeded once per test process)."""

from django.db.models import Count
from django.utils import timezone

from committee.models import Committee
from residents.care import too_young_for
from residents.models import Building, Household, Resident, Visit
from residents.selectors import search_residents
from residents.validators import validate_id_number


def test_the_demo_fills_committee_a_with_a_lane_neighbourhood(seeded_demo, db):
    a = Committee.objects.get(name="定海居民区")
    assert Building.all_objects.filter(committee=a).count() == 40
    assert Household.all_objects.filter(committee=a).count() == 700
    residents = list(Resident.all_objects.filter(committee=a))
    assert 1800 <= len(residents) <= 2200
    over_60 = sum(1 for r in residents if (r.age or 0) >= 60)
    assert 0.28 <= over_60 / len(residents) <= 0.40
    for resident in residents:
        if resident.id_number:
            assert validate_id_number(resident.id_number) == resident.id_number
    codes = dict(
        Resident.care_categories.through.objects.values_list("carecategory__code").annotate(n=Count("id"))
    )
    assert codes["elderly_alone"] > 50 and codes["dibao"] > 3 and codes["disabled"] > 3
    # 高龄老人 only for who is 80 or over, as the resident form and the admin refuse it otherwise.
    very_old = Resident.all_objects.filter(care_categories__code="very_old")
    assert very_old.count() == codes["very_old"] > 20
    assert [r.name for r in very_old if too_young_for("very_old", r.age) is not None] == []
    today = timezone.localdate()
    on_roster = Resident.all_objects.filter(committee=a, next_visit_due__isnull=False)
    assert 0 < on_roster.filter(next_visit_due__lt=today).count() < on_roster.count() / 2
    assert Visit.all_objects.filter(committee=a).count() > 3000
    assert search_residents(Resident.all_objects.filter(committee=a), "449弄").exists()
