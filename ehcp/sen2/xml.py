"""Write the SEN2 person-level XML from the extract's persons, one ``Person`` at a time (a national-
scale return is never held in memory), in the element names and order of the collection year
(ehcp.sen2.layout).

Decisions on sen2.md's [gap] markers:
* Names and order: the community schemas of each year (layout.py); no namespace.
* Booleans: ``1``/``0``. Dates ISO ``YYYY-MM-DD``; ``DateTime`` ``YYYY-MM-DDThh:mm:ss``; ``SerialNo``
  three digits.
* Blank items are omitted rather than written as empty elements (e.g. RequestOutcomeDate for A/W/H,
  AssessmentOutcomeDate while a plan is pending, a PostCode not recorded).
* Header DMO/DCO (and DSCO from 2026, when it became compulsory; written in 2025 when set) come from
  the settings ``sen2_dmo``, ``sen2_dco``, ``sen2_dsco`` (Y, N or R): the caller refuses without them.
* AssessmentOutcome ``S`` (8, Q3): never produced; a plan made after another LA's assessment arrives
  as a transfer in and is recorded H.
* ULN: written as recorded, 10 digits (CBDS). The community 2025/2026 schemas' pattern says 8 digits
  (a known defect, shared/sen2-schema/README.md); the DfE XSD decides.
* Limits: at most two PlanDetail (the schema's maximum; the main placement first) and two SENneed are
  written; ``ehcp sen2 check`` reports the records beyond them, and input refuses them.
* StartDate is the first plan's issue (or transfer-in) date, so "new plans" count by first issue.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from ehcp.sen2 import codes
from ehcp.sen2.extract import Item, PersonReturn
from ehcp.sen2.layout import Layout, layout

SOFTWARE = "ehcp"
INDENT = "  "


@dataclass(frozen=True)
class Header:
    """The return's header: who sends it, when, and the LA-level officer items (Y, N or R)."""

    year: int
    census: date
    lea: str
    made_at: datetime
    dmo: str
    dco: str
    dsco: str | None = None
    release: str = "1"
    serial: int = 1


def _text(value: Any) -> str | None:
    if isinstance(value, Item):
        value = value.value
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _add(parent: ET.Element, name: str, value: Any) -> None:
    text = _text(value)
    if text is not None:
        ET.SubElement(parent, name).text = text


def header_element(h: Header) -> ET.Element:
    lay = layout(h.year)
    header = ET.Element("Header")
    details = ET.SubElement(header, "CollectionDetails")
    _add(details, "Collection", "SEN2")
    _add(details, "Year", h.year)
    _add(details, "ReferenceDate", h.census)
    source = ET.SubElement(header, "Source")
    values = {"SourceLevel": "L", "LEA": h.lea, "SoftwareCode": SOFTWARE, "Release": h.release,
              "SerialNo": f"{h.serial:03d}", "DateTime": h.made_at, "DMO": h.dmo, "DCO": h.dco, "DSCO": h.dsco}
    for name in lay.source:
        _add(source, name, values[name])
    return header


def person_element(p: PersonReturn, lay: Layout) -> ET.Element:
    person = ET.Element("Person")
    for name in lay.person:
        _add(person, name, p.person.get("Sex" if name == "GenderCurrent" else name))
    for r in p.requests:
        request = ET.SubElement(person, "Requests")
        for name in lay.request:
            _add(request, name, r.request.get(name))
        if r.assessment is not None:
            assessment = ET.SubElement(request, "Assessment")
            for name in lay.assessment:
                _add(assessment, name, r.assessment.get(name))
            if r.plan is not None:
                _plan(ET.SubElement(assessment, "NamedPlan"), r, lay)
        if r.active is not None:
            _active(ET.SubElement(request, "ActivePlans"), r, lay)
    return person


def _plan(plan: ET.Element, r: Any, lay: Layout) -> None:
    details = sorted(r.plan_details, key=lambda d: d["PlacementRank"])[:2]
    for name in lay.plan:
        if name == "PlanDetail":
            for d in details:
                _row(ET.SubElement(plan, "PlanDetail"), d, lay.detail)
        else:
            _add(plan, name, r.plan.get(name))


def _active(active: ET.Element, r: Any, lay: Layout) -> None:
    main: dict[str, Any] = next((p for p in r.placements if p["PlacementRank"] == 1), {})
    for name in lay.active:
        if name == "PlacementDetail":
            for d in r.placements:
                _row(ET.SubElement(active, "PlacementDetail"), d, lay.placement)
        elif name == "SENneed":
            for n in [n for n in r.needs if n["SENtypeRank"] <= codes.MAX_NEEDS][:codes.MAX_NEEDS]:
                _row(ET.SubElement(active, "SENneed"), n, lay.need)
        elif name in ("Res", "WBP"):  # 2023: on ActivePlans, from the main placement
            _add(active, name, main.get(name))
        else:
            _add(active, name, r.active.get(name))


def _row(parent: ET.Element, row: dict, order: tuple[str, ...]) -> None:
    for name in order:
        _add(parent, name, row.get(name))


def write(persons: Iterable[PersonReturn], out: IO[bytes], header: Header) -> int:
    """Write the return to the binary stream ``out`` (UTF-8, declaration, indented), one person at a
    time; returns the number of persons written."""
    lay = layout(header.year)
    out.write(b"<?xml version='1.0' encoding='utf-8'?>\n<Message>\n")
    head = header_element(header)
    ET.indent(head, space=INDENT, level=1)
    out.write(INDENT.encode() + ET.tostring(head, encoding="utf-8", xml_declaration=False) + b"\n")
    count = 0
    for p in persons:
        if count == 0:
            out.write(INDENT.encode() + b"<Persons>\n")
        element = person_element(p, lay)
        ET.indent(element, space=INDENT, level=2)
        out.write(INDENT.encode() * 2 + ET.tostring(element, encoding="utf-8", xml_declaration=False) + b"\n")
        count += 1
    if count:
        out.write(INDENT.encode() + b"</Persons>\n")
    out.write(b"</Message>\n")
    return count
