"""Test data, in one place: plain functions with explicit arguments, no magic.

The organisation (streets, committees, staff), the registry (grids, buildings, households,
residents, visits) and cases (made through the services, as staff make them). Rows are written
through `all_objects`, so a test may make them outside any scope.
"""

import datetime
import importlib
import io
from itertools import count

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cases import services
from cases.models import Case, CaseCategory
from committee.access import Access
from committee.models import Committee, District, DistrictOfficer, Membership, Street, StreetOfficer, User
from committee.roles import Role
from demo.residents import id_number as demo_id_number
from residents.indexing import reindex_residents
from residents.models import Building, CareCategory, Grid, Household, Resident, Visit

_seq = count(1)


# --- The organisation -------------------------------------------------------------------------------
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


# --- Reference data of the data migrations -----------------------------------------------------------


def make_district_officer(org) -> User:
    """A district officer over `org`'s street (the street put in a district first)."""
    district = make_district("杨浦区")
    org.street.district = district
    org.street.save()
    return make_user("district", district=district)


def ensure_care_categories() -> None:
    """The care categories migration 0002 creates, their English names capitalised as 0023 writes
    them (a live-server test's flush may have removed them); a category a test has changed is left as
    it is."""
    categories = importlib.import_module("residents.migrations.0002_care_categories").CATEGORIES
    # One query when every one is there (the usual case: make_resident asks on each call).
    there = set(
        CareCategory.objects.filter(code__in=[row[0] for row in categories]).values_list("code", flat=True)
    )
    for order, (code, name, name_en, days, sensitive) in enumerate(categories):
        if code in there:
            continue
        CareCategory.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en[:1].upper() + name_en[1:],
                "visit_every_days": days,
                "sensitive": sensitive,
                "order": order,
            },
        )


def ensure_case_categories() -> None:
    """The case categories and outside bodies of the data migration, again: transactional tests (the
    browser's live server) flush the database, migration rows included."""
    importlib.import_module("cases.migrations.0002_categories_and_bodies").forwards(apps, None)
    importlib.import_module("cases.migrations.0008_category_sensitive_by_default").hardship_is_sensitive(
        apps, None
    )


# --- The registry -----------------------------------------------------------------------------------
def make_grid(committee, name: str | None = None, worker=None) -> Grid:
    return Grid.all_objects.create(committee=committee, name=name or f"网格{next(_seq)}", worker=worker)


def make_building(
    committee, number: str | None = None, *, road: str = "定海路", lane: str = "449", grid=None
) -> Building:
    return Building.all_objects.create(
        committee=committee, road=road, lane=lane, number=number or str(next(_seq)), grid=grid
    )


def make_household(building, room: str | None = None, *, phone: str = "") -> Household:
    return Household.all_objects.create(
        committee=building.committee, building=building, room=room or str(100 + next(_seq)), phone=phone
    )


def valid_id(birth: datetime.date = datetime.date(1950, 3, 7), male: bool = True) -> str:
    """A resident ID number that passes the checks (checksum, birth date, gender)."""
    return demo_id_number(birth, next(_seq), male)


def make_resident(
    home,
    name: str = "王阿姨",
    *,
    building=None,
    room: str | None = None,
    phone: str = "",
    id_number: str | None = None,
    birth: datetime.date | None = None,
    categories: list[str] = (),
    **fields,
) -> Resident:
    """A resident of `home`: a household, or a committee (then a new household, in `building` or in a
    new building). Search keys and the next visit due are computed as the app computes them."""
    household = home
    if isinstance(home, Committee):
        household = make_household(building or make_building(home), room)
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


# --- Cases --------------------------------------------------------------------------------------------
def case_category(code: str = "drainage") -> CaseCategory:
    return CaseCategory.objects.get(code=code)


def make_case(user, committee, *, title: str = "楼道积水", code: str = "drainage", **kwargs) -> Case:
    """A case logged by `user` through the service, as staff log it."""
    case, _created = services.create_case(
        committee=committee,
        access=Access(user),
        title=title,
        category=case_category(code),
        **kwargs,
    )
    return case


def intake_post(committee, **fields) -> dict:
    """The intake form (cases:new) as a worker posts it: a title, a category, how it came in, the
    committee and the form's one-time token; `fields` add to it or change it."""
    return {
        "title": "楼道积水",
        "category": "drainage",
        "source": "walk_in",
        "priority": "normal",
        "committee": str(committee.pk),
        "token": "t",
        **fields,
    }


def logged_on(day: datetime.date, hour: int = 9) -> datetime.datetime:
    """When a case was logged (`at` of make_case): `day` at `hour`, Shanghai time. A test whose clock
    is a fixed day logs its cases before that day: a due date set by hand lies between the day a
    case was logged and two years after (Case.check_due_date)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def admin_form_data(html: str) -> dict[str, list[str]]:
    """What a browser posts of an admin change form as it is shown (inputs, selects, textareas)."""
    from html.parser import HTMLParser

    class Form(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.data: dict[str, list[str]] = {}
            self.select = self.textarea = None

        def handle_starttag(self, tag, attrs) -> None:
            a = dict(attrs)
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in {"submit", "button", "file"}:
                if a.get("type") not in {"checkbox", "radio"} or "checked" in a:
                    self.data.setdefault(name, []).append(a.get("value") or "")
            elif tag == "select" and name:
                self.select = name
            elif tag == "option" and self.select and "selected" in a:
                self.data.setdefault(self.select, []).append(a.get("value") or "")
            elif tag == "textarea" and name:
                self.textarea = name
                self.data.setdefault(name, []).append("")

        def handle_endtag(self, tag) -> None:
            if tag == "select":
                self.select = None
            elif tag == "textarea":
                self.textarea = None

        def handle_data(self, data) -> None:
            if self.textarea:
                self.data[self.textarea][-1] += data.removeprefix("\n")

    form = Form()
    form.feed(html)
    return form.data


def jpeg_bytes(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 50, 50)).save(buffer, "JPEG")
    return buffer.getvalue()


def jpeg_upload(name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


# --- Pages --------------------------------------------------------------------------------------------
def select_html(page: str, name: str) -> str:
    """The markup of the select named `name` in a page: its options, to look for names in."""
    start = page.index(f'name="{name}"')
    return page[start : page.index("</select>", start)]
