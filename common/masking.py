"""Masking of personal numbers, done on the server (GB/T 35273 display limits).

An ID number shows its region (4) and last 4 characters: 3101**********1234.
A mobile shows its first 3 and last 4 digits: 138****5678. A landline keeps its last 4.
"""

import re

# 18-character resident ID numbers and 15-digit old ones, mobiles, and landlines with area code.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8}|\d{6})(\d{3}[\dXx]|\d{3})(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)(0\d{2,3}-?)?(\d{4})(\d{4})(?!\d)")


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
    return _LANDLINE_RE.sub(lambda m: f"{m.group(1) or ''}****{m.group(3)}", text)


def holds_numbers(*texts: str) -> bool:
    """Whether any of these free texts holds what looks like an ID or phone number."""
    return any(mask_numbers_in_text(text or "") != (text or "") for text in texts)
