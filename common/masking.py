"""Masking of personal numbers, done on the server (GB/T 35273 display limits).

An ID number shows its region (4) and last 4 characters: 3101**********1234.
A mobile shows its first 3 and last 4 digits: 138****5678. A landline keeps its last 4.
"""

import re

# 18-character resident ID numbers and 15-digit old ones, mobiles, and landlines with area code.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8}|\d{6})(\d{3}[\dXx]|\d{3})(?![0-9A-Za-z])")
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


def mask_numbers_in_text(text: str) -> str:
    """Masks every ID or phone number found anywhere in free text (logs, error reports)."""
    text = _ID_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _LANDLINE_RE.sub(_mask_landline, text)


def holds_numbers(*texts: str) -> bool:
    """Whether any of these free texts holds what looks like an ID or phone number."""
    return any(mask_numbers_in_text(text or "") != (text or "") for text in texts)
