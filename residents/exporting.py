"""The registry out to .xlsx in the import template's format, and the empty template itself.

The first sheet is what the importer reads (one row per resident with their address), so an export
imports back as "nothing changed". Further sheets list buildings, households and care categories
for reading. ID and phone numbers are masked unless the caller asks for full numbers (decided by
the view from the user's role); the importer reads a masked cell as "keep what is recorded".
Every text cell goes through export_text: nothing in the file runs as a formula.
"""

from __future__ import annotations

import tempfile
from collections import Counter

from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from committee.models import Committee
from common.masking import mask_id_number, mask_phone
from common.spreadsheets import export_text
from residents.imports.columns import COLUMNS, EXAMPLE_ROW
from residents.models import Building, CareCategory, Household, Resident

HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FBEEEE")
HEADER_FILL = PatternFill("solid", fgColor="F4F5F7")
WIDTHS = {"id_number": 22, "notes": 30, "care_categories": 20, "phone": 15, "birth_date": 12, "road": 12}


def _header_row(sheet: Worksheet, headers: list[str], required: set[int] = frozenset()) -> list:
    cells = []
    for i, header in enumerate(headers):
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if i in required else HEADER_FILL
        cells.append(cell)
    return cells


def _text_row(values) -> list:
    return [export_text(v) if isinstance(v, str) else v for v in values]


def _registry_sheet(workbook: Workbook, title: str) -> Worksheet:
    sheet = workbook.create_sheet(title)
    for i, column in enumerate(COLUMNS):
        letter = chr(65 + i)
        sheet.column_dimensions[letter].width = WIDTHS.get(column.key, 10)
    sheet.freeze_panes = "A2"
    required = {i for i, c in enumerate(COLUMNS) if c.required}
    sheet.append(_header_row(sheet, [c.header for c in COLUMNS], required))
    return sheet


def _label(choices, code: str) -> str:
    return str(choices(code).label) if code else ""


def _care_sheet(workbook: Workbook) -> None:
    sheet = workbook.create_sheet(_("Care categories"))
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 28
    sheet.append(
        _header_row(sheet, [_("code"), _("name (Chinese)"), _("name (English)"), _("visit every (days)")])
    )
    for category in CareCategory.objects.all():
        sheet.append(_text_row([category.code, category.name, category.name_en, category.visit_every_days]))


def write_template(target) -> None:
    """The empty template: headers, one example row (skipped on import), instructions, care categories."""
    with translation.override("zh-hans"):
        workbook = Workbook(write_only=True)
        sheet = _registry_sheet(workbook, _("Residents"))
        sheet.append(_text_row([EXAMPLE_ROW[c.key] for c in COLUMNS]))
        guide = workbook.create_sheet(_("How to fill in"))
        guide.column_dimensions["A"].width = 14
        guide.column_dimensions["B"].width = 8
        guide.column_dimensions["C"].width = 70
        guide.append(_header_row(guide, [_("column"), _("required"), _("what to write")]))
        for column in COLUMNS:
            guide.append(_text_row([column.header, _("yes") if column.required else "", str(column.help)]))
        guide.append([])
        for line in (
            _("One row per resident. The first sheet is imported; the example row is skipped."),
            _("Residents are matched by ID number; without one, by name within the household."),
            _("An empty cell keeps what is recorded; the import never deletes anything."),
        ):
            guide.append([line])
        _care_sheet(workbook)
        workbook.save(target)


def write_registry(target, committee: Committee, *, full_numbers: bool) -> None:
    """The committee's registry in the template's format (streamed: write-only workbook, chunked reads)."""
    mask_id = (lambda v: v) if full_numbers else mask_id_number
    mask_tel = (lambda v: v) if full_numbers else mask_phone
    with translation.override("zh-hans"):
        workbook = Workbook(write_only=True)
        sheet = _registry_sheet(workbook, _("Residents"))
        care_names = dict(CareCategory.objects.values_list("pk", "name"))
        residents = (
            Resident.objects.filter(committee=committee)
            .select_related("household__building")
            .prefetch_related("care_categories")
            .order_by(
                "household__building__road",
                "household__building__lane",
                "household__building__number",
                "household__room",
                "pk",
            )
        )
        for r in residents.iterator(chunk_size=2000):
            household = r.household
            building = household.building
            care = "、".join(care_names[c.pk] for c in r.care_categories.all())
            sheet.append(
                _text_row(
                    [
                        building.road,
                        building.lane,
                        building.number,
                        household.room,
                        r.name,
                        mask_id(r.id_number or ""),
                        {"M": "男", "F": "女"}.get(r.gender, ""),
                        r.birth_date.isoformat() if r.birth_date else "",
                        mask_tel(r.phone),
                        _label(Resident.Relation, r.relation_to_head),
                        _label(Resident.ResidencyStatus, r.residency_status),
                        _label(Household.HousingType, household.housing_type),
                        care,
                        r.notes,
                    ]
                )
            )
        _buildings_sheet(workbook, committee)
        _care_sheet(workbook)
        workbook.save(target)


def _buildings_sheet(workbook: Workbook, committee: Committee) -> None:
    sheet = workbook.create_sheet(_("Buildings"))
    sheet.append(_header_row(sheet, ["路名", "弄", "号", _("households"), _("residents")]))
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
    for b in sorted(buildings, key=lambda b: (b.road, b.lane, b.number)):
        sheet.append(_text_row([b.road, b.lane, b.number, b.households_count, residents[b.pk]]))


def spooled(writer, *args, **kwargs):
    """Write a workbook to a temporary file and return it rewound, for a FileResponse."""
    target = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    writer(target, *args, **kwargs)
    target.seek(0)
    return target
