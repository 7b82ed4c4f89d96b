"""The committee dashboard's hotspots: the buildings with the most cases logged in its 12 months
(this month and the 11 before: Period.first_month to today), with their categories, each a link to
the case list of the same days.

Their counts come from the dashboard's UNION ALL (the cases counted live, reports/dashboard_live.py
"buildings") and the rollup's months (reports/rollup_reads.py ClosedBuildings); ranking them, reading
the few shown buildings' addresses and writing their links is here.
"""

from collections import defaultdict

from reports.figures import Period, case_list_links
from residents.addresses import building_address

HOTSPOT_COUNT = 10


def hotspots(
    rows: list[dict], committee_id: int, period: Period, categories: dict, closed=None
) -> list[dict]:
    """The buildings with the most cases logged in the 12 months, with their categories.
    `rows`: the cases counted live (with the rollup, this month's) per building and category, with
    the building's road, lane and number (dashboard_live.live_figures' "buildings"); `closed`: the
    rollup's months (reports.rollup_reads.ClosedBuildings), whose addresses and categories are read
    for the buildings that may be shown only; `categories`: id → (code, name)."""
    buildings: dict[int, dict] = {}

    def building_of(row) -> dict:
        return buildings.setdefault(
            row["building_id"], {"id": row["building_id"], "total": 0, "categories": defaultdict(int)}
        )

    for row in rows:
        building = building_of(row)
        building["address"] = _address(row)
        building["total"] += row["n"]
        building["categories"][row["category_id"]] += row["n"]
    for row in closed.totals() if closed is not None else ():
        building_of(row)["total"] += row["n"]
    # (A kept row can add up to 0: a case moved to another building this month.)
    shown = [b for b in buildings.values() if b["total"] > 0]
    if closed is not None:
        # The rollup's totals come without their addresses: those of the ten with the most cases are
        # read with their categories, and of the buildings with as many as the tenth (the address
        # orders a tie).
        ranked = sorted(shown, key=lambda b: -b["total"])
        least = ranked[HOTSPOT_COUNT - 1]["total"] if len(ranked) >= HOTSPOT_COUNT else 0
        shown = [b for b in ranked if b["total"] >= least]
        found, addresses = closed.categories([b["id"] for b in shown])
        for row in found:
            buildings[row["building_id"]]["categories"][row["category_id"]] += row["n"]
        for building in shown:
            building.setdefault("address", addresses[building["id"]])
    top = sorted(shown, key=lambda b: (-b["total"], b["address"]))[:HOTSPOT_COUNT]
    # Links only for the buildings shown: a street's committee has hundreds of buildings. Each is
    # case_list_links' link(building=…, category=…, created_from=…, created_to=…), its pieces written
    # once per page (the dates, each category) rather than once per link: 120 links took 0.18 ms
    # of the dashboard's Python, 0.02 so.
    link = case_list_links(committee_id)
    start = link()
    year = {"created_from": period.first_month.isoformat(), "created_to": period.today.isoformat()}
    dates = link(**year)[len(start) :]
    of_category: dict[int, str] = {}
    for building in top:
        head = f"{start}&building={int(building['id'])}"
        building["url"] = head + dates
        shown_categories = []
        for cid, n in building["categories"].items():
            if n:
                if cid not in of_category:
                    of_category[cid] = link(category=categories[cid][0])[len(start) :]
                shown_categories.append(
                    {"label": categories[cid][1], "count": n, "url": head + of_category[cid] + dates}
                )
        building["categories"] = sorted(shown_categories, key=lambda c: (-c["count"], c["label"]))
    return top


def _address(row: dict) -> str:
    return building_address(row["road"], row["lane"], row["number"])
