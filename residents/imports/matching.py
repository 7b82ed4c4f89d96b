"""Matching and planning: who each cleaned row is (a resident by ID number, else by name within the
household) and what its import changes (Plan: every given field of a new resident; an existing one's
fields that change, empty and masked cells keeping what is recorded).

Apart from cleaning (residents/imports/cleaning.py), which judges a row's cells alone: this reads the
registry, a batch at a time, and refuses what only the registry shows (an ID number of another
committee, an ID number recorded under another name, two namesakes in one household, the same
resident twice in the file).

An import never renames anyone. A row whose ID number is recorded under another name is refused,
naming the recorded name: a mistyped ID number would otherwise rename (and move) someone else, and a
real change of name is corrected on the resident's page. An address that is another household's is a
move, which is legitimate: it is listed as one (old address → new), and a household the import leaves
without its head of household (its head moved away, or no longer the head) is said at the end of the
run (`finish`). Every update is listed field by field, old → new (residents/imports/changes.py).
"""

from __future__ import annotations

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committee.models import Committee
from committee.scoping import unscoped
from common.masking import mask_birth_date, mask_id_number, mask_numbers_in_text, mask_phone
from residents.imports import changes as change_list
from residents.imports import problems
from residents.imports.households import Households
from residents.imports.plans import HouseholdState, Plan, Report, Row
from residents.imports.warnings import RowChecks
from residents.models import CareCategory, Resident

HEAD = Resident.Relation.HEAD
NEW_RESIDENT_RELATION = Resident._meta.get_field("relation_to_head").default  # a new row without one
BORN_AFTER_ARCHIVED = _("The birth date cannot be later than the day they moved out or died (%(day)s).")


def household_key(household: HouseholdState) -> tuple:
    """A row's household as the plan's basis names it: its address, and whether it (and its
    building) was in the registry when the run began (a household or building this run adds has no
    pk in the preview, and one only once its batch is written in the commit)."""
    building = household.building
    return (
        building.road,
        building.lane,
        building.number,
        household.room,
        household.original_housing_type is not None,
        building.pk is not None and not building.created,
    )


def same_name(a: str, b: str) -> bool:
    """The same name, written with other spaces, widths or case (欧阳 娜娜, 欧阳娜娜; ＬＩ Ｌｅｉ, Li Lei)."""
    return _name_key(a) == _name_key(b)


def _name_key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


class Matcher:
    """Matches the batches of one run; remembers the residents matched, the new residents without
    an ID number (each once in the file), and what it needs to tell at the end which households are
    left without a head."""

    def __init__(
        self,
        committee: Committee,
        *,
        report: Report,
        households: Households,
        categories: list[CareCategory],
        created_pks: set[int],
        today: datetime.date,
        lock: bool = False,
    ) -> None:
        self.committee = committee
        self.lock = lock  # the commit's: the residents it changes are locked (_lock_changing)
        self.report = report
        self.residents = report.residents  # the report's residents created, updated, unchanged
        self.households = households
        self.categories = {c.pk: c for c in categories}
        self.created_pks = created_pks  # residents this run created (the writer adds them)
        self._today = today
        self._residents_seen: dict[int, int] = {}  # resident pk → first row
        self._new_names: dict[tuple[int, str], int] = {}  # (household, name) of created ID-less residents
        # For the households left without a head (finish): each recorded head who moves away or is
        # no longer the head, by their household; where each resident who moves or changes relation
        # ends up (household pk, None for a household this run creates, and relation); and the new
        # residents coming into each existing household (whether one of them is its head).
        self._heads_leaving: dict[int, list[tuple[Resident, Row, dict | None]]] = {}
        self._ends_up: dict[int, tuple[int | None, str]] = {}
        self._newcomers: dict[int, bool] = {}
        self.checks = RowChecks(report, self.categories, today)  # what the preview asks to check

    def check_ids_across_deployment(self, batch: list[Row]) -> dict[str, Resident]:
        """Residents of this committee with the batch's ID numbers. An ID number registered in
        another committee is refused without saying where. One query on the unique ID index: a
        committee filter here would mislead the planner while a big import grows the table."""
        ids = [row.id_number for row in batch if row.id_number]
        if not ids:
            return {}
        with unscoped():
            found = list(Resident.objects.filter(id_number__in=ids))
        elsewhere = {r.id_number for r in found if r.committee_id != self.committee.pk}
        for row in batch:
            if row.id_number in elsewhere:
                row.error(
                    "id_number",
                    _(
                        "This ID number is registered to a resident of another committee. Check it with the "
                        "street office before importing this person."
                    ),
                )
        return {r.id_number: r for r in found if r.committee_id == self.committee.pk}

    def match(self, batch: list[Row], existing: dict[str, Resident]) -> list[Plan]:
        """Find each row's resident (by ID, else by name in the household) and decide what changes."""
        # Namesakes are looked up only for rows their ID number did not match: a re-import of a
        # registry with ID numbers then reads each resident once, not twice.
        household_pks = {
            row.household.pk
            for row in batch
            if row.household and row.household.pk and row.id_number not in existing
        }
        by_name: dict[tuple[int, str], list[Resident]] = {}
        # The households are this committee's own (their pks came from it): no committee filter, so
        # the household index is used.
        for resident in Resident.all_objects.filter(household_id__in=household_pks):
            if resident.pk in self.created_pks:  # this run created it
                continue
            by_name.setdefault((resident.household_id, resident.name), []).append(resident)
        matched = [r.pk for r in existing.values()] + [r.pk for rs in by_name.values() for r in rs]
        care: dict[int, set[int]] = {}
        through = Resident.care_categories.through
        for resident_id, category_id in through.objects.filter(resident_id__in=matched).values_list(
            "resident_id", "carecategory_id"
        ):
            care.setdefault(resident_id, set()).add(category_id)

        plans = []
        for row in batch:
            resident = existing.get(row.id_number) if row.id_number else None
            if resident is not None and not same_name(resident.name, row.values["name"]):
                # A mistyped ID number, or someone else's: never a rename (nor a move) of whoever holds it.
                row.error(
                    "name",
                    _(
                        "This ID number is recorded for %(recorded)s, not this name. Check the ID number "
                        "and the name: an import does not rename a resident (correct a name on the "
                        "resident's page)."
                    ),
                    recorded=resident.name,
                )
                continue
            if row.errors or row.household is None:  # said beside the name, when it is wrong too
                continue
            if resident is None and row.household.pk:
                namesakes = by_name.get((row.household.pk, row.values["name"]), [])
                if row.id_number:  # a namesake still without an ID number is the same person
                    namesakes = [r for r in namesakes if not r.id_number]
                elif row.id_masked:
                    namesakes = [
                        r for r in namesakes if r.id_number and mask_id_number(r.id_number) == row.id_masked
                    ]
                if len(namesakes) > 1:
                    # The name stands at the head of the row's problems (problems.by_row).
                    row.error(
                        "name",
                        _("Two residents of this household have this name; give the ID number to say which."),
                    )
                    continue
                resident = namesakes[0] if namesakes else None
            if resident is None and row.id_masked:
                row.error(
                    "id_number",
                    _(
                        "This ID number is masked and matches no resident of this household with this name. "
                        "Enter the full number."
                    ),
                )
                continue
            if resident is not None:
                first = self._residents_seen.setdefault(resident.pk, row.number)
                if first != row.number:
                    row.error("name", _("This resident also appears in row %(row)d of the file."), row=first)
                    continue
            if resident is None and not row.id_number:
                key = (id(row.household), row.values["name"])
                first = self._new_names.setdefault(key, row.number)
                if first != row.number:
                    row.error("name", _("This resident also appears in row %(row)d of the file."), row=first)
                    continue
            if row.birth_date and (resident is None or row.birth_date != resident.birth_date):
                # The registry's rule (Resident.check_birth_date) for a birth date that would be
                # written: one the registry holds already (from before the rule) imports back as it is.
                try:
                    Resident.check_birth_date(row.birth_date, today=self._today)
                except ValidationError as error:
                    row.refuse("birth_date", error)
                    continue
                if resident is not None and resident.archived_on and row.birth_date > resident.archived_on:
                    # Born after the day they moved out or died: refused as the registry's form
                    # refuses it (Resident.check_dates), here on the cell that was typed.
                    row.error("birth_date", BORN_AFTER_ARCHIVED, day=resident.archived_on.isoformat())
                    continue
            if row.phone_masked and (resident is None or mask_phone(resident.phone) != row.phone_masked):
                row.error(
                    "phone", _("This phone number is masked and does not match the record; enter it in full.")
                )
                continue
            if row.birth_date_masked:
                # Its year against the birth date the row's ID gives, or else the one recorded.
                known = row.birth_date or (resident.birth_date if resident else None)
                if mask_birth_date(known) != row.birth_date_masked.replace(" ", ""):
                    row.error(
                        "birth_date",
                        _("This birth date is masked and does not match the record; enter it in full."),
                    )
                    continue
            plans.append(self._plan(row, resident, care.get(resident.pk, set()) if resident else set()))
        if self.lock:
            self._lock_changing(plans)
        return plans

    def _lock_changing(self, plans: list[Plan]) -> None:
        """In the commit: lock the residents this batch changes, until the commit ends, and check that
        nobody saved them since they were read. An edit saved meanwhile makes the plan's basis differ
        from the preview's (nothing is written, the run is previewed again); one saved later waits for
        the commit, then finds the resident changed (services.resident_save's version). Only those
        written are locked: a re-import of 100,000 unchanged residents locks none."""
        read = {
            p.resident.pk: p.resident.version for p in plans if p.resident and (p.values or p.care_changed)
        }
        if not read:
            return
        now = Resident.all_objects.select_for_update().filter(pk__in=list(read)).values_list("pk", "version")
        for pk, version in now:
            if version != read[pk]:
                self.report.note_basis("saved meanwhile", pk)

    def _plan(self, row: Row, resident: Resident | None, care: set[int]) -> Plan:
        household = row.household
        household.in_file = True  # counted among the households (and buildings) of good rows
        household.first_row = household.first_row or row.number
        v = row.values
        wanted = {
            "name": v["name"],
            "gender": row.gender,
            "birth_date": row.birth_date,
            "id_number": row.id_number,
            "phone": row.phone,
            "relation_to_head": row.relation_to_head,
            "residency_status": row.residency_status,
            "notes": v.get("notes", ""),
        }
        if resident is None:
            self.residents.created += 1
            self.report.note_basis(row.number, None, household_key(household))
            values = {k: value for k, value in wanted.items() if value not in ("", None)}
            if not values.get("id_number"):
                values["id_number"] = None
            relation = values.get("relation_to_head", NEW_RESIDENT_RELATION)
            self.checks.check(row, None, relation)
            if household.pk is not None:
                head = relation == HEAD
                self._newcomers[household.pk] = self._newcomers.get(household.pk, False) or head
            return Plan(row, None, values, row.care or set(), care_changed=bool(row.care), is_new=True)
        # The name as recorded: a row is matched only under the same name (match), written perhaps
        # with other spaces or widths, which is no reason to write it again.
        wanted["name"] = resident.name
        if wanted["notes"] and wanted["notes"] == mask_numbers_in_text(resident.notes):
            # The notes as the masked registry export wrote them (a typed number masked): what is
            # recorded stays, the mask is never written over the number.
            wanted["notes"] = resident.notes
        changes = {}
        for key, value in wanted.items():
            # Empty cells keep what is recorded.
            if value not in ("", None) and getattr(resident, key) != value:
                changes[key] = value
        moved = resident.household_id != household.pk
        if moved:  # maybe to a household this run creates
            changes["household_id"] = None
        # A cell's categories are added to those recorded; only those it marks "-" are taken off.
        kept_care = care if row.care is None else (care | row.care) - row.care_removed
        care_changed = kept_care != care
        if care - kept_care:
            self.report.care_removed += 1
        self.report.note_basis(
            row.number,
            resident.pk,
            household_key(household),
            sorted((key, getattr(resident, key), value) for key, value in changes.items()),
            sorted(care),
            sorted(kept_care),
        )
        entry = None
        if changes or care_changed:
            self.residents.updated += 1
            if len(self.report.changes) < change_list.MAX_CHANGES_KEPT:
                entry = change_list.resident_change(
                    row.number,
                    resident,
                    changes,
                    care=(care, kept_care) if care_changed else None,
                    categories=self.categories,
                    moved=(self._address(resident.household_id), change_list.address(household))
                    if moved
                    else None,
                )
                self.report.changes.append(entry)
        else:
            self.residents.unchanged += 1
        relation = changes.get("relation_to_head", resident.relation_to_head)
        self.checks.check(row, resident, relation)
        if moved or relation != resident.relation_to_head:
            self._ends_up[resident.pk] = (household.pk, relation)
            if resident.relation_to_head == HEAD and not resident.archived:
                self._heads_leaving.setdefault(resident.household_id, []).append((resident, row, entry))
        return Plan(row, resident, changes, kept_care if care_changed else set(), care_changed=care_changed)

    def _address(self, household_pk: int) -> str:
        household = self.households.by_pk.get(household_pk)
        return change_list.address(household) if household else ""

    def finish(self) -> None:
        """Say which households the file leaves without a head of household: a recorded head moved
        away or given another relation, and nobody who stays or comes is the head. One query, at the
        end of the run (a household's residents may come in any batch). In the commit, the rows are
        written already: what the query reads is where they end up, as the preview foresaw it. Also
        which households it gives a second head (RowChecks.finish)."""
        self.checks.finish(self.created_pks)
        leaving = self._heads_leaving
        if not leaving:
            return
        coming = [pk for pk, (household_pk, _relation) in self._ends_up.items() if household_pk in leaving]
        residents = (
            Resident.all_objects.filter(archived="")
            .filter(Q(household_id__in=list(leaving)) | Q(pk__in=coming))
            .values_list("pk", "household_id", "relation_to_head")
        )
        staying: dict[int, list[str]] = {pk: [] for pk in leaving}
        for pk, household_pk, relation in residents:
            if pk in self.created_pks:  # written by this commit: counted among the newcomers
                continue
            household_pk, relation = self._ends_up.get(pk, (household_pk, relation))
            if household_pk in staying:
                staying[household_pk].append(relation)
        for household_pk, heads in leaving.items():
            relations = staying[household_pk]
            newcomer_head = self._newcomers.get(household_pk)
            if HEAD in relations or newcomer_head:
                continue
            if not relations and newcomer_head is None:
                continue  # nobody is left there: no household without a head
            resident, row, entry = heads[0]
            ends_in, _relation = self._ends_up[resident.pk]
            params = {"address": self._address(household_pk), "name": resident.name, "row": row.number}
            if ends_in != household_pk:
                message = _(
                    "After this import %(address)s has no head of household: its head %(name)s "
                    "(row %(row)d) moves to %(to)s."
                )
                params["to"] = change_list.address(row.household)
            else:
                message = _(
                    "After this import %(address)s has no head of household: %(name)s (row %(row)d) "
                    "is no longer its head."
                )
            self.report.without_head.append(
                {
                    "row": row.number,
                    "msgid": problems.msgid(message),
                    "params": problems.stored_params(params),
                }
            )
            for _resident, _row, entry in heads:
                if entry is not None:
                    entry["without_head"] = self._address(household_pk)
