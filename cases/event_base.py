"""What every timeline event kind is built on (cases/events.py): the payload's base, which stores its
facts in CaseEvent.data and reads them back leniently, and `_say`, the one way a sentence is written
(our words translated, the values escaped and their numbers masked). Apart from the kinds, so that
the kinds can grow in modules of their own (events.py, referral_events.py)."""

import dataclasses
from collections.abc import Container, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

from cases.models import CaseEvent
from common.masking import mask_numbers_in_text

Kind = CaseEvent.Kind


def _say(message: str, **values: object) -> SafeString:
    """A translated sentence with its values escaped: the words are ours, the values are data, and
    an ID or phone number typed into data (a title edited, a file's name) is masked for every reader."""
    if not values:
        return conditional_escape(message)
    shown = {
        key: conditional_escape(value if isinstance(value, SafeData) else mask_numbers_in_text(str(value)))
        for key, value in values.items()
    }
    return mark_safe(message % shown)  # noqa: S308


@dataclass(frozen=True)
class Payload:
    """What one kind of event records. Subclasses name their kind and say their sentence."""

    kind: ClassVar[str]
    # Field name → the key in CaseEvent.data, where the stored key is not a Python name.
    KEYS: ClassVar[Mapping[str, str]] = {}
    # Fields stored only when set: added after events were written, the events that never had them
    # keep the data they always had.
    OPTIONAL: ClassVar[frozenset[str]] = frozenset()

    def to_data(self) -> dict[str, Any]:
        return {
            self.KEYS.get(f.name, f.name): _jsonable(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.name not in self.OPTIONAL or getattr(self, f.name)
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "Payload":
        values = {}
        for f in dataclasses.fields(cls):
            key = cls.KEYS.get(f.name, f.name)
            if key in data and data[key] is not None:
                values[f.name] = tuple(data[key]) if isinstance(data[key], list) else data[key]
        return cls(**values)

    def sentence(self, files: Container[int]) -> SafeString:
        raise NotImplementedError


def _jsonable(value: object) -> object:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


class _Correctable:
    """A payload that an administrator's correction in the admin also writes (`corrected`): stored
    only when true, so that the app's own events keep the data they always had."""

    OPTIONAL: ClassVar[frozenset[str]] = frozenset({"corrected"})
