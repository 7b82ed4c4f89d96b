"""What the import says about a row, kept as what to say rather than as the words said.

A row's problem (and a planned change's note) is stored on its ImportRun as the message's msgid
and its parameters, and put into words when a page shows it, in the reader's language: a file
previewed by a secretary reading Chinese lists its bad rows in English to a colleague reading
English, and the other way round. A parameter that itself reads differently in each language (the
list of a column's allowed values, the care categories' names) is stored in every language the site
speaks (`per_language`). Runs stored before this kept their words (`message`): those still read as
they were written.

Numbers are never stored whole: a text parameter is masked as it is stored, and the words are
masked again as they are shown (a value quoted in a message may be a number typed in the wrong
column).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext, gettext_noop

from common.masking import mask_numbers_in_text

PER_LANGUAGE = "per_language"  # the key of a parameter stored in every language

# Messages the import no longer says, kept in the catalogue for the runs that stored them (a run's
# problems are read in the reader's language from their msgid: without these, in English).
FORMER_MESSAGES = [
    gettext_noop("Too long: at most %(max)d characters."),
    gettext_noop("Two residents of this household are called %(name)s; give the ID number to say which."),
]


def msgid(message) -> str:
    """The untranslated text of a message: gettext_lazy's msgid, or a plain msgid as it is."""
    if isinstance(message, Promise):
        with translation.override(None):  # no catalogue: gettext gives the msgid back
            return str(message)
    return str(message)


def per_language(words: Callable[[], str]) -> dict:
    """A parameter that reads differently in each language: `words()` in every language of the site."""
    said = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            said[code] = mask_numbers_in_text(str(words()))
    return {PER_LANGUAGE: said}


def listed(words) -> str:
    """Words listed as the active language lists them: 、 between Chinese ones, commas in English."""
    chinese = (get_language() or "").startswith("zh")
    return ("、" if chinese else ", ").join(str(word) for word in words)


def stored_param(value):
    """A parameter as JSON keeps it: a date as its ISO text, a text masked, a lazy text in every language."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Promise):
        return per_language(lambda: value)
    if isinstance(value, str):
        return mask_numbers_in_text(value)
    return value


def stored_params(params: dict | None) -> dict:
    return {key: stored_param(value) for key, value in (params or {}).items()}


def validation_messages(error: ValidationError) -> Iterator[tuple[str, dict]]:
    """Each message of a ValidationError (one raised with a field's name too) as (msgid, params)."""
    if hasattr(error, "error_dict"):
        parts = [e for errors in error.error_dict.values() for e in errors]
    else:
        parts = error.error_list
    for part in parts:
        yield msgid(part.message), stored_params(part.params)


def shown_param(value):
    """A stored parameter as the reader reads it (one stored in every language: in theirs)."""
    if isinstance(value, dict) and PER_LANGUAGE in value:
        said = value[PER_LANGUAGE]
        language = get_language() or settings.LANGUAGE_CODE
        for code in (language, language.split("-")[0], settings.LANGUAGE_CODE):
            if code in said:
                return said[code]
        return next(iter(said.values()), "")
    return value


def words(msg: str, params: dict | None = None) -> str:
    """A stored message in the active language, its parameters filled in, every number masked."""
    shown = {key: shown_param(value) for key, value in (params or {}).items()}
    text = gettext(msg)
    if shown:
        try:
            text = text % shown
        except (KeyError, ValueError, TypeError):  # a translation that lost a parameter: the English
            try:
                text = msg % shown
            except (KeyError, ValueError, TypeError):
                text = msg
    return mask_numbers_in_text(text)


def text(entry: dict) -> str:
    """The words of one stored problem: its msgid and params in the reader's language, or, for a run
    stored before these were kept, the words it was stored with."""
    if "msgid" in entry:
        return words(entry["msgid"], entry.get("params"))
    return entry.get("message", "")


def by_row(errors: list[dict]) -> list[dict]:
    """The stored problems as the preview lists them: each bad row once, its number and the name
    typed in it at its head, then each of its problems (the column, the cell's value, the words).
    The value is left out where the words quote it already, and where it is the name at the head:
    listed problem by problem, a row with three problems read its number and name three times.
    In the order of the file (a row's problems are stored together)."""
    rows: dict[int, dict] = {}
    for error in errors:
        row = rows.setdefault(
            error["row"], {"row": error["row"], "name": error.get("name", ""), "problems": []}
        )
        message = text(error)
        value = error.get("value", "")
        if value and (value in message or value == row["name"]):
            value = ""
        row["problems"].append({"column": error["column"], "value": value, "message": message})
    return list(rows.values())
