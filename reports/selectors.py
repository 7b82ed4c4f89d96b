"""Reads the dashboard, the ledger and the exports need beyond cases.selectors.

Every figure counts cases through `cases.selectors.visible_cases`, the same rule the case list
applies, so that a figure and the list it links to agree for every user (a sensitive case a worker
may not open is not counted for them either).
"""


def late_referral_rows(referrals) -> list:
    """The late referrals for a page: with their case and body, oldest expected reply first."""
    return list(referrals.select_related("case", "body").order_by("reply_expected_by", "pk")[:500])
