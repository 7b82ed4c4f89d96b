"""Cases' models: the case and what it is filed under (case.py), the outside bodies it is referred to
(bodies.py), and the records of work on a case (work.py). Everything is importable from here, as
`from cases.models import Case`."""

from cases.models.bodies import OutsideBody
from cases.models.case import (
    DUE_DATE_HORIZON_YEARS,
    OPEN_STATUS_VALUES,
    Case,
    CaseCategory,
    CaseCounter,
    CaseParty,
    label_in_language,
    open_rank_expression,
)
from cases.models.work import Aid, Attachment, CaseEvent, FollowUp, Referral, _attachment_name

__all__ = [
    "DUE_DATE_HORIZON_YEARS",
    "OPEN_STATUS_VALUES",
    "Aid",
    "Attachment",
    "Case",
    "CaseCategory",
    "CaseCounter",
    "CaseEvent",
    "CaseParty",
    "FollowUp",
    "OutsideBody",
    "Referral",
    "_attachment_name",  # named by migrations (upload_to)
    "label_in_language",
    "open_rank_expression",
]
