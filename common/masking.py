"""Masking of personal numbers, done on the server (GB/T 35273 display limits).

An ID number shows its region (4) and last 4 characters: 3101**********1234.
A mobile shows its first 3 and last 4 digits: 138****5678. A landline keeps its last 4.
A bank card typed into free text keeps its first and last 4 digits: 6222 **** **** 7890.

Free text is read as staff type it: full-width digits (１３８…), spaces and dashes of a Chinese input
method between the groups, groups of any length; the text is shown as typed, its hidden digits *.
A phone number staff typed masked, as a caller or another system gave it (138***5678, 138xxxx5678,
138 **** 5678, 021 **** 2100, 021-6xxx-2100), is one masked number too, shown as the rule shows a
whole one (138****5678, 021 ****2100): a digit typed beside the stars that the rule hides is hidden.
"""

import datetime
import re
from collections.abc import Callable

# Full-width digits, letters, brackets, plus and stars, and the spaces and dashes Chinese input methods type
# between a number's groups (ideographic space U+3000, full-width hyphen U+FF0D, en and em dashes),
# read as their ASCII when looking for numbers: one character for one, so that a number found in the
# folded text is at the same place in the text as typed, which is what is shown (its digits masked).
_FOLD = {
    **{0xFF10 + i: str(i) for i in range(10)},
    **{0xFF21 + i: chr(0x41 + i) for i in range(26)},
    **{0xFF41 + i: chr(0x61 + i) for i in range(26)},
    **dict.fromkeys([0x3000, 0x00A0, *range(0x2002, 0x200B), 0x202F, 0x205F], " "),
    **dict.fromkeys([*range(0x2010, 0x2016), 0x2212, 0x2E3A, 0x2E3B, 0xFE58, 0xFE63, 0xFF0D], "-"),
    0xFF08: "(",
    0xFF09: ")",
    0xFF0B: "+",
    # A masked number copied by hand with a Chinese input method's star (138＊＊＊＊5678; ✱ from a
    # symbol picker) is the one every page shows: its stars read as the search boxes read *.
    0xFF0A: "*",
    0x2731: "*",
}


def fold(text: str) -> str:
    """The text with full-width forms, spaces and dashes as their ASCII, one character for one (what
    the case search key and the search boxes compare: ５６７８ finds 5678)."""
    return text.translate(_FOLD)


# Between a number's groups (in folded text): a space, a hyphen (or two: a Chinese dash, ——), either
# with a space around it, or two spaces.
_SEP = r"(?: ?-{1,2} ?| {1,2})?"
# A bank card: 16 to 19 digits, whole or in groups of four (6222 0212 3456 7890 123). Read before
# the others: a card's groups would otherwise be read as a landline and part of it shown.
_CARD_RE = re.compile(rf"(?<![0-9A-Za-z])\d{{4}}(?:{_SEP}\d{{4}}){{3}}(?:{_SEP}\d{{1,3}})?(?![0-9A-Za-z])")
# 18-character resident ID numbers and 15-digit old ones, whole or in their groups (310101 19500307
# 0017: read as a landline, its region and birth year were shown), mobiles, and landlines with area code.
_ID_RE = re.compile(
    rf"(?<![0-9A-Za-z])(\d{{6}}){_SEP}(\d{{8}}|\d{{6}}){_SEP}(\d{{3}}[\dXx]|\d{{3}})(?![0-9A-Za-z])"
)
# A mobile as people type it: 13812345678, 138 1234 5678, 138-1234-5678, +86 13812345678, 8613812345678,
# and in the groups they read it out in (1381 660 5678, 13816 605678): at most four groups
# (_MOBILE_GROUPS), so that a row of small numbers ("13 5 7 9 11 …") is not read as one.
_MOBILE_RE = re.compile(rf"(?:(?<!\d)|(?<=86))1[3-9](?:{_SEP}\d){{9}}(?!\d)")
_MOBILE_GROUPS = 4
# A landline: eight digits alone, or after an area code (021-65431234, (021)6543 1234, 021 6543-1234).
_LANDLINE_RE = re.compile(
    rf"(?<!\d)(?:(\(?0\d{{2,3}}\)?{_SEP})(\d{{4}}){_SEP}(\d{{4}})|()(\d{{4}})(\d{{4}}))(?!\d)"
)
# A Shanghai landline in two groups without its area code (6543 2100, 6543 2100-8021 with its
# extension), split by spaces (by a hyphen: _LOCAL_HYPHEN_RE); four digits beside a case number
# (2026-3453 6543, 6543 2026-0453) or a pair of years (2025 2026) are neither.
_YEAR = r"(?:19|20)\d\d"
_LOCAL_RE = re.compile(
    rf"(?<![\d-])(?!{_YEAR} {{1,2}}{_YEAR}(?!\d))[2-9]\d{{3}} {{1,2}}(?!{_YEAR}-\d)(?P<tail>\d{{4}})(?!\d)"
)


# The same eight digits split by a hyphen (6543-2100, 6543-2100-8021 with its extension), where nothing
# says they are something else: a first half that is a year is a case number or a span of years
# (2026-0042, 2025-2026); a unit or currency beside them makes an amount or a count (1200-3000元,
# ¥3000-5000, 1200-1300号); a hyphen or digits before them, a reference or a date (HG-6543-2100,
# 2026-12-07); two round figures or two times of day rising, a range (3000-5000, 2130-2230:
# _a_range). Read last: a mobile's, an ID's or a card's groups are no landline.
_UNIT = r"(?: ?[元块角万千百米平㎡%％个人户次天年月日号弄室栋幢楼层间件台辆吨斤克岁名位张本份条])"
_LOCAL_HYPHEN_RE = re.compile(
    rf"(?<![\d¥$￥-])(?!{_YEAR} ?-)(?P<head>[2-9]\d{{3}}) ?-{{1,2}} ?(?P<tail>\d{{4}})(?!\d)(?!{_UNIT})"
)


# A phone number typed masked: what a page shows of it (a mobile's first three digits, a landline's
# area code, then the last four), the rest hidden with * (＊, ✱ folded), x or X, in the groups people
# type, e.g. 138***5678, 138xxxx5678, 138 **** 5678, 138-XXXX-5678, 021 **** 2100, (021)****2100,
# 021-6xxx-2100. The hidden part (_hidden_part): 2 to 6 marks alone (people miscount the stars; one
# mark is a product or a size, 150*2000, 150x2000), or a number's 4 hidden places with at least one
# mark (1381***5678, 021 6*** 2100: the digit typed beside the stars is hidden too). An area code is
# 010 or 02X (three digits: 021) or 0 and three more starting 3-9 (0571), so 0216***2100 reads 021.
_MARK = r"[*xX]"
_PLACE = r"[\d*xX]"  # a hidden place: a mark, or a digit typed beside the marks
_MASKED_MOBILE_RE = re.compile(
    rf"(?:(?<![0-9A-Za-z*])|(?<=86))(?P<head>1[3-9]\d)(?P<hidden>(?:{_SEP}{_PLACE}){{2,6}}){_SEP}"
    rf"(?P<tail>\d(?:{_SEP}\d){{3}})(?![0-9A-Za-z*])"
)
_MASKED_LANDLINE_RE = re.compile(
    rf"(?<![0-9A-Za-z*])(?P<head>\(?(?:0[12]\d|0[3-9]\d\d)\)?{_SEP})"
    rf"(?P<hidden>{_PLACE}(?:{_SEP}{_PLACE}){{1,5}}){_SEP}(?P<tail>\d{{4}})(?![0-9A-Za-z*])"
)
_MASKED = (_MASKED_MOBILE_RE, _MASKED_LANDLINE_RE)


def _hidden_part(m: re.Match) -> bool:
    """Whether a masked phone's hidden part reads as one: 2 to 6 marks, or 4 places with a mark."""
    hidden = re.sub(r"[ -]", "", m["hidden"])
    marks = len(re.findall(_MARK, hidden))
    if marks == len(hidden):
        return 2 <= marks <= 6
    return marks >= 1 and len(hidden) == 4


def _a_range(m: re.Match) -> bool:
    """Two round figures (3000-5000) or two times of day (2130-2230), the second the greater."""
    low, high = m.group("head"), m.group("tail")
    if int(low) >= int(high):
        return False
    if low.endswith("00") and high.endswith("00"):
        return True
    return all(int(t[:2]) < 24 and int(t[2:]) < 60 for t in (low, high))


def _mask_landline(typed: str, m: re.Match) -> str:
    area = typed[m.start(1) : m.end(1)] if m.group(1) is not None else ""
    last = 3 if m.group(3) is not None else 6
    return f"{area}****{typed[m.start(last) : m.end(last)]}"


def _mask_local(typed: str, m: re.Match) -> str:
    return f"****{typed[m.start('tail') : m.end('tail')]}"


def _mask_mobile(typed: str, m: re.Match) -> str:
    """Its first three and last four digits as typed, the rest one ****: 138****5678."""
    digits = [i for i, c in enumerate(m.group(0)) if c.isdigit()]
    start = m.start()
    return f"{typed[start : start + digits[2] + 1]}****{typed[start + digits[7] : m.end()]}"


def _mask_masked_phone(typed: str, m: re.Match) -> str:
    """A phone typed masked, shown as the rule shows it typed whole: 138****5678, 021 ****2100 (the
    mobile's first three digits, or the area code with its separator, and the last four, as typed)."""
    return f"{typed[m.start('head') : m.end('head')]}****{typed[m.start('tail') : m.end('tail')]}"


def _marks_alone(m: re.Match) -> bool:
    """A masked phone's hidden part holds marks alone, and as many as _hidden_part reads as one."""
    return _hidden_part(m) and not re.search(r"\d", m["hidden"])


def _as_one(m: re.Match) -> str:
    """A phone's mask as one word, its digits shown and four stars: 138****5678, 021****2100."""
    return "****".join(re.sub(r"\D", "", m[part]) for part in ("head", "tail"))


def mask_id_number(value: str) -> str:
    value = (value or "").strip()
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_birth_date(day: datetime.date | None) -> str:
    """A birth date with its year only: 1987-**-**. Digits 7-14 of an ID number are the birth date,
    so the full date beside the masked ID (3101**********1069) left only two digits to guess and the
    check digit to test them (review 9, finding 1): where the ID is masked, so is the day of birth."""
    return f"{day.year:04d}-**-**" if day else ""


def mask_phone(value: str) -> str:
    value = (value or "").strip()
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def _mask_middle(typed: str, m: re.Match) -> str:
    """A card's or an ID number's characters but its first and last four as *, its spaces or
    hyphens kept (written whole, an ID reads as mask_id_number's)."""
    number = m.group(0)
    digits = [i for i, c in enumerate(number) if c.isdigit() or c in "Xx"]
    hidden = set(digits[4:-4])
    return "".join("*" if i in hidden else c for i, c in enumerate(typed[m.start() : m.end()]))


# Each pattern, its mask, and what a match must be to be masked (None: any match).
_Mask = Callable[[str, re.Match], str]
_FOUND_BY: tuple[tuple[re.Pattern, _Mask, Callable[[re.Match], bool] | None], ...] = (
    (_CARD_RE, _mask_middle, None),
    (_ID_RE, _mask_middle, None),
    # At most four groups: a row of small numbers ("13 5 7 9 11 …") is no mobile.
    (_MOBILE_RE, _mask_mobile, lambda m: _groups(m) <= _MOBILE_GROUPS),
    (_LANDLINE_RE, _mask_landline, None),
    (_LOCAL_RE, _mask_local, None),
    (_LOCAL_HYPHEN_RE, _mask_local, lambda m: not _a_range(m)),
    (_MASKED_MOBILE_RE, _mask_masked_phone, _hidden_part),
    (_MASKED_LANDLINE_RE, _mask_masked_phone, _hidden_part),
)
_DIGIT = re.compile(r"\d")


def _found(folded: str) -> list[tuple[re.Match, _Mask]]:
    """The numbers in the folded text, in its order, each with its mask: each pattern in turn, on
    the text with what the ones before it found blanked out (a card's groups are no landline)."""
    found = []
    for regex, mask, keep in _FOUND_BY:
        matches = [m for m in regex.finditer(folded) if keep is None or keep(m)]
        for m in matches:
            folded = folded[: m.start()] + "_" * (m.end() - m.start()) + folded[m.end() :]
            found.append((m, mask))
    return sorted(found, key=lambda item: item[0].start())


def _groups(m: re.Match) -> int:
    return len(re.findall(r"\d+", m.group(0)))


def mask_numbers_in_text(text: str) -> str:
    """Masks every ID, phone or bank card number found anywhere in free text (pages, logs, error
    reports), however typed (full-width, in groups); the rest of the text is kept as typed."""
    if not _DIGIT.search(text):
        return text
    parts, last = [], 0
    for m, mask in _found(fold(text)):
        parts += [text[last : m.start()], mask(text, m)]
        last = m.end()
    return "".join([*parts, text[last:]])


def keep_hidden_digits(typed: str, *written: str) -> str:
    """`typed` (words typed over texts `written` as a page showed them: their numbers masked) with each
    number left as its mask showed it (138****5678) put back as written: who may not see the hidden
    digits edits the words around a number without losing it, and reads it masked again. A mask
    that two different numbers show (138****5678 for 13812345678 and 13899995678) is left as typed,
    since which one was meant cannot be told (one number written twice, 138 1234 5678 and
    13812345678, is put back as first written); so is a mask changed (138****5679). A number
    written masked (138***5678, shown 138****5678) is put back as written too, but is never taken
    for a whole one its mask shows alike."""
    if "*" not in typed:
        return typed
    numbers: dict[str, list[tuple[str, str]]] = {}
    for text in written:
        for m, mask in _found(fold(text or "")) if _DIGIT.search(text or "") else []:
            numbers.setdefault(mask(text, m), []).append((_number(m), text[m.start() : m.end()]))
    whole = {
        shown: typed_as[0][1]
        for shown, typed_as in numbers.items()
        if len({number for number, _as in typed_as}) == 1
    }
    if not whole:
        return typed
    # The longest first, and never a part of a longer run of digits or stars: 021-****2100 is one
    # number's mask, not 021- and another's ****2100.
    shown = "|".join(re.escape(mask) for mask in sorted(whole, key=len, reverse=True))
    return re.sub(rf"(?<![\d*])(?:{shown})(?![\d*])", lambda m: whole[m[0]], typed)


def holds_numbers(*texts: str) -> bool:
    """Whether any of these free texts holds what looks like an ID, phone or bank card number (one
    typed masked, 138***5678, hides nothing: it is none)."""
    return bool(numbers_in(*texts))


def _number(m: re.Match) -> str:
    """The number found (in folded text) as one: its digits alone (and an ID's X), or, typed masked,
    its mask as one word (138****5678)."""
    return _as_one(m) if m.re in _MASKED else re.sub(r"[^0-9X]", "", m[0].upper())


def numbers_in(*texts: str) -> set[str]:
    """The personal numbers these free texts hold, each as its digits alone (and an ID's X), however
    it was written: 138 1234 5678, 13812345678 and １３８１２３４５６７８ are one number. One typed
    masked (138***5678, 021 **** 2100) is none: it holds no digit a page hides."""
    found = set()
    for text in texts:
        if _DIGIT.search(text or ""):
            found.update(_number(m) for m, _mask in _found(fold(text)) if m.re not in _MASKED)
    return found


def masked_phones(text: str) -> list[tuple[str, str]]:
    """The phone numbers the text holds typed masked (138***5678, 138 xxxx 5678, 021 **** 2100,
    021-6xxx-2100), each as typed (folded) and as one word: 138****5678, 021****2100."""
    if not _DIGIT.search(text or ""):
        return []
    return [(m[0], _as_one(m)) for m, _mask in _found(fold(text)) if m.re in _MASKED]


def landlines_as_one(text: str) -> list[str]:
    """Each landline with its area code the text holds, typed whole or masked, as one word of the
    digits a page shows and four stars: 021****2100 (shown 021 ****2100 or 021-****2100, with the
    area code's separator as typed: what the search box makes of either, join_masked_phones)."""
    if not _DIGIT.search(text or ""):
        return []
    found = []
    for m, _mask in _found(fold(text)):
        if m.re is _MASKED_LANDLINE_RE:
            found.append(_as_one(m))
        elif m.re is _LANDLINE_RE and m.group(1) is not None:
            found.append(f"{re.sub(r'\D', '', m[1])}****{m[3]}")
    return found


def join_masked_phones(folded: str) -> str:
    """The (folded) text of a search box with each phone typed masked with its marks alone made one
    word, as a page shows it: 138 **** 5678, 138***5678 and 138xxxx5678 read 138****5678, 021 **** 2100
    and (021)****2100 read 021****2100. A mask showing a digit a page hides (1381***5678) is left as
    typed: it finds nothing, as the hidden digits never do."""
    if not _DIGIT.search(folded):
        return folded
    for regex in _MASKED:
        folded = regex.sub(lambda m: f" {_as_one(m)} " if _marks_alone(m) else m[0], folded)
    return folded


def _number_spans(text: str) -> list[tuple[int, int]]:
    """Where mask_numbers_in_text masks something: the (start, end) of each number it changes."""
    return [m.span() for m, _mask in _found(fold(text))] if _DIGIT.search(text) else []


def shorten(text: str, limit: int, *, most: int | None = None) -> str:
    """The text's first `limit` characters, never a number cut in two: a number (or any run of
    digits) across the cut is kept whole, or left out when whole it would pass `most` characters
    (limit + 30 unless given: a card's 19 digits in groups fit). Cut, a number's first digits would
    match no mask and be shown as they are; whole, it is masked wherever the text is shown, as the
    text it came from is."""
    if len(text) <= limit:
        return text
    most = limit + 30 if most is None else most
    end = limit
    for start, stop in _number_spans(text):
        if start < end < stop:
            end = stop if stop <= most else start
    run = re.match(r"\d+", text[end - 1 :]) if end else None
    if run and end < len(text) and text[end].isdigit():
        start = end - 1
        while start > 0 and text[start - 1].isdigit():
            start -= 1
        end = end - 1 + run.end()
        if end > most:
            end = start
    return text[:end]
