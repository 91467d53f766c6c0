"""The words generated records are made of: topics, subjects, offices, courts, the people in the
emails and the sentences of their text; and the mixes of jurisdictions and statuses a tracker a
few years in holds."""

from __future__ import annotations

import random

from requests_app.workflow import RequestStatus

S = RequestStatus

TOPIC_NAMES = (
    "Face recognition",
    "Biometrics",
    "Immigration enforcement",
    "Surveillance technology",
    "Police misconduct",
    "Prisons and jails",
    "Voting rights",
    "Government contracts",
    "Data retention",
    "Drones",
)
SUBJECTS = (
    "face recognition",
    "biometric data collection",
    "cell-site simulators",
    "automated license plate readers",
    "social media monitoring",
    "body-worn camera footage policies",
    "use-of-force reports",
    "immigration detainers",
    "contracts with facial recognition vendors",
    "drone surveillance",
    "predictive policing software",
    "fusion center bulletins",
    "solitary confinement data",
    "airport biometric exit",
    "gang database criteria",
)
STATE_OFFICES = (
    "State Police",
    "Department of Correction",
    "Office of the Attorney General",
    "Department of Transportation",
    "Department of Public Health",
    "Office of the Governor",
)
STATE_NAMES = {
    "US-MA": "Massachusetts",
    "US-CA": "California",
    "US-NY": "New York",
    "US-IL": "Illinois",
    "US-TX": "Texas",
    "US-WA": "Washington",
    "US-FL": "Florida",
}
# Requests across jurisdictions: mostly federal, as for a national organisation.
JURISDICTION_WEIGHTS = {
    "US": 70,
    "US-MA": 6,
    "US-CA": 6,
    "US-NY": 5,
    "US-IL": 4,
    "US-TX": 4,
    "US-WA": 3,
    "US-FL": 2,
}
# The status mix of a tracker a few years in: most requests determined or closed.
STATUS_WEIGHTS = {
    S.DRAFT: 2,
    S.SUBMITTED: 5,
    S.ACKNOWLEDGED: 5,
    S.PROCESSING: 13,
    S.TOLLED: 2,
    S.PARTIALLY_RELEASED: 12,
    S.RELEASED_IN_FULL: 9,
    S.DENIED: 6,
    S.NO_RECORDS: 8,
    S.WITHDRAWN: 4,
    S.APPEALED: 3,
    S.APPEAL_DECIDED: 3,
    S.IN_LITIGATION: 5,
    S.CLOSED: 23,
}
PENDING_STATUSES = {S.SUBMITTED, S.ACKNOWLEDGED, S.PROCESSING, S.TOLLED}
APPEAL_STATUSES = {S.APPEALED, S.APPEAL_DECIDED}
PEOPLE = (
    ("Jennifer Alvarez", "jennifer.alvarez@dea.gov"),
    ("Michael Okafor", "michael.okafor@dea.gov"),
    ("Karen Whitfield", "karen.whitfield@dea.gov"),
    ("David Brennan", "david.brennan@fbi.gov"),
    ("Luis Hernández", "luis.hernandez@ice.dhs.gov"),
    ("Angela Park", "angela.park@usdoj.gov"),
    ("Thomas Reilly", "thomas.reilly@usdoj.gov"),
    ("Samantha Cho", "samantha.cho@fbi.gov"),
    ("Brian Keller", "bkeller@microsoft.com"),
    ("Priya Raman", "priya.raman@microsoft.com"),
    ("Robert Nguyen", "robert.nguyen@ice.dhs.gov"),
    ("Patricia Gómez", "patricia.gomez@cbp.dhs.gov"),
    ("Mark Sullivan", "msullivan@amazon.com"),
    ("Ethan Brooks", "ethan.brooks@leidos.com"),
    ("Jörg Bauer", "joerg.bauer@idemia.com"),
    ("Grace Liu", "grace.liu@state.ma.us"),
    ("Nadia Farouk", "nadia.farouk@usdoj.gov"),
    ("Olivia Martin", "olivia.martin@nec.com"),
    ("DEA FOIA Unit", "foia@dea.gov"),
    ("Records Access Officer", "records@state.ny.us"),
)
WORDS = {
    "thing": ("prototype", "pilot", "proof of concept", "matcher", "dashboard", "gallery"),
    "place": ("Reston", "Quantico", "El Paso", "Miami", "Chicago", "Boston", "Seattle", "Newark"),
    "vendor": ("Microsoft", "Amazon", "Leidos", "IDEMIA", "NEC", "Clearview", "Palantir"),
    "dataset": ("booking photos", "driver's license photos", "passport photos", "the NCIC gallery"),
    "doc": ("statement of work", "privacy impact assessment", "test plan", "briefing slides"),
    "noun": ("schedule", "spreadsheet", "agenda", "draft", "tracker", "minutes", "memo", "roster"),
    "month": ("January", "March", "May", "June", "September", "October", "November", "December"),
}
SENTENCES = (
    "The face recognition {thing} in {place} is on track for the {month} review.",
    "{vendor} confirmed that the {thing} can run against {dataset} without a copy leaving us.",
    "We will demo the {thing} at the {place} facility next week; the meeting is confirmed.",
    "Legal has not yet cleared the use of {dataset}; a privacy impact assessment comes first.",
    "We still need a decision on retention: how long do probe images stay in the gallery?",
    "Please review the {doc} before the meeting and send comments by Friday.",
    "The {noun} was updated and is on the shared drive.",
    "The contracting officer needs the signed {doc} before the licences can be renewed.",
    "Candidates returned by the matcher are leads only, never positive identification.",
    "This message is pre-decisional and deliberative; do not forward outside the agency.",
    "The {place} field office asked whether the results can be shared with local partners.",
    "Attached are the {doc} and the {noun} from the last meeting.",
    "Thanks, see you at the meeting on {month} 12.",
    "The El Paso Intelligence Center holdings are out of scope for the {thing}.",
    "A subpoena for the vendor's records was discussed but not issued.",
    "Rekognition and Hemisphere came up only as comparisons; Vigilant sent a brochure.",
)
REDACTION_CODES = ("b5", "b6", "b7C", "b7E")
COURTS = (
    "U.S. District Court, D. Mass.",
    "U.S. District Court, D.D.C.",
    "U.S. District Court, S.D.N.Y.",
    "U.S. District Court, N.D. Cal.",
    "U.S. District Court, N.D. Ill.",
    "U.S. District Court, W.D. Wash.",
)


def fill(template: str, rng: random.Random) -> str:
    """The template with each {slot} replaced by one of WORDS[slot]."""
    out = template
    while "{" in out:
        start = out.index("{")
        end = out.index("}", start)
        out = out[:start] + rng.choice(WORDS[out[start + 1 : end]]) + out[end + 1 :]
    return out
