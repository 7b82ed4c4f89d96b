"""The case search key: what the case list's search box matches (cases/filters.py).

Case.search_key is one lower-case string of space-separated tokens:

    ' 2026-0042 楼道积水 楼道 道积 积水 水 3号楼 3号 号楼 楼 王芳 wangfang wf 芳 '

the case number, the title, description, place and work order number as written, each run of
Chinese characters again as its bigrams (every character with the one after it, the run's last
character alone), and the parties' names with their pinyin and initials (residents.search_keys).

Why bigrams (measured, README "Search"): on PostgreSQL a trigram index (pg_trgm, GIN) serves
LIKE '%…%' only when the pattern yields a trigram. '%积水%' yields none (two characters, no word
edge): the planner scans every case. '% 积水%' does (a word start: '  积', ' 积水'), so with every
bigram written as a token of its own, a one- or two-character term is matched at a token start and
uses the index; a term of three characters or more has trigrams of its own and is matched anywhere
in the text as written. No Chinese word segmenter is needed (zhparser is not in Debian's packages;
a segmenter would also miss the words it does not know, which is what people type).

SQLite has no such index and scans; the same LIKE patterns give the same rows there.
"""

import re
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Q

from residents.search_keys import name_tokens

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_BATCH = 1000


def _text_tokens(text: str) -> list[str]:
    """The text as written (lower case, split on spaces), then each Chinese run's bigrams."""
    words = (text or "").lower().split()
    tokens = list(words)
    for word in words:
        for run in _HAN.findall(word):
            tokens.extend(run[i : i + 2] for i in range(len(run)))
    return tokens


def search_key(*, number: str, texts: Iterable[str], names: Iterable[str]) -> str:
    """The key from its parts (pure: the services, the reindex and the benchmark's COPY use it)."""
    tokens = [number]
    for text in texts:
        tokens.extend(_text_tokens(text))
    for name in names:
        spelled = name_tokens(name)  # the name, its pinyin and initials
        tokens.extend(spelled)
        if spelled:
            tokens.extend(_text_tokens(spelled[0])[1:])  # the name's bigrams: 芳 finds 王芳
    return " " + " ".join(dict.fromkeys(t for t in tokens if t)) + " "


def key_for(case, names: Iterable[str]) -> str:
    return search_key(
        number=case.number,
        texts=[case.title, case.description, case.place, case.work_order_number],
        names=names,
    )


def term_filter(term: str) -> Q:
    """One search term (lower case, no spaces). One or two characters: the start of a token (every
    bigram and initials are tokens of their own), which a trigram index can serve; three or more:
    anywhere in the text (its own trigrams serve it)."""
    if len(term) <= 2:
        return Q(search_key__contains=f" {term}")
    return Q(search_key__contains=term)


def reindex_cases(case_ids: Iterable[int]) -> None:
    """Refresh the search keys of these cases: two reads and one write per thousand cases.

    Every service that changes what the key holds calls it after its writes (a case logged, edited,
    joined by reporters or parties; a resident renamed), inside the same transaction."""
    from cases.models import Case, CaseParty

    ids = sorted(set(case_ids))
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        cases = list(
            Case.all_objects.filter(pk__in=batch)
            .only("year", "seq", "title", "description", "place", "work_order_number")
            .order_by()
        )
        names: dict[int, list[str]] = defaultdict(list)
        parties = (
            CaseParty.all_objects.filter(case_id__in=batch)
            .order_by("pk")
            .values_list("case_id", "resident__name")
        )
        for case_id, name in parties:
            names[case_id].append(name)
        _write([(case.pk, key_for(case, names[case.pk])) for case in cases])


def reindex_cases_of_residents(resident_ids: Iterable[int]) -> None:
    """A resident's name changed: the keys of the cases they are a party to."""
    from cases.models import CaseParty

    ids = list(resident_ids)
    if ids:
        reindex_cases(
            CaseParty.all_objects.filter(resident_id__in=ids).values_list("case_id", flat=True).distinct()
        )


def _write(rows: list[tuple[int, str]]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE cases_case AS c SET search_key = v.key FROM (SELECT unnest(%s::bigint[]) AS id, "
                "unnest(%s::text[]) AS key) AS v WHERE c.id = v.id",
                [[pk for pk, _ in rows], [key for _, key in rows]],
            )
        else:
            cursor.executemany(
                "UPDATE cases_case SET search_key = %s WHERE id = %s", [(key, pk) for pk, key in rows]
            )
