"""The registry out to .xlsx in the import template's format, and the empty template itself.

The first sheet is what the importer reads (one row per resident with their address), so an export
imports back as "nothing changed". Further sheets list buildings, households and care categories
for reading. ID and phone numbers, and numbers typed into the notes, are masked unless the caller
asks for full numbers (decided by the view from the user's role); the importer reads a masked ID or
phone cell as "keep what is recorded". So is the birth date, its year alone (1987-**-**): it is the
ID number's digits 7-14, and beside a masked ID the full date gave the number away (review 9, 1).
Written by common.xlsx with quote_formulas: nothing in the file runs as a formula. The birth date
is a date cell (common.xlsx's yyyy-mm-dd), which the import's reader (xlsx_stream) reads back as the
same day.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext as _

from committee.models import Committee
from common.masking import mask_birth_date, mask_id_number, mask_numbers_in_text, mask_phone
from common.xlsx import Column, XlsxWriter
from residents.imports.columns import COLUMN_BY_KEY, COLUMNS, EXAMPLE_ROW
from residents.models import ROOM_ORDER, Building, CareCategory, Household, Resident

WIDTHS = {"id_number": 22, "notes": 30, "care_categories": 20, "phone": 15, "birth_date": 12, "road": 12}


def _writer() -> XlsxWriter:
    # Text that would run as a formula gets an apostrophe, which the import takes off again.
    return XlsxWriter(quote_formulas=True)


# Excel's calendar begins in 1900 and counts a 29 February 1900 that never was: a day before
# 1900-03-01 has no serial Excel and the import's reader agree on (a birth date from 1890, the
# registry's earliest, or one stored before that rule). Such a day is written as its text, which
# imports back the same.
EXCEL_FIRST_TRUE_DAY = datetime.date(1900, 3, 1)


# The columns of numbers Excel would round or turn into 1.38123E+10 unless formatted as text.
TEXT_CELLS = {"id_number", "phone"}


def _choices() -> dict[str, tuple[str, ...]]:
    """The words of each column of choices as the import reads them, in the active language (the
    template's: Chinese), offered as the column's drop-down."""
    return {
        "gender": ("男", "女"),
        "relation_to_head": tuple(str(label) for label in Resident.Relation.labels),
        "residency_status": tuple(str(label) for label in Resident.ResidencyStatus.labels),
        "housing_type": tuple(str(label) for label in Household.HousingType.labels),
        "care_categories": tuple(CareCategory.objects.values_list("name", flat=True)),
    }


def _registry_columns() -> list[Column]:
    choices = _choices()
    return [
        Column(
            c.header,
            WIDTHS.get(c.key, 10),
            kind="date" if c.key == "birth_date" else "text",
            required=c.required,
            text_cells=c.key in TEXT_CELLS,
            choices=choices.get(c.key, ()),
            # Several care categories go in one cell: the drop-down offers one, and says so.
            choices_hint=_("Several may go in one cell, separated by 、.")
            if c.key == "care_categories"
            else "",
        )
        for c in COLUMNS
    ]


def _date_cell(day: datetime.date | None) -> datetime.date | str:
    """A date as a date cell (shown as 1950-03-01, sorted and filtered as a date in Excel and WPS),
    or as its text before Excel's calendar is sure of it."""
    if day is None:
        return ""
    return day if day >= EXCEL_FIRST_TRUE_DAY else day.isoformat()


def _label(choices, code: str) -> str:
    return str(choices(code).label) if code else ""


def _care_sheet(writer: XlsxWriter) -> None:
    columns = [
        Column(_("code"), 16),
        Column(_("name (Chinese)"), 16),
        Column(_("name (English)"), 28),
        Column(_("visit every (days)")),
    ]
    rows = (
        (category.code, category.name, category.name_en, category.visit_every_days)
        for category in CareCategory.objects.all()
    )
    writer.sheet(_("Care categories"), columns, rows, autofilter=False)


def write_template() -> XlsxWriter:
    """The empty template: headers, one example row (skipped on import), instructions, care categories."""
    with translation.override("zh-hans"):
        writer = _writer()
        writer.sheet(
            _("Residents"), _registry_columns(), [[EXAMPLE_ROW[c.key] for c in COLUMNS]], autofilter=False
        )
        guide = [[column.header, _("yes") if column.required else "", str(column.help)] for column in COLUMNS]
        guide.append([])
        for line in (
            _("One row per resident. The first sheet is imported; the example row is skipped."),
            _("Residents are matched by ID number; without one, by name within the household."),
            _(
                "An empty cell keeps what is recorded; the import never deletes a resident, household or "
                "building."
            ),
            _(
                "Care categories are added to those recorded, never replaced: a resident keeps every "
                "category the cell leaves out. To take one off, write it with a minus sign (-独居老人), "
                "or change it on the resident's page."
            ),
        ):
            guide.append([line])
        writer.sheet(
            _("How to fill in"),
            [Column(_("column"), 14), Column(_("required"), 8), Column(_("what to write"), 70)],
            guide,
            autofilter=False,
        )
        _care_sheet(writer)
        return writer


def write_registry(committee: Committee, *, full_numbers: bool) -> XlsxWriter:
    """The committee's registry in the template's format (streamed: write-only workbook, chunked reads)."""
    mask_id = (lambda v: v) if full_numbers else mask_id_number
    mask_tel = (lambda v: v) if full_numbers else mask_phone
    birth = _date_cell if full_numbers else mask_birth_date
    # A number typed into a resident's notes is masked like the record's own numbers.
    mask_text = (lambda v: v) if full_numbers else mask_numbers_in_text
    with translation.override("zh-hans"):
        writer = _writer()
        care_names = dict(CareCategory.objects.values_list("pk", "name"))
        residents = (
            Resident.objects.filter(committee=committee)
            .select_related("household__building")
            .prefetch_related("care_categories")
            # Building by building and room by room in natural order (365弄2号 before 365弄10号,
            # 302室 before 1002室), as the building list and page show them.
            .order_by(
                *(f"household__building__{name}" for name in Building._meta.ordering),
                *(f"household__{name}" for name in ROOM_ORDER),
                "pk",
            )
        )

        def rows():
            for r in residents.iterator(chunk_size=2000):
                household = r.household
                building = household.building
                yield (
                    building.road,
                    building.lane,
                    building.number,
                    household.room,
                    r.name,
                    mask_id(r.id_number or ""),
                    {"M": "男", "F": "女"}.get(r.gender, ""),
                    birth(r.birth_date),
                    mask_tel(r.phone),
                    _label(Resident.Relation, r.relation_to_head),
                    _label(Resident.ResidencyStatus, r.residency_status),
                    _label(Household.HousingType, household.housing_type),
                    "、".join(care_names[c.pk] for c in r.care_categories.all()),
                    mask_text(r.notes),
                    r.archived_words,
                )

        # After the template's columns, one the import does not read (an unknown header is left
        # out): who moved out or died, and when. Without it, a resident who died read as any other.
        columns = [*_registry_columns(), Column(_("Moved out or died"), 16)]
        writer.sheet(_("Residents"), columns, rows())
        _buildings_sheet(writer, committee)
        _care_sheet(writer)
        return writer


def _buildings_sheet(writer: XlsxWriter, committee: Committee) -> None:
    residents = Counter(
        dict(
            Resident.objects.filter(committee=committee)
            .values("household__building_id")
            .annotate(n=Count("pk"))
            .values_list("household__building_id", "n")
        )
    )
    buildings = (
        Building.objects.filter(committee=committee).annotate(households_count=Count("households")).order_by()
    )
    address = [COLUMN_BY_KEY[key].header for key in ("road", "lane", "number")]
    columns = [Column(header) for header in (*address, _("households"), _("residents"))]
    rows = (
        (b.road, b.lane, b.number, b.households_count, residents[b.pk])
        for b in sorted(buildings, key=lambda b: [getattr(b, name) for name in Building._meta.ordering])
    )
    writer.sheet(_("Buildings"), columns, rows)
