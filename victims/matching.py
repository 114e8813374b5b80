"""Possible duplicates: is this person already in a case file of any agency? (issue 13)

Two ways to match, one SQL statement (`candidate_sql`), each route served by an index (see
Person.Meta.indexes and docs/duplicates-and-contacts.md):
- the same identity-paper number, normalised (`paper_key`: no spaces, dashes, dots; upper case);
- a similar name (pg_trgm similarity on the folded name `name_match`, the nearest names first from
  a GiST index, at least `SIMILARITY_THRESHOLD`) with a birth year within ±1, the same sex and the
  same home province, each checked only when both sides know it.
The statement returns at most `SQL_LIMIT` rows, best first; Python then decides on those few rows only
whether the names really are the same (`same_name`: every word of the shorter name found in the longer,
in any order, allowing one typing slip per word) and scores them.

The matcher looks across all agencies: it must, or a victim received by two agencies would never be
found. What it hands to its caller is therefore split by scope (`duplicates_for`): a candidate in
the actor's own scope carries the case, the others only the agencies holding them (and their
contact), never a name, a case number or any detail of the other file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext_lazy as _

from accounts.text import fold

# The least pg_trgm similarity of a candidate's name: a missing middle name gives ~0.7, one typing
# slip in a word ~0.6, a swapped order 1.0; unrelated names with a common family and middle name
# ("nguyen thi …") ~0.55 and are told apart by `same_name`.
SIMILARITY_THRESHOLD = 0.5
SQL_LIMIT = 25
RESULT_LIMIT = 10

REASONS = {
    "same_paper": _("Same identity paper number"),
    "same_name": _("Same name (ignoring diacritics, case and word order)"),
    "similar_name": _("Similar name (a missing middle name or a typing slip)"),
    "birth_year": _("Same year of birth"),
    "birth_year_near": _("Year of birth one year apart"),
    "sex": _("Same sex"),
    "home_province": _("Same home province"),
}

# Telex typed without the Vietnamese keyboard switched on leaves its marks as letters: "Nguyeenx
# Thij Hoaf". Vietnamese syllables never contain f, j, w, z, never end in s, r or x, and never double
# a, e, o or d, so these can be undone safely.
_TELEX_PAIRS = (("uw", "u"), ("ow", "o"), ("aw", "a"), ("w", "u"), ("dd", "d"),
                ("aa", "a"), ("ee", "e"), ("oo", "o"))
_NOT_LETTER = re.compile(r"[^a-z]")
_QWERTY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _keyboard_neighbours() -> dict[str, set[str]]:
    neighbours: dict[str, set[str]] = {}
    for r, row in enumerate(_QWERTY_ROWS):
        for c, key in enumerate(row):
            near = neighbours.setdefault(key, set())
            for dr in (-1, 0, 1):
                if 0 <= r + dr < len(_QWERTY_ROWS):
                    other = _QWERTY_ROWS[r + dr]
                    near.update(other[max(0, c - 1):c + 2])
            near.discard(key)
    return neighbours


_NEIGHBOURS = _keyboard_neighbours()


def _untelex(word: str) -> str:
    word = _NOT_LETTER.sub("", word)
    for typed, letter in _TELEX_PAIRS:
        word = word.replace(typed, letter)
    word = word.replace("f", "").replace("j", "").replace("z", "")
    if len(word) > 1:  # s, r, x only start a syllable (and r in "tr")
        head, tail = word[:2] if word.startswith("tr") else word[:1], word[2:] if word.startswith("tr") else word[1:]
        word = head + re.sub(r"[srx]", "", tail)
    return word


def match_name(full_name: str) -> str:
    """The matching key of a name: folded (no diacritics, Đ = D, lower case), typing residue removed."""
    words = (_untelex(word) for word in fold(full_name).split())
    return " ".join(word for word in words if word)[:200]


def paper_key(number: str) -> str:
    """An identity-paper number without spaces, dashes, dots or slashes, in upper case."""
    return re.sub(r"[\s\-./_]", "", number or "").upper()[:50]


def _one_slip(a: str, b: str) -> bool:
    """One typing slip apart: two neighbouring letters swapped, a neighbouring key hit instead, or
    (in words of four letters or more) one letter left out or doubled."""
    if a == b:
        return True
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
            return True
        return len(diff) == 1 and len(a) >= 4 and b[diff[0]] in _NEIGHBOURS.get(a[diff[0]], ())
    short, long_ = sorted((a, b), key=len)
    if len(long_) - len(short) != 1 or len(long_) < 4:
        return False
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def name_relation(a: str, b: str) -> str | None:
    """"same_name", "similar_name" or None for two matching keys (see match_name).

    Every word of the shorter name must be found in the longer one (any order; Vietnamese names are
    written family-middle-given, abroad often given-first), each word at most once, allowing one
    typing slip per word; a name of one word alone never matches.
    """
    wa, wb = a.split(), b.split()
    if not wa or not wb:
        return None
    if sorted(wa) == sorted(wb):
        return "same_name"
    short, long_ = sorted((wa, wb), key=len)
    if len(short) < 2:
        return None
    free = list(long_)
    for word in sorted(short, key=lambda w: w not in free):  # exact words first, then slips
        found = next((i for i, other in enumerate(free) if other == word), None)
        if found is None:
            found = next((i for i, other in enumerate(free) if _one_slip(word, other)), None)
        if found is None:
            return None
        free.pop(found)
    return "similar_name"


@dataclass(frozen=True)
class Query:
    """What is known of the person being registered (or of a person already in a file)."""

    full_name: str
    sex: str = "unknown"
    birth_year: int | None = None
    home_province_id: int | None = None
    id_paper_number: str = ""
    person_id: int | None = None  # the person themself: never their own duplicate

    @classmethod
    def of(cls, person) -> Query:
        return cls(full_name=person.full_name, sex=person.sex, birth_year=person.birth_year,
                   home_province_id=person.home_province_id, id_paper_number=person.id_paper_number,
                   person_id=person.pk)


@dataclass(frozen=True)
class Match:
    person_id: int
    score: int  # 0–100
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASONS[code]) for code in self.reasons]


# One statement, a UNION of the routes that apply to what is known. The table has four parts by
# whether the candidate's home province and birth year are known, each with its own partial GiST
# index (Person.Meta.indexes): a name route is a nearest-neighbour scan of one part
# (`ORDER BY name_match <-> q LIMIT 25`, the trigram distance being 1 - similarity), narrowed by the
# province (equal) and the year (±1) where both sides know them; an unknown value never excludes.
# The index walks the names nearest first, so a route reads a few hundred index entries however
# large its block (a province-and-year block at 1M persons holds ~10,000): no similarity() over
# the whole block. The paper number has its own b-tree. Each route keeps its SQL_LIMIT nearest, so
# the best SQL_LIMIT of the union are the best of the table; the threshold is applied to those.
# Merged persons, the person themself and rejected pairs are left out inside each route, so that
# they never take a route's places.
_COLUMNS = "p.id, p.name_match, p.id_paper_key, p.sex, p.birth_year, p.home_province_id, " \
           "similarity(p.name_match, %(name)s) AS sim"
_SEX = "(%(sex)s = 'unknown' OR p.sex IN (%(sex)s, 'unknown'))"
_OTHERS = """p.merged_into_id IS NULL AND p.id <> %(me)s AND NOT EXISTS (
      SELECT 1 FROM victims_duplicateproposal d
      WHERE d.status = 'rejected'
        AND d.person_low_id = LEAST(p.id, %(me)s) AND d.person_high_id = GREATEST(p.id, %(me)s))"""
# The casts match the columns' types: btree_gist compares bigint with bigint and smallint with
# smallint only, and without them the index would order the names but not narrow the block.
_PROVINCE = "p.home_province_id = %(province)s::bigint"
_YEAR = "p.birth_year BETWEEN %(low)s::smallint AND %(high)s::smallint"
# (province known, year known) of the candidate, one part each, as in Person.Meta.indexes.
PARTS = ((True, True), (False, True), (True, False), (False, False))


def _name_route(part: tuple[bool, bool], *, province: bool, year: bool) -> str:
    province_known, year_known = part
    where = [
        "p.home_province_id IS NOT NULL" if province_known else "p.home_province_id IS NULL",
        "p.birth_year IS NOT NULL" if year_known else "p.birth_year IS NULL",
        *([_PROVINCE] if province_known and province else []),
        *([_YEAR] if year_known and year else []),
        _SEX, _OTHERS,
    ]
    return (f"SELECT {_COLUMNS} FROM victims_person p WHERE {' AND '.join(where)}\n"  # noqa: S608
            # No tie-break on the id: it would turn the index walk into a sort of the whole block
            # (PostgreSQL 15 does not sort ties of a nearest-neighbour scan incrementally).
            "    ORDER BY p.name_match <-> %(name)s LIMIT %(limit)s")


_PAPER_ROUTE = (f"SELECT {_COLUMNS} FROM victims_person p WHERE p.id_paper_key = %(paper)s AND {_OTHERS}\n"  # noqa: S608
                "    ORDER BY p.id LIMIT %(limit)s")


def _candidates_sql(*, paper: bool, name: bool, province: bool, year: bool) -> str:
    # Only constant fragments; every value is a parameter.
    routes = [_PAPER_ROUTE] if paper else []
    if name:
        routes += [_name_route(part, province=province, year=year) for part in PARTS]
    union = "\n  UNION\n  ".join(f"({route})" for route in routes)
    return f"""
SELECT c.id, c.name_match, c.id_paper_key, c.sex, c.birth_year, c.home_province_id, c.sim
FROM (
  {union}
) c
WHERE c.sim >= %(threshold)s OR (%(paper)s <> '' AND c.id_paper_key = %(paper)s)
ORDER BY (%(paper)s <> '' AND c.id_paper_key = %(paper)s) DESC, c.sim DESC, c.id
LIMIT %(limit)s
"""  # noqa: S608


def _params(query: Query) -> dict:
    year = query.birth_year
    return {
        "name": match_name(query.full_name), "paper": paper_key(query.id_paper_number),
        "year": year, "low": (year or 0) - 1, "high": (year or 0) + 1, "sex": query.sex or "unknown",
        "province": query.home_province_id, "me": query.person_id or 0, "limit": SQL_LIMIT,
        "threshold": SIMILARITY_THRESHOLD,
    }


def candidate_sql(query: Query) -> tuple[str, dict]:
    params = _params(query)
    sql = _candidates_sql(paper=bool(params["paper"]), name=bool(params["name"]),
                          province=bool(query.home_province_id), year=bool(query.birth_year))
    return sql, params


def candidate_rows(query: Query) -> list[tuple]:
    """The raw candidate rows from PostgreSQL (at most SQL_LIMIT), in one statement."""
    sql, params = candidate_sql(query)
    if not params["name"] and not params["paper"]:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def find_matches(query: Query, limit: int = RESULT_LIMIT) -> list[Match]:
    """Possible duplicates of `query` across all agencies, best first: ids, scores and reasons.

    Internal: the caller must not show these to an actor as they are (see duplicates_for).
    """
    name = match_name(query.full_name)
    paper = paper_key(query.id_paper_number)
    matches = []
    for pk, other_name, other_paper, sex, year, province, sim in candidate_rows(query):
        reasons, score = [], 0.0
        same_paper = bool(paper) and other_paper == paper
        relation = name_relation(name, other_name)
        if same_paper:
            reasons.append("same_paper")
        if relation:
            reasons.append(relation)
        elif not same_paper:
            continue  # similar letters, different names ("Nguyễn Thị Hoa" and "Nguyễn Thị Hồng")
        if query.birth_year and year:
            if year == query.birth_year:
                reasons.append("birth_year")
            elif abs(year - query.birth_year) == 1:
                reasons.append("birth_year_near")
        if query.sex not in ("", "unknown") and sex == query.sex:
            reasons.append("sex")
        if query.home_province_id and province == query.home_province_id:
            reasons.append("home_province")
        score = (
            (60 if same_paper else 0)
            + {"same_name": 40, "similar_name": 30}.get(relation, 0) * (1 if not same_paper else 0.5)
            + 10 * float(sim)
            + {"birth_year": 15, "birth_year_near": 8}.get(next((r for r in reasons if r.startswith("birth")), ""), 0)
            + (10 if "sex" in reasons else 0) + (10 if "home_province" in reasons else 0)
        )
        matches.append(Match(person_id=pk, score=min(100, round(score)), reasons=tuple(reasons)))
    matches.sort(key=lambda m: (-m.score, m.person_id))
    return matches[:limit]
