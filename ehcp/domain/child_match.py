"""Is this the same child? Names compared as a caseworker reads them, not byte for byte.

A name is folded before comparing: accents dropped (Unicode decomposition, then the combining marks
removed), case folded, spaces and hyphens collapsed, so "Zoë O'Brien" and "zoe o'brien" are one name.
The same UPN is the same child whatever the name. A near match (the same date of birth and a folded
name a slip away, see :func:`slips_allowed`, or given and family names swapped) is probably a typing
slip for a child already on file: a second case is opened only when the caseworker says so
(``--force``, audited).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Person:
    """Who a child is, as the match reads it."""

    given_name: str
    family_name: str
    dob: date
    upn: str | None = None


def fold(name: str) -> str:
    """The name as compared: no accents, case folded, one space between words, hyphens as spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().replace("-", " ").split())


def full_name(person: Person) -> str:
    return fold(f"{person.given_name} {person.family_name}")


def edit_distance(a: str, b: str) -> int:
    """Edits from ``a`` to ``b``: single-character inserts, deletes, substitutions and swaps of two
    neighbours (optimal string alignment: "Aelx" is one slip from "Alex", not two)."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            best = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, rows[-2][j - 2] + 1)
            row.append(best)
        rows.append(row)
    return rows[-1][-1]


def slips_allowed(name: str) -> int:
    """How many edits still read as the same name: none for a name of three letters or fewer (twins
    and triplets share a date of birth, and "Jo" and "Joy", "Sam" and "Sky" are different children),
    one, two for a long name (12 letters or more)."""
    return 0 if len(name) <= 3 else 2 if len(name) >= 12 else 1


def _near(a: str, b: str) -> bool:
    """A slip away, unless the digits differ: "Baby1" and "Baby2" (placeholder names for twins not
    yet named) are numbered apart on purpose."""
    if [c for c in a if c.isdigit()] != [c for c in b if c.isdigit()]:
        return False
    return edit_distance(a, b) <= slips_allowed(min(a, b, key=len))


def same_child(new: Person, known: Person) -> bool:
    """The same folded name and date of birth, or the same UPN."""
    if new.upn and known.upn and new.upn.strip().upper() == known.upn.strip().upper():
        return True
    return new.dob == known.dob and full_name(new) == full_name(known)


def near_child(new: Person, known: Person) -> bool:
    """Not the same child by :func:`same_child`, but the same date of birth and one of the names a
    slip of the keyboard away (a dropped or swapped letter) with the other the same, or the given
    and family names swapped."""
    if new.dob != known.dob or same_child(new, known):
        return False
    given, family = fold(new.given_name), fold(new.family_name)
    known_given, known_family = fold(known.given_name), fold(known.family_name)
    if (given, family) == (known_family, known_given):  # given and family names swapped
        return True
    return ((given == known_given and _near(family, known_family))
            or (family == known_family and _near(given, known_given)))
