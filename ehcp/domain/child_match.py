"""Is this the same child? Names compared as a caseworker reads them, not byte for byte.

A name is folded before comparing: accents dropped (Unicode decomposition, then the combining marks
removed), case folded, spaces and hyphens collapsed, so "Zoë O'Brien" and "zoe o'brien" are one name.
A near match (the same date of birth and a folded name within ``NEAR`` edits, or the same UPN) is
probably a typing slip for a child already on file: a second case is opened only when the caseworker
says so (``--force``, audited).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

NEAR = 2  # edits (insert, delete, substitute) that still read as the same name mistyped


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
    """Levenshtein distance: the fewest single-character inserts, deletes and substitutions."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def same_child(new: Person, known: Person) -> bool:
    """The same folded name and date of birth, or the same UPN."""
    if new.upn and known.upn and new.upn.strip().upper() == known.upn.strip().upper():
        return True
    return new.dob == known.dob and full_name(new) == full_name(known)


def near_child(new: Person, known: Person) -> bool:
    """Not the same child by :func:`same_child`, but the same date of birth and a name within
    ``NEAR`` edits (a slip of the keyboard, a dropped letter)."""
    return (new.dob == known.dob and not same_child(new, known)
            and edit_distance(full_name(new), full_name(known)) <= NEAR)
