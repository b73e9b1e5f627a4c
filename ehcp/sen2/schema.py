"""Validate a SEN2 XML file against an XSD (the DfE publishes its schema with the technical
specification; the user points at the file they downloaded) with ``xmlschema``, each error as a
check finding: the person's case reference, the item, the schema's reason and a fix hint.

``xmlschema`` reads the file lazily (one Person subtree at a time), so a national return is checked
in flat memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import xmlschema

from ehcp.sen2.checks import Finding

_PERSON = re.compile(r"/Persons/Person(?:\[(\d+)\])?")
_EXPECTED = re.compile(r"Tag '?\(?'?(\w+)")
HINTS = {
    "Sex": "record the child's sex (M or F) on the child record",
    "Ethnicity": "record the child's ethnicity (CBDS code; REFU or NOBT when refused or not known)",
    "UPN": "correct the UPN (a letter, 11 digits, a digit or letter)",
    "UniqueLearnerNumber": "correct the ULN on the child record",
    "DMO": "set sen2_dmo in ehcp.toml or EHCP_SEN2_DMO (Y, N or R)",
    "DCO": "set sen2_dco in ehcp.toml or EHCP_SEN2_DCO (Y, N or R)",
    "DSCO": "set sen2_dsco in ehcp.toml or EHCP_SEN2_DSCO (Y, N or R)",
    "PlacementRank": "record placements as rank 1 (main) or 2 only: ehcp sen2 placement REF --rank 1|2",
    "SENneed": "keep a primary and at most one secondary need: ehcp sen2 need REF --primary T [--secondary T]",
    "TransferLA": "give the LA number: ehcp sen2 plan REF --transfer-la NNN",
    "Exported": "give the LA number: ehcp sen2 plan REF --exported-la NNN",
}


def schema_findings(xml_file: Path, xsd_file: Path, references: list[str]) -> Iterator[Finding]:
    """Every schema error in ``xml_file``; ``references[i]`` names the case of the (i+1)th Person."""
    schema = xmlschema.XMLSchema(str(xsd_file))
    resource = xmlschema.XMLResource(str(xml_file), lazy=True)
    for error in schema.iter_errors(resource):
        path = error.path or ""
        found = _PERSON.search(path)
        index = int(found.group(1) or 1) if found else None
        reference = references[index - 1] if index and index <= len(references) else "-"
        item = path.rsplit("/", 1)[-1].split("[")[0] or "Message"
        reason = (error.reason or str(error)).strip()
        expected = _EXPECTED.search(reason)
        if expected and "expected" in reason:
            item = expected.group(1)
        yield Finding(reference, "schema", item, f"{path}: {reason}",
                      HINTS.get(item, f"correct {item} as the schema requires ({xsd_file.name})"))
