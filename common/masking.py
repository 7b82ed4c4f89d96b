"""Masking of personal numbers, done on the server (GB/T 35273 display limits).

An ID number shows its region (4) and last 4 characters: 3101**********1234.
A mobile shows its first 3 and last 4 digits: 138****5678. A landline keeps its last 4.
A bank card typed into free text keeps its first and last 4 digits: 6222 **** **** 7890.
"""

import re

# A bank card: 16 to 19 digits, whole or in groups of four (6222 0212 3456 7890 123). Read before
# the others: a card's groups would otherwise be read as a landline and part of it shown.
_CARD_RE = re.compile(r"(?<![0-9A-Za-z])\d{4}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?(?![0-9A-Za-z])")
# 18-character resident ID numbers and 15-digit old ones, whole or in their groups (310101 19500307
# 0017: read as a landline, its region and birth year were shown), mobiles, and landlines with area code.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})[ -]?(\d{8}|\d{6})[ -]?(\d{3}[\dXx]|\d{3})(?![0-9A-Za-z])")
# A mobile as people type it: 13812345678, 138 1234 5678, 138-1234-5678, +86 13812345678, 8613812345678.
_MOBILE_RE = re.compile(r"(?:(?<!\d)|(?<=86))(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")
# A landline: eight digits alone, or after an area code (021-65431234, (021)6543 1234, 021 6543-1234).
# Eight digits split in two without an area code ("2026-0042 1234") are too like other numbers to mask.
_LANDLINE_RE = re.compile(r"(?<!\d)(?:(\(?0\d{2,3}\)?[ -]?)(\d{4})[ -]?(\d{4})|()(\d{4})(\d{4}))(?!\d)")


def _mask_landline(m: re.Match) -> str:
    area = m.group(1) if m.group(1) is not None else ""
    last = m.group(3) if m.group(3) is not None else m.group(6)
    return f"{area}****{last}"


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


def _mask_middle(m: re.Match) -> str:
    """A card's or an ID number's characters but its first and last four as *, its spaces or
    hyphens kept (written whole, an ID reads as mask_id_number's)."""
    number = m.group(0)
    digits = [i for i, c in enumerate(number) if c.isdigit() or c in "Xx"]
    hidden = set(digits[4:-4])
    return "".join("*" if i in hidden else c for i, c in enumerate(number))


def mask_numbers_in_text(text: str) -> str:
    """Masks every ID, phone or bank card number found anywhere in free text (pages, logs, error
    reports)."""
    text = _CARD_RE.sub(_mask_middle, text)
    text = _ID_RE.sub(_mask_middle, text)
    text = _MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _LANDLINE_RE.sub(_mask_landline, text)


def holds_numbers(*texts: str) -> bool:
    """Whether any of these free texts holds what looks like an ID, phone or bank card number."""
    return any(mask_numbers_in_text(text or "") != (text or "") for text in texts)


def numbers_in(*texts: str) -> set[str]:
    """The personal numbers these free texts hold, each as its digits alone (and an ID's X), however
    it was written: 138 1234 5678 and 13812345678 are one number."""
    found = set()
    for text in texts:
        text = text or ""
        for start, end in _number_spans(text):
            found.add(re.sub(r"[^0-9X]", "", text[start:end].upper()))
    return found


def _number_spans(text: str) -> list[tuple[int, int]]:
    """Where mask_numbers_in_text masks something: the (start, end) of each number it changes."""
    spans = []
    for regex in (_CARD_RE, _ID_RE, _MOBILE_RE, _LANDLINE_RE):
        taken = list(spans)
        for m in regex.finditer(text):
            if all(m.end() <= start or end <= m.start() for start, end in taken):
                spans.append(m.span())
    return sorted(spans)


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
