"""Demo organisation: 定海路街道 in 杨浦区 (a District) with two committees and the demo accounts.

Names follow the newspaper article about two committee secretaries that Needle grew from: 周勤 is
secretary of 定海居民区 and 王丽玲 of 波阳居民区. Demo accounts exist only through `manage.py seed_demo`,
never migrations.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from committee.models import Committee, District, DistrictOfficer, Membership, Street, StreetOfficer, User
from committee.roles import Role

DEMO_PASSWORD = "needle-demo"  # noqa: S105 (the demo's documented password; the seed is demo-only)


@dataclass
class DemoOrganisation:
    street: Street
    committee_a: Committee
    committee_b: Committee
    users: dict[str, User]
    district: District | None = None


# username, full name, committee ("a", "b" or None), role; printed by `make run` in this order.
DEMO_ACCOUNTS = [
    ("secretary", "周勤", "a", Role.SECRETARY),
    ("worker", "李敏", "a", Role.WORKER),
    ("viewer", "陈晓燕", "a", Role.VIEWER),
    ("worker_b", "张伟", "b", Role.WORKER),
    ("officer", "刘建国", None, Role.STREET_OFFICER),
    ("district", "吴志明", None, Role.DISTRICT_OFFICER),
    ("admin", "系统管理员", None, Role.ADMIN),
]
# Colleagues in committee A, so that workload tables have more than one row; they log in too.
EXTRA_ACCOUNTS = [
    ("worker2", "王芳", "a", Role.WORKER),
    ("worker3", "赵磊", "a", Role.WORKER),
    ("secretary_b", "王丽玲", "b", Role.SECRETARY),
]


@transaction.atomic
def seed_organisation() -> DemoOrganisation:
    district = District.objects.create(name="杨浦区")
    street = Street.objects.create(name="定海路街道", district=district)
    committee_a = Committee.objects.create(
        street=street, name="定海居民区", code="dinghai", address="定海路449弄1号", phone="021-65430001"
    )
    committee_b = Committee.objects.create(
        street=street, name="波阳居民区", code="boyang", address="波阳路120弄3号", phone="021-65430002"
    )
    committees = {"a": committee_a, "b": committee_b}
    users: dict[str, User] = {}
    # One hash for the ten demo accounts (they share the documented password): hashing takes about a
    # second each, and `make run` waits for it.
    password = make_password(DEMO_PASSWORD)
    for username, full_name, which, role in DEMO_ACCOUNTS + EXTRA_ACCOUNTS:
        user = User(username=username, full_name=full_name, password=password)
        if role == Role.ADMIN:
            user.is_staff = user.is_superuser = True
        user.save()
        users[username] = user
        if which:
            Membership.objects.create(user=user, committee=committees[which], role=role)
        elif role == Role.STREET_OFFICER:
            StreetOfficer.objects.create(user=user, street=street)
        elif role == Role.DISTRICT_OFFICER:
            DistrictOfficer.objects.create(user=user, district=district)
    return DemoOrganisation(street, committee_a, committee_b, users, district)
