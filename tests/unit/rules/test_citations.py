"""Everything the code cites can be looked up in the repository's own docs/.

Scans ehcp/, cli/, workflows/ and calendars/ (code, docstrings, output strings), the README and docs/
for rule ids (R-...),
counting conventions (C-...), policy questions (Q..), worked-example ids (G..), and for every
reference to statutory-timescales.md, contract.md, sen2.md or statutory-examples.json (tests/ too):
each must resolve to a file in the repository and, where a section number follows, to a heading of it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs"
CODE_DIRS = ("ehcp", "cli", "workflows", "calendars")

RULE_ID = re.compile(r"\bR-[A-Z0-9]+(?:-[A-Z0-9]+)*-?")
CONVENTION = re.compile(r"\bC-[A-Z0-9]+(?:-[A-Z0-9]+)*")
QUESTION = re.compile(r"\bQ([0-9]{1,2})\b")
EXAMPLE = re.compile(r"\bG[0-9]{2}\b")
DOC_REF = re.compile(r"(?P<path>[\w./-]*?)(?P<name>statutory-timescales\.md|contract\.md|sen2\.md"
                     r"|statutory-examples\.json)(?=(?P<tail>[^\n]{0,24}))")
SECTION = re.compile(r"^[\s,'\"]*(?:sections?|s\.|§)?\s*(?P<number>\d+(?:\.\d+)?)(?!\d)")
HEADING = re.compile(r"^#+ (\d+(?:\.\d+)?)[. ]", re.MULTILINE)


def _sources(dirs=CODE_DIRS) -> dict[str, str]:
    """The Python files under ``dirs`` (this test's own examples aside), the README and docs/*.md."""
    paths = [path for d in dirs for path in sorted((ROOT / d).rglob("*.py")) if path.name != Path(__file__).name]
    paths += [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    return {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8") for path in paths}


def _found(pattern: re.Pattern, dirs=CODE_DIRS) -> dict[str, set[str]]:
    """Each match -> the files citing it."""
    out: dict[str, set[str]] = {}
    for name, text in _sources(dirs).items():
        for match in pattern.finditer(text):
            out.setdefault(match.group(0), set()).add(name)
    return out


def _doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def test_every_cited_rule_id_is_documented_in_rules_md():
    documented = set(re.findall(r"^## (R-\S+)$", _doc("rules.md"), re.MULTILINE))
    missing = {ref: files for ref, files in _found(RULE_ID).items()
               if not (ref in documented or (ref.endswith("-") and any(d.startswith(ref) for d in documented)))}
    assert not missing, f"rule ids cited but not in docs/rules.md: {missing}"


def test_every_cited_counting_convention_is_documented():
    documented = set(re.findall(r"^\| (C-[A-Z-]+) \|", _doc("statutory-timescales.md"), re.MULTILINE))
    missing = {ref: files for ref, files in _found(CONVENTION).items() if ref not in documented}
    assert not missing, f"conventions cited but not in docs/statutory-timescales.md section 0: {missing}"


def test_every_cited_policy_question_is_documented_in_policies_md():
    documented = set(re.findall(r"^## (Q\d+)$", _doc("policies.md"), re.MULTILINE))
    missing = {ref: files for ref, files in _found(QUESTION).items() if ref not in documented}
    assert not missing, f"policy questions cited but not in docs/policies.md: {missing}"


def test_every_cited_worked_example_is_documented():
    documented = set(re.findall(r"^\| (G\d\d) \|", _doc("worked-examples.md"), re.MULTILINE))
    missing = {ref: files for ref, files in _found(EXAMPLE, (*CODE_DIRS, "tests")).items()
               if ref not in documented}
    assert not missing, f"worked examples cited but not in docs/worked-examples.md: {missing}"


def _references():
    for name, text in _sources((*CODE_DIRS, "tests")).items():
        for match in DOC_REF.finditer(text):
            yield name, match


@pytest.mark.parametrize("source,match", [pytest.param(n, m, id=f"{n}:{m.group(0)}{m.group('tail')}")
                                          for n, m in _references()])
def test_document_reference_resolves_to_a_file_and_section_in_the_repo(source, match):
    path = match.group("path")
    target = (ROOT / path / match.group("name")) if "/" in path else DOCS / match.group("name")
    assert target.is_file(), f"{source} cites {match.group(0)!r}: no such file in the repository"
    section = SECTION.match(match.group("tail"))
    if section and target.suffix == ".md":
        headings = set(HEADING.findall(target.read_text(encoding="utf-8")))
        assert section.group("number") in headings, \
            f"{source} cites section {section.group('number')} of {target.relative_to(ROOT)}, which has none"


def test_the_reference_pattern_sees_the_forms_the_code_uses():
    refs = list(DOC_REF.finditer("x (docs sen2.md section 3) and shared/docs/sen2.md s.4-5, "
                                 "statutory-timescales.md 6.4; statutory-examples.json"))
    assert [(m.group("path"), m.group("name")) for m in refs] == [
        ("", "sen2.md"), ("shared/docs/", "sen2.md"), ("", "statutory-timescales.md"), ("", "statutory-examples.json")]
    assert [SECTION.match(m.group("tail")).group("number") for m in refs[:3]] == ["3", "4", "6.4"]
