"""Masking of personal numbers, done on the server (GB/T 35273 display limits).

An ID number shows its region (4) and last 4 characters: 3101**********1234.
A mobile shows its first 3 and last 4 digits: 138****5678. A landline keeps its last 4.
A bank card typed into free text keeps its first and last 4 digits: 6222 **** **** 7890.

Free text is read as staff type it: full-width digits (１３８…), spaces and dashes of a Chinese input
method between the groups, groups of any length; the text is shown as typed, its hidden digits *.
"""

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


def mask_id_number(value: str) -> str:
    value = (value or "").strip()
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


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
    13812345678, is put back as first written); so is a mask changed (138****5679)."""
    if "*" not in typed:
        return typed
    numbers: dict[str, list[str]] = {}
    for text in written:
        for m, mask in _found(fold(text or "")) if _DIGIT.search(text or "") else []:
            numbers.setdefault(mask(text, m), []).append(text[m.start() : m.end()])
    whole = {shown: typed_as[0] for shown, typed_as in numbers.items() if len(numbers_in(*typed_as)) == 1}
    if not whole:
        return typed
    # The longest first, and never a part of a longer run of digits or stars: 021-****2100 is one
    # number's mask, not 021- and another's ****2100.
    shown = "|".join(re.escape(mask) for mask in sorted(whole, key=len, reverse=True))
    return re.sub(rf"(?<![\d*])(?:{shown})(?![\d*])", lambda m: whole[m[0]], typed)


def holds_numbers(*texts: str) -> bool:
    """Whether any of these free texts holds what looks like an ID, phone or bank card number."""
    return any(mask_numbers_in_text(text or "") != (text or "") for text in texts)


def numbers_in(*texts: str) -> set[str]:
    """The personal numbers these free texts hold, each as its digits alone (and an ID's X), however
    it was written: 138 1234 5678, 13812345678 and １３８１２３４５６７８ are one number."""
    found = set()
    for text in texts:
        folded = fold(text or "")
        for start, end in _number_spans(folded):
            found.add(re.sub(r"[^0-9X]", "", folded[start:end].upper()))
    return found


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
