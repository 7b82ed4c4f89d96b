"""The timeline's events about a referral (cases/events.py for the others): sent, chased, replied.
Each keeps the outside body's name in both languages as it was, and says its day counts in words
that read right for one day and for none ("the same day", 当天)."""

from collections.abc import Container
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.event_base import Kind, Payload, _Correctable, _say
from cases.in_admin import in_admin
from cases.models import label_in_language
from common.masking import mask_numbers_in_text


@dataclass(frozen=True)
class _ToBody(Payload):
    """An event about a referral: the outside body's name is kept in both languages as it was."""

    referral: int | None = None
    body: str = ""
    body_en: str = ""

    @property
    def body_label(self) -> str:
        return label_in_language(self.body, self.body_en)


@dataclass(frozen=True)
class ReferralSent(_Correctable, _ToBody):
    kind = Kind.REFERRAL_SENT
    KEYS = {"before": "from", "after": "to"}
    before: str = ""
    after: str = ""
    corrected: bool = False  # added by an administrator, in the admin's referral rows

    def sentence(self, files: Container[int]) -> SafeString:
        message = _("Referred to %(body)s.")
        return _say(in_admin(message) if self.corrected else message, body=self.body_label)


@dataclass(frozen=True)
class Chased(_ToBody):
    kind = Kind.CHASE
    days: int = 0  # days since the referral was sent
    promised: str = ""  # the reply date the body promised when chased (ISO): the referral's since
    was: str = ""  # the date it replaced (empty: none); both stored only when a date was promised
    OPTIONAL = frozenset({"promised", "was"})

    def sentence(self, files: Container[int]) -> SafeString:
        said = _("Chased %(body)s (%(since)s).")
        if self.promised and self.was:
            said = _("Chased %(body)s (%(since)s); new reply date %(day)s (was %(was)s).")
        elif self.promised:
            said = _("Chased %(body)s (%(since)s); they promise a reply by %(day)s.")
        # Not "0 days since referral", nor "1 days": chased the day it went, or one day after.
        if self.days:
            since = ngettext("%(days)s day since referral", "%(days)s days since referral", self.days)
            since %= {"days": self.days}
        else:
            since = _("the same day as the referral")
        return _say(said, body=self.body_label, since=since, day=self.promised, was=self.was)


def _days(days: int) -> str:
    """A count of days in words: "1 day", "3 days"."""
    return ngettext("%(days)s day", "%(days)s days", days) % {"days": days}


@dataclass(frozen=True)
class ReplyReceived(_ToBody):
    kind = Kind.REPLY
    KEYS = {"before": "from", "after": "to"}
    outcome: str = ""
    days: int = 0  # days from sending to the reply
    before: str = ""
    after: str = ""
    late: int = 0  # days after the reply expected (0: on time, or no date was expected)
    correction: bool = False  # 更正答复: replaces the reply before it
    corrected: bool = False  # recorded or corrected by an administrator, in the admin's referral rows
    OPTIONAL = frozenset({"correction", "corrected"})

    def sentence(self, files: Container[int]) -> SafeString:
        # A correction says so: read as a second reply, it looked like the body answering again late.
        if self.correction and self.corrected:
            message = _("Corrected in the admin: the reply from %(body)s.")
        elif self.correction:
            message = _("Reply from %(body)s corrected.")
        # A same-day reply reads as such ("在 0 天后答复" does not), and a late one says so.
        elif self.late:
            # Each count in its own words: a reply due the day it went and given the next is
            # "after 1 day, 1 day later", neither count "days".
            message = _("Reply from %(body)s after %(after)s, %(late)s later than expected.")
        elif self.days:
            message = ngettext(
                "Reply from %(body)s after %(days)s day.",
                "Reply from %(body)s after %(days)s days.",
                self.days,
            )
        else:
            message = _("Reply from %(body)s the same day.")
        message = in_admin(message) if self.corrected and not self.correction else message
        said = _say(
            message, body=self.body_label, days=self.days, after=_days(self.days), late=_days(self.late)
        )
        if not self.outcome:
            return said
        # Chinese sentences follow each other without a space (。已处理), English ones after one.
        space = "" if str(said).endswith(("。", "！", "？")) else " "
        return format_html("{}{}{}", said, space, mask_numbers_in_text(self.outcome))
