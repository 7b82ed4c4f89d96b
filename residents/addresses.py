"""How a Shanghai address is written and read: 定海路449弄12号302室 (road, lane 弄, number 号, room 室).

The one owner of the address's form: the models, the search keys, the roster, the reports and the
import all write and parse addresses through these functions. Plain strings in, plain strings out
(no models), so any layer may use them.
"""

LANE = "弄"
NUMBER = "号"
ROOM = "室"


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


def building_part(text: str) -> str:
    """What of a typed address names the building: "449弄8号203室" → "449弄8号" (a worker types the
    home they stand at; the room after the number is not the building's, and found nothing)."""
    head, unit, _room = text.partition(NUMBER)
    return head + unit if unit else text
