"""The jurisdictions whose deadline rules foiatracker knows (docs/design.md, "Deadline rules").

Migration 0002 seeds them, and so does the test suite after a transactional test empties the
database; both call `jurisdictions_seed`, so the rows cannot drift apart.

Because migration 0002 runs this code, what it inserts is history: change a row here only
with a new migration that makes the same change in existing databases, and never give the seed a
field the historical model of 0002 does not have.
"""

from __future__ import annotations

from django.apps.registry import Apps

# (code, name, level, law name, law citation), in the order migration 0002 inserts them.
JURISDICTIONS: tuple[tuple[str, str, str, str, str], ...] = (
    ("US", "United States (federal)", "federal", "Freedom of Information Act", "5 U.S.C. 552"),
    (
        "US-CA",
        "California",
        "state",
        "California Public Records Act",
        "Cal. Gov. Code §7920.000 et seq.",
    ),
    ("US-FL", "Florida", "state", "Florida Public Records Act", "Fla. Stat. ch. 119"),
    ("US-IL", "Illinois", "state", "Illinois Freedom of Information Act", "5 ILCS 140"),
    (
        "US-MA",
        "Massachusetts",
        "state",
        "Massachusetts Public Records Law",
        "G.L. c.66 §10; G.L. c.4 §7(26)",
    ),
    (
        "US-NY",
        "New York",
        "state",
        "Freedom of Information Law",
        "N.Y. Public Officers Law §§84-90",
    ),
    ("US-TX", "Texas", "state", "Texas Public Information Act", "Tex. Gov't Code ch. 552"),
    ("US-WA", "Washington", "state", "Public Records Act", "RCW 42.56"),
)


def jurisdictions_seed(apps: Apps) -> None:
    """Create or update every jurisdiction above (idempotent).

    `apps` is the registry to take the model from: a migration's historical registry, or
    `django.apps.apps` at run time. The model is never imported, so a migration that calls this
    keeps working with the fields it knew.
    """
    Jurisdiction = apps.get_model("requests_app", "Jurisdiction")
    for code, name, level, law_name, citation in JURISDICTIONS:
        Jurisdiction.objects.update_or_create(
            code=code,
            defaults={"name": name, "level": level, "law_name": law_name, "law_citation": citation},
        )
