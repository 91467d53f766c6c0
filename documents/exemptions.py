"""The federal FOIA exemptions, 5 U.S.C. 552(b)(1)-(9) with the (b)(7) sub-parts (A)-(F).

Migration 0003 seeds them, and so does the test suite after a transactional test empties the
database; both call `federal_exemptions_seed`, so the rows cannot drift apart.

Because migration 0003 runs this code, what it inserts is history: change a row here only
with a new migration that makes the same change in existing databases, and never give the seed a
field the historical model of 0003 does not have.
"""

from __future__ import annotations

import re

from django.apps.registry import Apps

# (code, description, subsection of 5 U.S.C. 552), in the order migration 0003 inserts them.
FEDERAL_EXEMPTIONS: tuple[tuple[str, str, str], ...] = (
    ("b1", "Classified national defense or foreign policy information", "552(b)(1)"),
    ("b2", "Internal personnel rules and practices", "552(b)(2)"),
    ("b3", "Information exempted by another statute", "552(b)(3)"),
    ("b4", "Trade secrets and confidential commercial or financial information", "552(b)(4)"),
    (
        "b5",
        "Privileged inter- or intra-agency memoranda (deliberative process, attorney work"
        " product, attorney-client)",
        "552(b)(5)",
    ),
    (
        "b6",
        "Personnel, medical and similar files: clearly unwarranted invasion of personal privacy",
        "552(b)(6)",
    ),
    ("b7", "Records compiled for law enforcement purposes", "552(b)(7)"),
    (
        "b7A",
        "Could reasonably be expected to interfere with enforcement proceedings",
        "552(b)(7)(A)",
    ),
    (
        "b7B",
        "Would deprive a person of a right to a fair trial or impartial adjudication",
        "552(b)(7)(B)",
    ),
    (
        "b7C",
        "Could reasonably be expected to be an unwarranted invasion of personal privacy",
        "552(b)(7)(C)",
    ),
    ("b7D", "Could reasonably be expected to disclose a confidential source", "552(b)(7)(D)"),
    (
        "b7E",
        "Would disclose techniques, procedures or guidelines for law enforcement investigations",
        "552(b)(7)(E)",
    ),
    (
        "b7F",
        "Could reasonably be expected to endanger the life or physical safety of any individual",
        "552(b)(7)(F)",
    ),
    ("b8", "Reports of agencies that regulate financial institutions", "552(b)(8)"),
    ("b9", "Geological and geophysical information concerning wells", "552(b)(9)"),
)


def federal_exemptions_seed(apps: Apps) -> None:
    """Create or update every federal exemption above under the `US` jurisdiction (idempotent).

    The `US` jurisdiction must exist (`requests_app.jurisdictions.jurisdictions_seed`). `apps` is
    the registry to take the models from: a migration's historical registry, or
    `django.apps.apps` at run time; the models are never imported.
    """
    Jurisdiction = apps.get_model("requests_app", "Jurisdiction")
    Exemption = apps.get_model("documents", "Exemption")
    us = Jurisdiction.objects.get(code="US")
    for code, description, subsection in FEDERAL_EXEMPTIONS:
        Exemption.objects.update_or_create(
            jurisdiction=us,
            code=code,
            defaults={"description": description, "citation": f"5 U.S.C. {subsection}"},
        )


# How people write a federal exemption: "b7C", "b7(C)", "(b)(7)(C)", "b(7)(c)", "B 7 C",
# "Exemption 7(C)", "552(b)(7)(C)", "5 U.S.C. 552(b)(7)(C)", "b5", "(b)(5)". A "b" or the word
# "exemption" must be there: a bare "7" or "5" is a search word, not a code.
_SPELLING = re.compile(
    r"""
    (?:5\s*U\.?\s*S\.?\s*C\.?\s*)?(?:§\s*)?(?:552\s*)?   # 5 U.S.C. 552
    (?:\(\s*b\s*\)|b|exemption\s*(?:\(\s*b\s*\)|b)?)       # (b), b, Exemption
    \s*\(?\s*([1-9])\s*\)?                                    # 7, (7)
    \s*(?:\(\s*([a-f])\s*\)|([a-f]))?                           # C, (C)
    """,
    re.IGNORECASE | re.VERBOSE,
)


def exemption_code(text: str) -> str:
    """The exemption code ``text`` spells, as the codes are stored ("b7C" for "b7(C)",
    "(b)(7)(C)" or "Exemption 7(C)"; "b5" for "(b)(5)"), or ``text`` stripped when it spells no
    federal exemption (a state's own code is matched as typed). Every search by exemption code
    reads its input through this."""
    stripped = text.strip()
    spelled = _SPELLING.fullmatch(stripped)
    if spelled is None:
        return stripped
    number, part = spelled.group(1), spelled.group(2) or spelled.group(3) or ""
    return f"b{number}{part.upper()}"
