#!/usr/bin/env python
"""Fill zh-hans translations from stdin, one `English ||| 中文` pair per line.

    .venv/bin/python scripts/po_fill.py < my-translations.txt

For an entry with a context (pgettext), write `context::English ||| 中文`.
Only entries present in locale/zh_Hans/LC_MESSAGES/django.po are touched (run `make translations`
first); unknown msgids are reported. A pair for a plural entry sets every plural form.
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def main() -> None:
    po = polib.pofile(str(PO))
    by_id = {(f"{e.msgctxt}::" if e.msgctxt else "") + e.msgid: e for e in po}
    unknown = []
    for raw in sys.stdin.read().splitlines():
        if "|||" not in raw:
            continue
        english, chinese = (part.strip() for part in raw.split("|||", 1))
        entry = by_id.get(english)
        if entry is None:
            unknown.append(english)
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: chinese}
        else:
            entry.msgstr = chinese
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()
    left = [e.msgid for e in po if not e.translated()]
    for english in unknown:
        print(f"not in the .po: {english!r}", file=sys.stderr)
    print(f"{len(left)} untranslated left" + (": " + "; ".join(map(repr, left[:20])) if left else ""))


if __name__ == "__main__":
    main()
