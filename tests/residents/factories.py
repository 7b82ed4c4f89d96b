"""Rows of the registry for tests: explicit arguments, valid ID numbers from demo.residents."""

import datetime
import importlib
from itertools import count

from demo.residents import id_number
from residents.indexing import reindex_residents
from residents.models import Building, CareCategory, Grid, Household, Resident, Visit

_seq = count(1)


def ensure_care_categories() -> None:
    """The categories migration 0002 creates: a live-server test's flush may have removed them."""
    categories = importlib.import_module("residents.migrations.0002_care_categories").CATEGORIES
    for order, (code, name, name_en, days, sensitive) in enumerate(categories):
        CareCategory.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "visit_every_days": days,
                "sensitive": sensitive,
                "order": order,
            },
        )


def make_grid(committee, name: str | None = None, worker=None) -> Grid:
    return Grid.all_objects.create(committee=committee, name=name or f"网格{next(_seq)}", worker=worker)


def make_building(committee, number: str | None = None, *, lane: str = "449", grid=None) -> Building:
    return Building.all_objects.create(
        committee=committee, road="定海路", lane=lane, number=number or str(next(_seq)), grid=grid
    )


def make_household(building, room: str | None = None, *, phone: str = "") -> Household:
    return Household.all_objects.create(
        committee=building.committee, building=building, room=room or str(100 + next(_seq)), phone=phone
    )


def valid_id(birth: datetime.date = datetime.date(1950, 3, 7), male: bool = True) -> str:
    return id_number(birth, next(_seq), male)


def make_resident(
    household,
    name: str = "周勤",
    *,
    phone: str = "",
    id_number: str | None = None,
    birth: datetime.date | None = None,
    categories: list[str] = (),
    **fields,
) -> Resident:
    resident = Resident.all_objects.create(
        committee=household.committee,
        household=household,
        name=name,
        phone=phone,
        id_number=id_number,
        birth_date=birth,
        **fields,
    )
    if categories:
        ensure_care_categories()
        resident.care_categories.set(CareCategory.objects.filter(code__in=categories))
    reindex_residents([resident.pk])
    resident.refresh_from_db()
    return resident


def make_visit(resident, visitor, when: datetime.datetime, **fields) -> Visit:
    visit = Visit.all_objects.create(
        committee=resident.committee, resident=resident, visitor=visitor, visited_at=when, **fields
    )
    reindex_residents([resident.pk])
    return visit
