"""The SEN2 person items a child record holds besides names, date of birth and UPN - sex, ethnicity,
postcode, ULN (SEN2 module 1, items 1.4-1.7b) - checked against the code lists of the collection year
in which they are recorded. Used by ``case new``, ``import cases`` and the SEN2 data commands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ehcp.sen2 import codes
from ehcp.services.errors import Refused


def collection_year(today: date) -> int:
    """The collection year whose code lists apply to data recorded on ``today``: the next census's."""
    census = codes.CENSUS_DATES.get(today.year)
    year = today.year if census is not None and today <= census else today.year + 1
    return min(max(year, codes.FIRST_YEAR), codes.LAST_YEAR)


def year_code(value: str | None, name: str, what: str, today: date) -> str | None:
    """``value`` upper-cased if it is in the code list ``name`` of the collection year of ``today``."""
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    year = collection_year(today)
    allowed = codes.codes(name, year)
    if code not in allowed:
        shown = ", ".join(allowed) if len(allowed) <= 12 else ", ".join(list(allowed)[:6]) + ", ... (CBDS list)"
        raise Refused(f"unknown {what} {value!r} for the {year} SEN2 return; codes are {shown}")
    return code


POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})")


@dataclass(frozen=True)
class PersonItems:
    """The SEN2 person items the child record holds besides names, date of birth and UPN."""

    sex: str | None = None
    ethnicity: str | None = None
    postcode: str | None = None
    uln: str | None = None


def checked_person_items(items: PersonItems, today: date) -> PersonItems:
    """The items normalised (codes upper-case, postcode ``AB1 2CD``). Raises Refused for a sex or
    ethnicity not in the collection year's code list, a malformed postcode or a ULN not of 10 digits."""
    postcode = None
    if items.postcode and items.postcode.strip():
        found = POSTCODE.fullmatch(items.postcode.strip().upper())
        if found is None:
            raise Refused(f"postcode {items.postcode!r} is not a UK postcode (e.g. AB1 2CD)")
        postcode = f"{found.group(1)} {found.group(2)}"
    return PersonItems(sex=year_code(items.sex, "sex", "sex", today),
                       ethnicity=year_code(items.ethnicity, "ethnicity", "ethnicity code", today),
                       postcode=postcode, uln=digits(items.uln or None, "ULN", 10))


def digits(value: str | None, what: str, length: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not (value.isdigit() and len(value) == length):
        raise Refused(f"{what} {value!r} must be {length} digits")
    return value
