"""What every spreadsheet Needle writes shares: text that must not run as a formula (CSV/Excel injection).

A resident's note "=HYPERLINK(...)" or a name "@王五" stays text. The registry export (residents/exporting.py)
writes such text with a leading apostrophe, which its importer strips again, so an export imports back
unchanged; the ledgers and case exports (common/xlsx.py) write it as a string cell.
"""

# Cells that a spreadsheet would run as a formula.
FORMULA_START = ("=", "+", "-", "@")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)


def export_text(value) -> str:
    """A value for an exported cell: text that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text
