"""How a Shanghai address is written and read: 定海路449弄12号302室 (road, lane 弄, number 号, room 室).

The one owner of the address's form: the models, the search keys, the roster, the reports, the forms,
the intake's building picker and the import all write and parse addresses through these functions.
Plain strings in, plain strings out (no models), so any layer may use them.

A lane and a number are written as digits, maybe with 甲/乙/丙/丁 after them (12甲号: a building added
beside 12号 later); a lane may be a branch of another (449弄3支弄: lane "449弄3支", written with the
弄 it ends with by building_address). Values stored before these rules (full-width digits, a typed 弄)
still read: `natural_order` puts what it cannot read after the rest, and residents/merging.py rewrites
them (merging a building stored twice). A room is free text (302, 甲302, 地下室): `room_order` counts
the ones that start with a number.
"""

import re
from typing import NamedTuple

from common.masking import fold

LANE = "弄"
NUMBER = "号"
ROOM = "室"
BRANCH = "支"  # 449弄3支弄: the third branch lane of lane 449
SUFFIXES = "甲乙丙丁"  # in this order: 12号, 12甲号, 12乙号 …


def building_address(road: str, lane: str, number: str) -> str:
    """定海路449弄12号; a building on the road itself has no lane: 定海路12号."""
    lane_part = f"{lane}{LANE}" if lane else ""
    return f"{road}{lane_part}{number}{NUMBER}"


def room_label(room: str) -> str:
    """302室."""
    return f"{room}{ROOM}"


def household_address(road: str, lane: str, number: str, room: str) -> str:
    """定海路449弄12号302室."""
    return building_address(road, lane, number) + room_label(room)


def without_unit(text: str, unit: str) -> str:
    """The bare value of an address part as people type it: "449弄" → "449", "302 室" → "302"."""
    return text[: -len(unit)].strip() if text.endswith(unit) else text


# A lane's or a number's value: digits, maybe a suffix; a lane maybe a branch (449弄3支).
# At most 1234甲弄12支: within the model's ten characters.
_NUMBER_VALUE = re.compile(rf"(\d{{1,5}})([{SUFFIXES}]?)")
_LANE_VALUE = re.compile(rf"(\d{{1,4}})([{SUFFIXES}]?)(?:{LANE}(\d{{1,2}}){BRANCH})?")


def _typed(text: str) -> str:
    """A typed part as its characters: full-width digits folded (４４９ is 449), spaces dropped."""
    return re.sub(r"\s+", "", fold(text or ""))


def clean_lane(text: str) -> str | None:
    """The lane as stored, from what was typed ("449弄", "４４９", "449弄3支弄" → "449", "449",
    "449弄3支"); "" for none; None when it is no lane ("abc")."""
    value = without_unit(_typed(text), LANE)
    if not value:
        return ""
    return value if _LANE_VALUE.fullmatch(value) else None


def clean_number(text: str) -> str | None:
    """The building's number as stored, from what was typed ("12号", "１２", "12甲号" → "12", "12",
    "12甲"); None when it is no number (empty, "abc")."""
    value = without_unit(_typed(text), NUMBER)
    return value if _NUMBER_VALUE.fullmatch(value) else None


def clean_road(text: str) -> str | None:
    """The road as stored: its Chinese name, spaces and full-width forms folded; None when it holds
    digits (the lane or number typed into it) or no Chinese character at all ("abc")."""
    value = _typed(text)
    if not value or re.search(r"\d", value) or not _HAN.search(value):
        return None
    return value


def clean_building(road: str, lane: str, number: str) -> tuple[str, str, str] | None:
    """The building's (road, lane, number) as the forms store them from these as typed or as stored
    before the rules (定海路, 449弄, １２号 → 定海路, 449, 12); None when a part is no address part."""
    parts = (clean_road(road), clean_lane(lane), clean_number(number))
    return None if None in parts else parts


def clean_room(text: str) -> str:
    """The room as people mean it, to tell two rooms apart: full-width digits folded, spaces and a
    typed 室 dropped ("３０２", " 302 室" → "302"; "地下室" → "地下", as the forms store it)."""
    return without_unit(_typed(text), ROOM)


def room_in(number: str, text: str) -> str:
    """The room as stored in the building numbered `number`: clean_room's, without the building's
    number written before it as people shorten 3号302室 ("3-302", "3号302", "3－302" in 3号 → "302"),
    so that it is the same room as the 302 there. In another building "3-302" stays as typed."""
    room = clean_room(text)
    for head in (f"{number}-", f"{number}{NUMBER}"):
        rest = room[len(head) :]
        if number and room.startswith(head) and rest[:1].isdigit():
            return rest
    return room


# A room written as 号-室 ("3-302", "3－302", "3号302"): in a building that is not 3号 most likely
# 3号302室 with the building's number in the wrong column (the import warns, it does not refuse).
_BUILDING_ROOM = re.compile(r"(\d+)(?:-|－|—|–|号)(\d\S*)")


def building_in_room(number: str, text: str) -> tuple[str, str] | None:
    """The building and the room a room written as 号-室 seems to name ("3-302" → ("3", "302")), when
    that is not the building numbered `number` (where room_in reads it as its own room); else None."""
    room = room_in(number, text)
    m = _BUILDING_ROOM.fullmatch(room)
    if m is None or m[1] == number:
        return None
    return m[1], m[2]


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ORDER_WIDTH = 11  # a value's place in natural_order: 6 digits, the suffix, 4 digits of the branch
_UNREAD = "9" * _ORDER_WIDTH


def _value_order(value: str, pattern: re.Pattern) -> str:
    if not value:
        return "0" * _ORDER_WIDTH  # no lane: the road's own numbers first
    m = pattern.fullmatch(_typed(value))
    if m is None:
        return _UNREAD
    suffix = SUFFIXES.index(m[2]) + 1 if m[2] else 0
    branch = int(m[3]) if m.re is _LANE_VALUE and m[3] else 0
    return f"{int(m[1]):06d}{suffix}{branch:04d}"


def natural_order(lane: str, number: str) -> str:
    """A string that sorts buildings of one road as people count them, on any database: lane then
    number, each by its digits' value (2号 before 10号), 12甲号 after 12号, a branch lane (449弄3支弄)
    after its lane. Building.address_order holds it."""
    return _value_order(lane, _LANE_VALUE) + _value_order(number, _NUMBER_VALUE)


# A room that starts with a number: maybe 甲/乙/丙/丁 before or after it (甲302, 302甲), or a letter
# (302A), or anything else after it (302-1, 3楼).
_ROOM_VALUE = re.compile(rf"([{SUFFIXES}]?)([0-9]+)(.*)")
_ROOM_LETTER = re.compile(r"[A-Z]")
_ROOM_UNREAD = "9" * 8


def room_order(room: str) -> str:
    """A string that sorts a building's rooms as people count them, on any database: by the number
    (3 before 12 before 302 before 1002), the bare number first, then with 甲/乙/丙/丁 (before it or
    after it: 甲302 and 302甲 alike), then with a letter (302A), then with anything else (302-1);
    a room that does not start with a number (地下室, 其他, B1) after all of them. Household.room_order
    holds it; the lists break ties by the room as stored."""
    m = _ROOM_VALUE.fullmatch(clean_room(room).upper())
    if m is None or len(m[2]) > 6:
        return _ROOM_UNREAD
    before, digits, after = m.groups()
    if not before and not after:
        rank = 0
    elif not (before and after) and len(before + after) == 1 and (before or after) in SUFFIXES:
        rank = SUFFIXES.index(before or after) + 1  # 1–4
    elif not before and _ROOM_LETTER.fullmatch(after):
        rank = 10 + ord(after) - ord("A")  # 10–35
    else:
        rank = 99
    return f"{int(digits):06d}{rank:02d}"


def address_forms(road: str, lane: str, number: str, room: str = "") -> list[str]:
    """The address as people type it, for the search keys: from the number on (12号302室), from the
    lane on, whole, and the 12-302 shorthand; a building without a room as 12号, 449弄12号, whole
    and 449-12."""
    number, room = number.lower(), room.lower()
    if room:
        return [
            household_address("", "", number, room),
            household_address("", lane, number, room),
            household_address(road, lane, number, room),
            f"{number}-{room}",
        ]
    forms = [building_address("", "", number), building_address("", lane, number)]
    forms.append(building_address(road, lane, number))
    return forms + ([f"{lane}-{number}"] if lane else [])


class TypedBuilding(NamedTuple):
    """What a typed address says of a building (each part "" when not said): the road (or part of its
    name), the lane, the number, and `either`, a lone number that may be the lane or the number."""

    road: str
    lane: str
    number: str
    either: str


_TYPED_PART = re.compile(rf"(\d+[{SUFFIXES}]?)(支弄|{BRANCH}|{LANE}|{NUMBER}|{ROOM})?")


def read_typed_building(text: str) -> TypedBuilding:
    """A building as a worker types it to find it: 定海路449弄12号, 定海路449, 449弄, 12号, 449-12,
    449/12, 449 12, full-width digits, a room after the number (449弄12号302室, 449-12-302).

    The road is the words before the first digit; numbers marked 弄/号 are the lane and the number;
    unmarked ones fill the lane, then the number; one lone unmarked number is either."""
    typed = fold(text or "").strip()
    m = re.search(r"\d", typed)
    road = re.sub(r"[\s\-/、,，.。]+", "", typed[: m.start()] if m else typed)
    slots = {LANE: "", NUMBER: ""}
    branch, bare, at = "", [], 0  # at: the slot an unmarked number fills (0 lane, 1 number, 2 room)
    for value, unit in _TYPED_PART.findall(typed[m.start() :] if m else ""):
        if unit in ("支弄", BRANCH):
            branch = branch or value
        elif unit in (LANE, NUMBER, ROOM):
            if unit in slots:
                slots[unit] = slots[unit] or value
            at = (LANE, NUMBER, ROOM).index(unit) + 1
        else:
            bare.append(value)
            if at < 2:
                key = (LANE, NUMBER)[at]
                slots[key] = slots[key] or value
            at += 1
    lane, number = slots[LANE], slots[NUMBER]
    if len(bare) == 1 and lane == bare[0] and not number and at == 1 and not branch:
        return TypedBuilding(road, "", "", lane)  # 定海路449, 12: a lane, or a number on the road
    if branch and lane:
        lane = f"{lane}{LANE}{branch}{BRANCH}"
    return TypedBuilding(road, lane, number, "")
