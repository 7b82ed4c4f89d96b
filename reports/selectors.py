"""Reads the dashboard, the ledger and the exports need beyond cases.selectors.

Every figure counts cases through `cases.selectors.visible_cases`, the same rule the case list
applies, so that a figure and the list it links to agree for every user (a sensitive case a worker
may not open is not counted for them either).
"""


def late_referrals_in_order(referrals):
    """The late referrals as their pages list them: with their case and body, oldest expected reply
    first (a page at a time: a committee's were cut at 500 without a word)."""
    return referrals.select_related("case", "body").order_by("reply_expected_by", "pk")
