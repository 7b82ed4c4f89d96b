"""What a case is called when no title is typed: made from its details (Case.title_from).

The first sentence, when it ends (。！？!?) within the first 40 characters: the whole first line
was kept, and a case logged from a visit was called "老人说灶台在里间，做饭要绕过床，浴室门向外开太占地方，
想装折叠门。女儿电话 136****4567" in every list, notification, ledger and summary (review 8, finding 10).
Otherwise the first 40 characters, never cut inside a number (common/masking.py shorten: cut in two,
a number's first digits matched no mask). Either way a title never ends on a contact number, whole or
masked as a page shows it: the number goes, with the words that name it (电话, 联系方式) and its
clause when a comma sets it apart. A sentence or line that is only a number says nothing: the next
one is read.
"""

import re

from common.masking import fold, holds_numbers, shorten

TITLE_CUT = 40
# A sentence's end: the title stops there (its 。 left out, a question's or a cry's mark kept).
_SENTENCE_END = re.compile(r"[。！？!?]")
# A clause's end: a number's clause is left out back to it; a cut after one leaves it out.
_CLAUSE_ENDS = "，,、；;：:"
# A number at the end (in folded text): digits, a masked number's stars, and what is typed between groups.
_ENDING_NUMBER = re.compile(r"[0-9*+() -]*[0-9*][0-9*+() -]*$")
# The words that name a contact number, just before it.
_CONTACT_WORDS = re.compile(
    r"(?:联系)?(?:电话|手机|座机|方式)(?:号码|号)?[ :：]*$|(?:call|contact|tel|phone|mobile)\.?[ :：]*$",
    re.IGNORECASE,
)


def title_from_details(details: str) -> str:
    """The title made from `details`, "" when it says nothing but numbers."""
    for line in details.splitlines():
        rest = line.strip()
        while rest:
            end = _SENTENCE_END.search(rest)
            if end is None or end.start() > TITLE_CUT:
                sentence, rest = _cut(rest), ""
            else:
                sentence, rest = rest[: end.end()].removesuffix("。"), rest[end.end() :].strip()
            if title := _without_ending_number(sentence):
                return title
    return ""


def _cut(line: str) -> str:
    """The line's first 40 characters (more for a number across the 40th, kept whole); a cut that
    falls after a comma leaves it out: "…楼下邻居也说渗水，" read as a title left unfinished."""
    title = shorten(line, TITLE_CUT)
    return (title.rstrip(" " + _CLAUSE_ENDS) or title) if len(title) < len(line) else title


def _without_ending_number(title: str) -> str:
    """The title without the contact numbers it ends on (as typed or masked: 136****4567), their
    naming words and their clause: "想装折叠门，女儿电话 13651234567" → "想装折叠门"."""
    while True:
        ending = _ENDING_NUMBER.search(fold(title.rstrip(" 。." + _CLAUSE_ENDS)))
        number = ending.group(0).strip() if ending else ""
        if not _a_number(number):
            return title
        head = _CONTACT_WORDS.sub("", title[: ending.start()].rstrip(" :："))
        clause = max(head.rfind(mark) for mark in _CLAUSE_ENDS)
        title = (head[:clause] if clause >= 0 else head).rstrip(" " + _CLAUSE_ENDS)


def _a_number(text: str) -> bool:
    """Whether `text` is a personal number, as typed or masked (not a room, a count or a case number)."""
    return bool(text) and (holds_numbers(text) or ("*" in text and sum(c.isdigit() for c in text) >= 3))
