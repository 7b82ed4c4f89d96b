"""Rows for case tests: buildings, residents and cases made through the services."""

import io
from itertools import count

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases import services
from cases.models import Case, CaseCategory
from committee.access import Access
from residents.models import Building, Household, Resident

_seq = count(1)


def make_building(committee, road: str = "定海路", lane: str = "449", number: str | None = None) -> Building:
    return Building.all_objects.create(
        committee=committee, road=road, lane=lane, number=number or str(next(_seq))
    )


def make_resident(committee, name: str = "王阿姨", building: Building | None = None, room: str | None = None):
    building = building or make_building(committee)
    household = Household.all_objects.create(
        committee=committee, building=building, room=room or str(next(_seq))
    )
    return Resident.all_objects.create(committee=committee, household=household, name=name)


def category(code: str = "drainage") -> CaseCategory:
    return CaseCategory.objects.get(code=code)


def make_case(user, committee, *, title: str = "楼道积水", code: str = "drainage", **kwargs) -> Case:
    case, _created = services.create_case(
        access=Access(user), committee=committee, title=title, category=category(code), **kwargs
    )
    return case


def jpeg_bytes(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 50, 50)).save(buffer, "JPEG")
    return buffer.getvalue()


def jpeg_upload(name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


def ensure_reference_data() -> None:
    """The categories and outside bodies of the data migration, again: transactional tests (the
    browser's live server) flush the database, migration rows included."""
    import importlib

    from django.apps import apps

    importlib.import_module("cases.migrations.0002_categories_and_bodies").forwards(apps, None)
