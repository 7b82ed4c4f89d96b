"""Plain functions that make rows for tests: explicit arguments, no magic."""

from itertools import count

from committee.models import Committee, District, DistrictOfficer, Membership, Street, StreetOfficer, User
from committee.roles import Role

_seq = count(1)


def make_district(name: str | None = None) -> District:
    return District.objects.create(name=name or f"测试区{next(_seq)}")


def make_street(name: str | None = None, district: District | None = None) -> Street:
    return Street.objects.create(name=name or f"测试街道{next(_seq)}", district=district)


def make_committee(street: Street, name: str | None = None) -> Committee:
    n = next(_seq)
    return Committee.objects.create(street=street, name=name or f"测试居民区{n}", code=f"c{n}")


def make_user(
    username: str | None = None,
    *,
    committee: Committee | None = None,
    role: Role | None = None,
    street: Street | None = None,
    district: District | None = None,
    superuser: bool = False,
    full_name: str = "",
) -> User:
    user = User.objects.create_user(
        username=username or f"user{next(_seq)}", password="correct horse battery", full_name=full_name
    )
    if superuser:
        user.is_staff = user.is_superuser = True
        user.save()
    if committee is not None:
        Membership.objects.create(user=user, committee=committee, role=role or Role.WORKER)
    if street is not None:
        StreetOfficer.objects.create(user=user, street=street)
    if district is not None:
        DistrictOfficer.objects.create(user=user, district=district)
    return user
