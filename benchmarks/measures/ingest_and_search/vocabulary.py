"""The words of the generated mailbox: its people, topics (each with its subjects and sentences),
the filler every mailbox is mostly made of, rare terms, and the non-ASCII subjects and bodies."""

from __future__ import annotations

from dataclasses import dataclass

PEOPLE: tuple[tuple[str, str], ...] = (
    ("Jennifer Alvarez", "jennifer.alvarez@dea.gov"),
    ("Michael Okafor", "michael.okafor@dea.gov"),
    ("Karen Whitfield", "karen.whitfield@dea.gov"),
    ("David Brennan", "david.brennan@dea.gov"),
    ("Luis Hernández", "luis.hernandez@dea.gov"),
    ("Angela Park", "angela.park@usdoj.gov"),
    ("Thomas Reilly", "thomas.reilly@usdoj.gov"),
    ("Samantha Cho", "samantha.cho@fbi.gov"),
    ("Brian Keller", "bkeller@microsoft.com"),
    ("Priya Raman", "priya.raman@microsoft.com"),
    ("Robert Nguyen", "robert.nguyen@ice.dhs.gov"),
    ("Patricia Gómez", "patricia.gomez@cbp.dhs.gov"),
    ("Chloé Dubois", "chloe.dubois@microsoft.com"),
    ("Mark Sullivan", "msullivan@amazon.com"),
    ("Ethan Brooks", "ethan.brooks@leidos.com"),
    ("Rachel Stein", "rstein@boozallen.com"),
    ("Jörg Bauer", "joerg.bauer@idemia.com"),
    ("Grace Liu", "grace.liu@dea.gov"),
    ("Steven Clark", "steven.clark@dea.gov"),
    ("Heather Moss", "heather.moss@dea.gov"),
    ("Kevin O'Brien", "kevin.obrien@dea.gov"),
    ("Nadia Farouk", "nadia.farouk@usdoj.gov"),
    ("Carlos Medina", "carlos.medina@dea.gov"),
    ("Olivia Martin", "olivia.martin@nec.com"),
    ("Daniel Yates", "dyates@saic.com"),
    ("Amy Lindqvist", "amy.lindqvist@dea.gov"),
    ("DEA FOIA Unit", "foia@dea.gov"),
    ("", "epic-watch@dea.gov"),
)
#: A few people write most of the mail, as in any real production.
PEOPLE_WEIGHTS = tuple(1 / (rank + 1) ** 0.8 for rank in range(len(PEOPLE)))


def one_of(choices: str) -> tuple[str, ...]:
    return tuple(choices.split("|"))


#: Slot values for the templates below ({place}, {vendor}, ...).
WORDS: dict[str, tuple[str, ...]] = {
    "program": one_of(
        "face recognition|facial comparison|biometric matching|image analytics|identity resolution"
    ),
    "thing": one_of("prototype|pilot|proof of concept|matcher|dashboard|API|gallery|workflow"),
    "place": one_of(
        "Reston|Arlington|Quantico|Springfield|Chantilly|El Paso|San Diego|Miami|Houston|Phoenix|"
        "Atlanta|Chicago|Denver|Newark|Detroit|Seattle|Dallas|Los Angeles|New York|Boston"
    ),
    "agency": one_of("the FBI|ICE|CBP|the Criminal Division|OIG|the field division|USMS"),
    "vendor": one_of("Microsoft|Amazon|Leidos|Booz Allen|IDEMIA|NEC|SAIC"),
    "dataset": one_of(
        "booking photos|the NCIC gallery|driver's license photos|passport photos|"
        "surveillance stills|the El Paso Intelligence Center holdings"
    ),
    "doc": one_of(
        "statement of work|privacy impact assessment|test plan|briefing slides|"
        "requirements matrix|draft MOU|budget justification"
    ),
    "office": one_of(
        "Office of Chief Counsel|Office of Investigative Technology|Intelligence Division|"
        "Office of Acquisition Management|Diversion Control Division"
    ),
    "metric": one_of("false match rate|true positive rate|throughput|latency|gallery size"),
    "system": one_of("NADDIS|Concorde|CaseTrack|SharePoint|VPN|Webmail"),
    "course": one_of(
        "records management|privacy awareness|cyber security awareness|ethics|"
        "the No FEAR Act|firearms qualification"
    ),
    "name": one_of("Jen|Mike|Karen|Dave|Luis|Angela|Tom|Sam|Grace|Steve|Heather|Kevin|Carlos"),
    "weekday": one_of("Monday|Tuesday|Wednesday|Thursday|Friday"),
    # Office prose about nothing in particular, which most of any mailbox is.
    "lead": one_of(
        "As discussed,|For what it is worth,|Just so you know,|On a separate note,|Quick update:|"
        "In short,|To be clear,|For now,|Separately,|One more thing:"
    ),
    "verb": one_of(
        "review|finalize|update|circulate|revisit|postpone|approve|double-check|summarize|"
        "reconcile|forward|schedule|rework|print|sign off on"
    ),
    "noun": one_of(
        "schedule|spreadsheet|agenda|timeline|numbers|draft|list|tracker|minutes|calendar invite|"
        "slides|memo|estimate|inventory|roster|summary|handout|checklist|binder|template|"
        "org chart|action items|read-ahead|one-pager"
    ),
    "state": one_of(
        "is ready|was updated|looks fine|needs another pass|is still missing two items|went out|"
        "came back with edits|is on the shared drive|is with the front office|slipped a week"
    ),
    "when": one_of(
        "this week|by Friday|before the holiday|after lunch|first thing tomorrow|later today|"
        "next week|over the weekend|by close of business|before the offsite"
    ),
    "since": one_of(
        "the last meeting|the kickoff|last quarter|the site visit|the offsite|the all-hands|"
        "the budget cycle|the reorganization"
    ),
    "need": one_of(
        "a signature|a second look|final numbers|a cover memo|one more reviewer|a date|"
        "the front office's blessing"
    ),
    "month": one_of(
        "January|February|March|April|May|June|July|August|September|October|November|December"
    ),
}


@dataclass(frozen=True)
class Topic:
    """What a message is about: its subjects and sentences. Real mail keeps to a topic, so a term
    like "prototype" is in some of the documents, not in all of them."""

    weight: float
    subjects: tuple[str, ...]
    sentences: tuple[str, ...]


TOPICS: dict[str, Topic] = {
    "face recognition": Topic(
        3.0,
        (
            "{program} {thing} - {place}",
            "{place} {thing} status ({month})",
            "Meeting notes: {vendor} {thing} demo",
            "{metric} results from the {place} run",
            "Question about {dataset}",
        ),
        (
            "The {program} {thing} in {place} is on track for the {month} review.",
            "{vendor} confirmed that the {thing} can run against {dataset} without a copy "
            "leaving the enclave.",
            "The {metric} on the last run was {percent} percent with a gallery of {number} "
            "thousand images.",
            "We will demo the {thing} at the {place} facility on {weekday} at {hour}.",
            "The {vendor} team is proposing a {thing} hosted in their government cloud region.",
            "Per our call, the {program} {thing} stays in test mode until the {doc} is signed.",
            "Reminder: nothing about the {program} {thing} goes outside this distribution list.",
            "The {place} team logged {number} searches last week, {small} of them with a "
            "candidate returned.",
            "The accuracy numbers from {vendor} do not match what we saw on {dataset}.",
            "The Microsoft Azure tenant for the {thing} is provisioned; accounts go out {weekday}.",
            "The Reston facility needs badge access for the {vendor} engineers before the demo.",
            "{agency} asked whether the face recognition results can be shared with state and "
            "local partners.",
        ),
    ),
    "procurement": Topic(
        2.0,
        (
            "{doc} for the {thing}",
            "{vendor} quote",
            "Option year {small} - {vendor}",
            "Invoice {number} from {vendor}",
        ),
        (
            "{vendor} sent an updated quote of ${number},000 for the licences.",
            "The contracting officer needs the signed {doc} before we can exercise option year "
            "{small}.",
            "Invoice {number} from {vendor} is on hold until the deliverables are accepted.",
            "Can someone confirm who owns the contract vehicle for this work?",
            "Funding comes out of the {month} reprogramming, pending {office} approval.",
            "The period of performance ends {month} {day}; we need the modification in before "
            "then.",
            "Please attach the market research memo to the requisition.",
            "The independent government cost estimate came in at ${number},000.",
        ),
    ),
    "legal": Topic(
        1.5,
        ("Privacy impact assessment", "Retention question", "Draft {doc}", "OCC review"),
        (
            "Legal has not yet cleared the use of {dataset} for the {program} {thing}.",
            "I spoke with the {office} and they want a privacy impact assessment before any "
            "operational use.",
            "We still need a decision on retention: how long do probe images stay in the system?",
            "Please do not forward; this is pre-decisional and deliberative.",
            "The system of records notice may need to be amended to cover this use.",
            "Counsel asked for the legal authority memo by {weekday}.",
            "Attached is the redline of the {doc} with counsel's comments.",
            "Any sharing with state and local partners needs a written agreement first.",
        ),
    ),
    "travel": Topic(
        1.5,
        ("Travel: {place}, week of {month} {day}", "TA approval needed", "Hotel for {place}"),
        (
            "Travel to {place} is approved for the week of {month} {day}.",
            "Please submit your voucher within five days of returning.",
            "The hotel rate in {place} is above per diem; a justification is attached.",
            "My flight lands at {hour} on {weekday}; I will go straight to the office.",
            "Rental cars are not authorized for this trip; use the shuttle.",
            "The travel authorization is waiting on the approver in the {office}.",
        ),
    ),
    "cases": Topic(
        2.0,
        ("Case {case}", "Analytical support - {case}", "{place} investigation update"),
        (
            "The {place} field division opened case {case} on {weekday}.",
            "Analysts returned {small} candidates for case {case}; none has been confirmed.",
            "The seizure in {place} was {number} kilograms; lab results are pending.",
            "Please send the photos through the secure portal, not by email.",
            "The confidential source is not to be named in any email.",
            "We are coordinating with {agency} on the {place} case.",
            "The target's phone was imaged; the extraction report is attached.",
        ),
    ),
    "it": Topic(
        1.5,
        ("Account request", "VPN access for {name}", "Ticket {number}: {system}"),
        (
            "Your account on {system} has been created; the temporary password follows separately.",
            "The VPN certificate expires on {month} {day}; please renew it.",
            "Ticket {number} was escalated to the {system} team.",
            "{system} will be down for maintenance on {weekday} from {hour}.",
            "Please reboot your laptop after the update installs.",
            "Two-factor tokens for the new staff are at the front desk.",
        ),
    ),
    "training": Topic(
        1.0,
        ("Training: {course}", "Reminder: {course} due {month} {day}"),
        (
            "Training on {course} is mandatory for all staff and due by {month} {day}.",
            "The webinar on {course} starts at {hour}; the link is below.",
            "Please record your completion in the learning system.",
            "Seats are limited to {small} per office.",
        ),
    ),
    "press": Topic(
        1.0,
        ("Press inquiry: {program}", "Congressional letter", "Talking points for {weekday}"),
        (
            "A reporter asked whether the agency uses {program} technology.",
            "Public affairs is drafting talking points; please send facts by {weekday}.",
            "The congressional letter asks about the {program} {thing} and its costs.",
            "Please route all media questions to the public affairs office.",
            "The article quotes a former official but cites no documents.",
        ),
    ),
    "office": Topic(
        1.5,
        ("Leave next week", "Telework schedule", "Timesheets due", "Office move"),
        (
            "I will be on leave {weekday} through {month} {day}.",
            "Timesheets are due by noon {weekday}.",
            "The office move to the {place} building is now set for {month}.",
            "Telework days remain {weekday} and Friday.",
            "Please RSVP for the holiday party by {weekday}.",
            "Badge access for the new building starts {month} {day}.",
        ),
    ),
    "foia": Topic(
        0.8,
        ("FOIA request {case}", "Search for responsive records", "Consultation from {agency}"),
        (
            "We received a FOIA request for records about {program}.",
            "Please search your email and shared drives for responsive records by {month} {day}.",
            "The request asks for contracts with {vendor} and any test results.",
            "Exemption b7C will cover the names of agents and analysts.",
            "The consultation from {agency} has been pending since {month}.",
        ),
    ),
}
FILLER_SENTENCES = (
    "{lead} we should {verb} the {noun} {when}.",
    "{lead} the {noun} {state}.",
    "I think we should {verb} the {noun} before {since}.",
    "{name} will {verb} the {noun} and the {noun2} {when}.",
    "Nothing has changed on the {noun} since {since}.",
    "The {noun} from {since} still needs {need}.",
    "{lead} the {noun} {state}, and the {noun2} {state2}.",
    "Can you {verb} the {noun} {when}?",
)
TOPIC_NAMES = tuple(TOPICS)
TOPIC_WEIGHTS = tuple(topic.weight for topic in TOPICS.values())
#: Said in mail about anything.
GENERIC_SENTENCES = (
    "Thanks for the quick turnaround.",
    "Let me know if you have questions.",
    "Can we find time {weekday} afternoon to discuss?",
    "Adding {name} for visibility.",
    "Please review and send comments by {weekday}.",
    "I will follow up after the meeting.",
    "Sorry for the delay in getting back to you.",
    "See the note below.",
    "Happy to set up a call if that helps.",
    "Please keep this close hold for now.",
    "Copying {name}, who is covering while I am out.",
    "Looping back on this one.",
)
#: Terms few documents contain (about one in a few hundred), so search is measured on rare
#: terms as well as on common ones.
RARE_SENTENCES = (
    "Someone from Clearview reached out about a trial account for the {place} office.",
    "Palantir asked about integrating the {thing} with their case platform.",
    "Amazon is pitching Rekognition as an alternative for the {thing}.",
    "A grand jury subpoena came up in the {place} case; hold everything related.",
    "Hemisphere data must never be mixed into the {program} {thing}.",
    "Vigilant plate reader data was raised again by {agency}.",
)
#: Sentences for the ISO-8859-1 bodies (accented letters Latin-1 has).
LATIN1_SENTENCES = (
    "La reunión en San Diego fue útil; el prototipo está listo para la demostración.",
    "Le prototype de reconnaissance faciale est prêt pour la réunion à Reston.",
    "Die Präsentation in Zürich über den Prototyp war ausgezeichnet, schöne Grüße.",
    "Café at 9 before the résumé review; señor Medina will bring the naïve-match figures.",
)
LATIN1_SUBJECTS = (
    "Réunion à Reston: {thing}",
    "Résumé of the {place} {thing}",
    "Café meeting with {vendor}",
)
UTF8_SUBJECTS = ("{program} {thing} — {place} ✔", "Zürich → {place}: {doc}")
TITLES = (
    "Staff Coordinator",
    "Program Manager",
    "Supervisory Special Agent",
    "Intelligence Research Specialist",
    "Attorney-Advisor",
    "Account Executive",
)
X_MAILERS = ("Microsoft Outlook 16.0", "Apple Mail (2.3445.9.1)", "iPhone Mail (15E216)")
