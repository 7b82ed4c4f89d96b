"""The words of an event written by an administrator's change in the admin's referral rows (a
referral added, its reply recorded or corrected: services/correction.py): the event's own sentence
after "Corrected in the admin:", as the admin's reopening, edit and assignment read
("在管理后台更正：重新打开。"), so that the committee tells an administrator's change from a
colleague's (review 4, N7). Apart from cases/events.py, which is near its size limit."""

from django.utils.translation import gettext as _


def in_admin(message: str) -> str:
    """`message` (a translated sentence, its values still to fill in) as an administrator's change:
    after "Corrected in the admin:", its first letter small (English: "…: reply from"; Chinese has no
    case)."""
    return _("Corrected in the admin: %(change)s") % {"change": message[:1].lower() + message[1:]}
