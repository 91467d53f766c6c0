"""Deadline rules as data, and the computation that explains itself.

Each row of ``RULES`` is one row of the table in docs/design.md ("Deadline rules"):
who (jurisdiction), what (code and label), the source (citation) and how to count. Adding a state
is one more ``DeadlineRule`` row here plus its holiday law, written from the statute, in
``holiday_law`` (registered in ``holiday_law.LAWS``).

Plain Python, no Django; tested without a database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

from requests_app.deadlines.calendars import (
    JURISDICTIONS,
    Computation,
    NonWorkingDay,
    UnknownJurisdiction,
    WorkingCalendar,
    add_calendar_days,
    add_working_days,
    calendar_for,
    deemed_receipt,
    observance_choices,
    roll_last_working_day,
    working_days_between,
)

__all__ = [
    "RULES",
    "Counting",
    "DeadlineRule",
    "Explanation",
    "NoExtension",
    "UnknownJurisdiction",
    "UnknownRule",
    "compute",
    "extend",
    "get_rule",
    "remaining_working_days",
    "resume",
    "rule_name",
    "rules_for",
    "rules_triggered_by",
    "skipped_in_words",
]

Counting = Literal["working", "calendar"]
#: What starts a rule's clock; the deadline services look rules up by it.
Trigger = Literal[
    "receipt",  # the agency received the request
    "expedited_request",  # received with a request for expedited processing
    "adverse_determination",  # the agency determined the request adversely
    "appeal_receipt",  # the agency received the administrative appeal
    "extension",  # counted from the due date it extends
    "service",  # the complaint was served
    "service_on_us_attorney",  # the complaint was served on the U.S. attorney
    "acknowledgment",  # the agency acknowledged the request in writing
    "commercial_receipt",  # received, and the records are to be used for a commercial purpose
    "recurrent_receipt",  # received from a recurrent requester
]


class UnknownRule(ValueError):
    """A rule code the (known) jurisdiction does not have."""

    def __init__(self, jurisdiction: str, code: str) -> None:
        self.jurisdiction = jurisdiction
        self.code = code
        known = ", ".join(rule.code for rule in rules_for(jurisdiction))
        super().__init__(
            f"Jurisdiction {jurisdiction} has no deadline rule {code!r}; its rules: {known}"
        )


class NoExtension(ValueError):
    """The rule has no statutory extension."""


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """One statutory (or, if ``policy``, organisational) period."""

    jurisdiction: str
    code: str
    label: str
    citation: str
    counting: Counting
    days: int
    #: Calendar-day rules only: roll a last day that is not a working day forward (FRCP 6(a)(1)(C)).
    roll_forward: bool = False
    #: A trigger on a non-business day is deemed to happen on the next business day (MA).
    deemed_receipt: bool = False
    #: The longest extension the statute allows, counted the same way from the original due date.
    extension_days: int | None = None
    extension_citation: str | None = None
    note: str = ""
    #: Set by the organisation's policy, not by law (e.g. Florida's "promptly").
    policy: bool = False
    #: The event that starts the clock.
    trigger: Trigger = "receipt"

    def extension(self) -> DeadlineRule:
        """The rule for extending this one: ``extension_days`` more, from the due date."""
        if self.extension_days is None:
            raise NoExtension(
                f"{self.jurisdiction} {self.code} ({self.citation}) has no statutory extension"
            )
        return replace(
            self,
            code=f"{self.code}_extension",
            label=f"Extension of: {self.label}",
            citation=self.extension_citation or self.citation,
            days=self.extension_days,
            deemed_receipt=False,  # it runs from a due date, which is a business day
            extension_days=None,
            extension_citation=None,
        )


# The unusual-circumstances extension is both a table row of its own and the extension of the two
# federal 20-day limits it applies to ("the time limits prescribed in either clause (i) or clause
# (ii) of subparagraph (A)", 552(a)(6)(B)(i)).
_US_UNUSUAL_EXTENSION = DeadlineRule(
    jurisdiction="US",
    code="unusual_extension",
    label="Unusual-circumstances extension (counted from the due date it extends)",
    citation="5 U.S.C. 552(a)(6)(B)(i)",
    counting="working",
    days=10,
    trigger="extension",
)

RULES: tuple[DeadlineRule, ...] = (
    DeadlineRule(
        jurisdiction="US",
        code="response",
        label="Determination on a FOIA request",
        citation="5 U.S.C. 552(a)(6)(A)(i)",
        counting="working",
        days=20,
        extension_days=_US_UNUSUAL_EXTENSION.days,
        extension_citation=_US_UNUSUAL_EXTENSION.citation,
    ),
    DeadlineRule(
        jurisdiction="US",
        code="appeal_response",
        label="Determination on an administrative appeal",
        citation="5 U.S.C. 552(a)(6)(A)(ii)",
        counting="working",
        days=20,
        extension_days=_US_UNUSUAL_EXTENSION.days,
        extension_citation=_US_UNUSUAL_EXTENSION.citation,
        trigger="appeal_receipt",
    ),
    _US_UNUSUAL_EXTENSION,
    DeadlineRule(
        jurisdiction="US",
        code="expedited_determination",
        label="Decision on a request for expedited processing",
        citation="5 U.S.C. 552(a)(6)(E)(ii)(I)",
        counting="calendar",
        days=10,
        roll_forward=True,
        trigger="expedited_request",
    ),
    DeadlineRule(
        jurisdiction="US",
        code="appeal_window",
        label="Last day to file an administrative appeal",
        citation="5 U.S.C. 552(a)(6)(A)(i)(III)(aa)",
        counting="calendar",
        days=90,
        roll_forward=True,
        note="Counted from the date of the adverse determination.",
        trigger="adverse_determination",
    ),
    DeadlineRule(
        jurisdiction="US",
        code="foia_answer",
        label="Agency's answer to a FOIA complaint",
        citation="5 U.S.C. 552(a)(4)(C)",
        counting="calendar",
        days=30,
        roll_forward=True,
        note="Counted from service of the complaint.",
        trigger="service",
    ),
    DeadlineRule(
        jurisdiction="US",
        code="answer_us_defendant",
        label="Answer by the United States, its agency or officer",
        citation="FRCP 12(a)(2)",
        counting="calendar",
        days=60,
        roll_forward=True,
        note="Counted from service on the United States attorney.",
        trigger="service_on_us_attorney",
    ),
    DeadlineRule(
        jurisdiction="US-MA",
        code="response",
        label="Response to a public records request",
        citation="G.L. c.66 §10(a); 950 CMR 32.03(3), 32.06(2)(e)",
        counting="working",
        days=10,
        deemed_receipt=True,
    ),
    DeadlineRule(
        jurisdiction="US-CA",
        code="response",
        label="Determination on a public records request",
        citation="Gov. Code §7922.535",
        counting="calendar",
        days=10,
        # A last day on a weekend or holiday moves to the next business day (Cal. Code Civ. Proc.
        # §§12, 12a, which apply to any act the law requires within a number of days).
        roll_forward=True,
        extension_days=14,
        extension_citation="Gov. Code §7922.535",
    ),
    DeadlineRule(
        jurisdiction="US-NY",
        code="acknowledgment",
        label="Acknowledgment of a FOIL request",
        citation="Public Officers Law §89(3)(a)",
        counting="working",
        days=5,
    ),
    DeadlineRule(
        jurisdiction="US-IL",
        code="response",
        label="Response to a FOIA request",
        citation="5 ILCS 140/3(d)-(e)",
        counting="working",
        days=5,
        extension_days=5,
        extension_citation="5 ILCS 140/3(d)-(e)",
    ),
    DeadlineRule(
        jurisdiction="US-TX",
        code="ag_ruling_request",
        label="Request for an Attorney General ruling to withhold information",
        citation="Gov't Code §552.301(b)",
        counting="working",
        days=10,
    ),
    DeadlineRule(
        jurisdiction="US-WA",
        code="response",
        label="Response to a public records request",
        citation="RCW 42.56.520",
        counting="working",
        days=5,
    ),
    DeadlineRule(
        jurisdiction="US-FL",
        code="follow_up",
        label="Follow up on a public records request (organisational policy)",
        citation='Fla. Stat. §119.07(1)(c) ("promptly"; no statutory period)',
        counting="working",
        days=10,
        policy=True,
        note=(
            "No statutory period: the custodian must acknowledge and respond promptly. "
            "This follow-up date is set by our policy, not by statute."
        ),
    ),
    DeadlineRule(
        jurisdiction="US-NY",
        code="response",
        label="Grant or denial of a FOIL request after its acknowledgment",
        citation="Public Officers Law §89(3)(a)",
        counting="working",
        days=20,
        note=(
            "The acknowledgment's approximate date may not exceed twenty business days from the "
            "acknowledgment, unless the agency states in writing why it cannot and gives a date "
            "certain within a reasonable period."
        ),
        trigger="acknowledgment",
    ),
    DeadlineRule(
        jurisdiction="US-NY",
        code="appeal_response",
        label="Determination on a FOIL appeal",
        citation="Public Officers Law §89(4)(a)",
        counting="working",
        days=10,
        note="Counted from the receipt of the appeal.",
        trigger="appeal_receipt",
    ),
    DeadlineRule(
        jurisdiction="US-TX",
        code="ag_submission",
        label="Arguments and the requested information submitted to the Attorney General",
        citation="Gov't Code §552.301(e)",
        counting="working",
        days=15,
        note=(
            "Only if the body asked for a ruling to withhold: its reasons, the request, the date "
            "it was received and the information itself (or representative samples)."
        ),
    ),
    DeadlineRule(
        jurisdiction="US-IL",
        code="commercial_response",
        label="Response to a FOIA request for a commercial purpose",
        citation="5 ILCS 140/3.1(a)",
        counting="working",
        days=21,
        trigger="commercial_receipt",
    ),
    DeadlineRule(
        jurisdiction="US-IL",
        code="recurrent_response",
        label="Response to a FOIA request from a recurrent requester",
        citation="5 ILCS 140/3.2(a)",
        counting="working",
        days=21,
        note="The body must also say within 5 business days that it treats the request so "
        "(5 ILCS 140/3.2(b)).",
        trigger="recurrent_receipt",
    ),
)

# One row per (jurisdiction, code), each with a calendar: checked in test_rules.py.
_BY_KEY: dict[tuple[str, str], DeadlineRule] = {(r.jurisdiction, r.code): r for r in RULES}


#: The deadlines a court set rather than a rule of the table counted (deadlines/court.py).
COURT_RULE_NAMES = {
    "court_order": "Date set by a court order",
    "court_schedule": "Court-ordered schedule",
}


def rule_name(jurisdiction: str | None, code: str) -> str:
    """A deadline's rule as people name it: the rule's label and its jurisdiction ("Determination
    on a FOIA request (US)"), an extension as "Extension of: …", a court's date as such; a code
    this table does not know is shown as it is."""
    if code in COURT_RULE_NAMES:
        return COURT_RULE_NAMES[code]
    rule = _BY_KEY.get((jurisdiction or "", code))
    if rule is None and code.endswith("_extension"):
        extended = _BY_KEY.get((jurisdiction or "", code.removesuffix("_extension")))
        if extended is not None and extended.extension_days is not None:
            rule = extended.extension()
    return f"{rule.label} ({jurisdiction})" if rule is not None else code


def rules_for(jurisdiction: str) -> tuple[DeadlineRule, ...]:
    """Every rule of a jurisdiction, in table order."""
    if jurisdiction not in JURISDICTIONS:
        raise UnknownJurisdiction(jurisdiction)
    return tuple(rule for rule in RULES if rule.jurisdiction == jurisdiction)


def rules_triggered_by(jurisdiction: str, trigger: Trigger) -> tuple[DeadlineRule, ...]:
    """The rules of a jurisdiction whose clock the given event starts (none if unknown)."""
    return tuple(r for r in RULES if r.jurisdiction == jurisdiction and r.trigger == trigger)


def get_rule(jurisdiction: str, code: str) -> DeadlineRule:
    """The rule ``code`` of ``jurisdiction``.

    Raises :class:`UnknownJurisdiction` for an unknown jurisdiction and :class:`UnknownRule` for
    a code that jurisdiction does not have.
    """
    rule = _BY_KEY.get((jurisdiction, code))
    if rule is None:
        if jurisdiction not in JURISDICTIONS:
            raise UnknownJurisdiction(jurisdiction)
        raise UnknownRule(jurisdiction, code)
    return rule


def as_sentence(text: str) -> str:
    """``text`` stripped, with a full stop unless it already ends a sentence: pieces of an
    explanation are joined with a space, so each must close its own sentence."""
    text = text.strip()
    if text and text[-1] not in ".!?":
        text += "."
    return text


def skipped_in_words(days: Iterable[NonWorkingDay]) -> str:
    """The days a count passed over, as its sentence reads them: each holiday and closure day by
    date and name, with the statute that makes it one, and the weekend days counted, not
    listed ("2019-01-21 Birthday of Martin Luther King, Jr. (5 U.S.C. 6103(a)) and 8 Saturdays
    and Sundays"). ``Explanation.skipped`` keeps every day."""
    named: list[str] = []
    weekend: Counter[str] = Counter()
    for day in days:
        if day.kind == "weekend":
            weekend[day.name] += 1
        else:
            cited = f" ({day.citation})" if day.citation else ""
            named.append(f"{day.date.isoformat()} {day.name}{cited}")
    words = ", ".join(named)
    if weekend:
        counted = _weekend_days(weekend)
        words = f"{words} and {counted}" if words else counted
    return words


def _weekend_days(counts: Counter[str]) -> str:
    """The weekend days as counted words: "1 Sunday", "3 Saturdays", "1 Saturday and 1 Sunday",
    "8 Saturdays and Sundays"."""
    names = sorted(counts, key=lambda name: {"Saturday": 0, "Sunday": 1}.get(name, 2))
    if all(counts[name] == 1 for name in names):
        return " and ".join(f"1 {name}" for name in names)
    total = sum(counts.values())
    if len(names) == 1:
        return f"{total} {names[0]}s"
    return f"{total} {' and '.join(f'{name}s' for name in names)}"


@dataclass(frozen=True, slots=True)
class Explanation:
    """A computed due date together with everything needed to check it by hand."""

    due: date
    jurisdiction: str
    rule: str
    label: str
    citation: str
    trigger: date
    #: The day counting starts from: the trigger, or the next business day under deemed receipt.
    deemed_trigger: date
    counting: Counting
    days: int
    roll_forward: bool
    policy: bool
    note: str
    #: Non-working days passed over: in deemed receipt, then in counting (or rolling forward).
    skipped: tuple[NonWorkingDay, ...]
    #: How the trigger itself came about, for dates counted from another date (an extension from
    #: the due date it extends, a tolled clock resumed). Empty for a plain rule.
    preface: str = ""

    def summary(self) -> str:
        """One sentence a lawyer can check against a calendar, ending with its full stop (the
        preface, a sentence of its own, comes first)."""
        unit = "working" if self.counting == "working" else "calendar"
        text = f"Due {self.due.isoformat()}: {self.days} {unit} days after "
        text += self.deemed_trigger.isoformat()
        if self.deemed_trigger != self.trigger:
            text += f" (deemed received; actually received {self.trigger.isoformat()})"
        text += f" ({self.citation})"
        if self.policy:
            text += " - a date set by policy, not by statute"
        if self.skipped:
            text += f"; skipped {skipped_in_words(self.skipped)}"
        text += "."
        return f"{as_sentence(self.preface)} {text}" if self.preface else text

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data: dates as ISO strings."""
        return {
            "due": self.due.isoformat(),
            "jurisdiction": self.jurisdiction,
            "rule": self.rule,
            "label": self.label,
            "citation": self.citation,
            "trigger": self.trigger.isoformat(),
            "deemed_trigger": self.deemed_trigger.isoformat(),
            "counting": self.counting,
            "days": self.days,
            "roll_forward": self.roll_forward,
            "policy": self.policy,
            "note": self.note,
            "skipped": [d.as_dict() for d in self.skipped],
            "preface": self.preface,
            "summary": self.summary(),
        }


def compute(
    rule: DeadlineRule | tuple[str, str],
    trigger: date,
    closures: Mapping[date, str] | None = None,
    *,
    forum: str | None = None,
    observance: str | None = None,
) -> Explanation:
    """Apply a rule to the day that triggers it, e.g. the day a request was received.

    ``rule`` is a :class:`DeadlineRule` or a ``(jurisdiction, code)`` pair. ``closures`` are the
    staff-entered closure days of that jurisdiction (date -> reason); pass only those that
    apply, since a closure is not statutory and, e.g., a shutdown tolls nothing. ``forum`` and
    ``observance`` choose the calendar's variant (``calendars.calendar_for``).
    """
    if not isinstance(rule, DeadlineRule):
        rule = get_rule(*rule)
    cal = calendar_for(rule.jurisdiction, closures, forum=forum, observance=observance)
    start = trigger
    before: tuple[NonWorkingDay, ...] = ()
    if rule.deemed_receipt:
        receipt = deemed_receipt(cal, trigger)
        start, before = receipt.due, receipt.skipped
    if rule.counting == "working":
        # Illinois rolls the last business day past a statutory holiday on which offices are
        # open (5 ILCS 70/1.11); elsewhere this changes nothing.
        counted = roll_last_working_day(cal, add_working_days(cal, start, rule.days))
    else:
        counted = add_calendar_days(cal, start, rule.days, roll_forward=rule.roll_forward)
    return Explanation(
        due=counted.due,
        jurisdiction=rule.jurisdiction,
        rule=rule.code,
        label=rule.label,
        citation=rule.citation,
        trigger=trigger,
        deemed_trigger=start,
        counting=rule.counting,
        days=rule.days,
        roll_forward=rule.roll_forward,
        policy=rule.policy,
        note=rule.note,
        skipped=before + counted.skipped,
    )


def extend(
    jurisdiction: str,
    code: str,
    from_due: date,
    closures: Mapping[date, str] | None = None,
    *,
    forum: str | None = None,
    observance: str | None = None,
) -> Explanation:
    """The due date after the longest statutory extension of rule ``code``.

    The extension is counted from the due date it extends, in the rule's own unit: for a federal
    ``response`` or ``appeal_response`` 10 more working days (5 U.S.C. 552(a)(6)(B)(i)), the same
    as the ``unusual_extension`` rule; California 14 more calendar days; Illinois 5 more business
    days. Raises :class:`NoExtension` if the rule has none.
    """
    return compute(
        get_rule(jurisdiction, code).extension(),
        from_due,
        closures,
        forum=forum,
        observance=observance,
    )


# --- Tolling (5 U.S.C. 552(a)(6)(A)(ii)) ---------------------------------------------------------


def remaining_working_days(cal: WorkingCalendar, *, start: date, due: date, paused_on: date) -> int:
    """Working days left on a federal clock stopped on ``paused_on``.

    The agency may stop the 20-day clock once to ask the requester for information, and as often
    as needed to clarify fees (552(a)(6)(A)(ii)(I)-(II)). Convention: the clock stops on the day the
    agency's letter is sent (P), and that day is used up, so the days left are the working days
    after P up to and including the current due date. ``start`` is the day counting started
    (receipt, or deemed receipt); P must fall between it and the due date.
    """
    if not start <= paused_on <= due:
        raise ValueError(
            f"The clock can only be stopped between {start.isoformat()} and the due date "
            f"{due.isoformat()}, not on {paused_on.isoformat()}"
        )
    return working_days_between(cal, paused_on, due)


def resume(cal: WorkingCalendar, resumed_on: date, days_left: int) -> Computation:
    """The new due date when the requester's reply arrives on ``resumed_on`` (R).

    The clock resumes with the days that were left (552(a)(6)(A)(ii)): R itself is not counted, like
    any trigger day, so the new due date is the ``days_left``-th working day after R. ``skipped``
    lists the non-working days between R and the new due date (and any day the last day rolled
    past where the jurisdiction's law rolls a count of business days).
    """
    return roll_last_working_day(cal, add_working_days(cal, resumed_on, days_left))


# --- Stored bases: how a saved deadline was counted, so that it can be recounted ---------------


def base_rule(basis: Mapping[str, Any]) -> str:
    """The rule at the root of a basis (``response`` for an extended, resumed response clock)."""
    if "extend" in basis:
        return base_rule(basis["extend"])
    if "resume" in basis and "basis" in basis["resume"]:
        return base_rule(basis["resume"]["basis"])
    return str(basis.get("rule", ""))


def is_extended(basis: Mapping[str, Any]) -> bool:
    """Whether an extension is anywhere in the chain (the statute allows one)."""
    if "extend" in basis:
        return True
    if "resume" in basis and "basis" in basis["resume"]:
        return is_extended(basis["resume"]["basis"])
    return False


def with_trigger(basis: Mapping[str, Any], trigger: date) -> dict[str, Any]:
    """The same chain counted from a corrected trigger date (e.g. a corrected receipt date)."""
    if "extend" in basis:
        return {**basis, "extend": with_trigger(basis["extend"], trigger)}
    if "resume" in basis and "basis" in basis["resume"]:
        inner = with_trigger(basis["resume"]["basis"], trigger)
        return {**basis, "resume": {**basis["resume"], "basis": inner}}
    if "trigger" in basis:
        return {**basis, "trigger": trigger.isoformat()}
    return dict(basis)


def counting_start(
    jurisdiction: str, basis: Mapping[str, Any], closures: Mapping[date, str] | None = None
) -> date:
    """The day the running clock last started: receipt (deemed), or the last resumption."""
    if "resume" in basis:
        return date.fromisoformat(basis["resume"]["on"])
    if "extend" in basis:
        return counting_start(jurisdiction, basis["extend"], closures)
    return evaluate(jurisdiction, basis, closures).deemed_trigger


TOLLING_CITATION = "5 U.S.C. 552(a)(6)(A)(ii)"


@dataclass(frozen=True, slots=True)
class CalendarVariant:
    """Which variant of a jurisdiction's calendar a deadline counts on: a federal court's forum
    state (FRCP 6(a)(6)(C)) or the observance the body chose where the statute lets it. Read
    from the top of a stored basis (``"forum"``, ``"observance"``) and applied to the whole
    chain, so that changing a lawsuit's district or an agency's observance rewrites one key."""

    forum: str | None = None
    observance: str | None = None
    #: Whether the basis says which court forum it counts for ("" meaning none recorded).
    court: bool = False

    @classmethod
    def of(cls, basis: Mapping[str, Any]) -> CalendarVariant:
        return cls(
            forum=basis.get("forum") or None,
            observance=basis.get("observance") or None,
            court="forum" in basis,
        )

    def calendar(self, jurisdiction: str, closures: Mapping[date, str] | None) -> WorkingCalendar:
        return calendar_for(jurisdiction, closures, forum=self.forum, observance=self.observance)

    def reading(self, jurisdiction: str) -> str:
        """The sentence an explanation gives for the calendar it counted on (empty when the
        jurisdiction offers no choice)."""
        if self.court:
            if self.forum:
                return (
                    f"Counted on federal holidays and the legal holidays of {self.forum}, where "
                    "the district court sits (FRCP 6(a)(6)(C))."
                )
            return "No district recorded: counted on federal holidays only (FRCP 6(a)(6)(A))."
        try:
            choices = observance_choices(jurisdiction)
        except UnknownJurisdiction:
            return ""
        if not choices:
            return ""
        if self.observance:
            return f"Counted as the agency observes: {choices[self.observance]}."
        return "Counted on the statute's default reading; the agency has chosen no other."


def basis_calendar(
    jurisdiction: str, basis: Mapping[str, Any], closures: Mapping[date, str] | None = None
) -> WorkingCalendar:
    """The calendar a stored basis counts on: the jurisdiction's, with the basis's variant."""
    return CalendarVariant.of(basis).calendar(jurisdiction, closures)


def with_variant(basis: Mapping[str, Any], variant: Mapping[str, str]) -> dict[str, Any]:
    """The basis counted on another calendar variant (``{"forum": "US-MA"}``, or
    ``{"observance": ""}`` for the statute's default): top-level keys, an empty value removed
    for an observance and kept for a forum (a court's deadline says no district was recorded)."""
    changed = dict(basis)
    for key, value in variant.items():
        if value or key == "forum":
            changed[key] = value
        else:
            changed.pop(key, None)
    return changed


def evaluate(
    jurisdiction: str, basis: Mapping[str, Any], closures: Mapping[date, str] | None = None
) -> Explanation:
    """Recount a deadline from its stored basis (see ``Deadline.basis``) with today's calendar,
    in the calendar variant the basis names (``CalendarVariant``), which the explanation says.
    """
    variant = CalendarVariant.of(basis)
    explanation = _evaluate(jurisdiction, basis, closures, variant)
    reading = variant.reading(jurisdiction)
    if not reading:
        return explanation
    preface = " ".join(as_sentence(p) for p in (explanation.preface, reading) if p)
    return replace(explanation, preface=preface)


def _evaluate(
    jurisdiction: str,
    basis: Mapping[str, Any],
    closures: Mapping[date, str] | None,
    variant: CalendarVariant,
) -> Explanation:
    """Recount a deadline from its stored basis (see ``Deadline.basis``) with today's calendar.

    ``{"rule": code, "trigger": iso}`` applies a rule; ``{"extend": <basis>, "of_rule": code}``
    extends whatever the inner basis gives, from its due date; ``{"resume": {"on": iso,
    "days_left": n}, "rule": code}`` restarts a tolled federal clock with the days that were left.
    """
    if "extend" in basis:
        base = _evaluate(jurisdiction, basis["extend"], closures, variant)
        rule = get_rule(jurisdiction, basis["of_rule"])
        what = base.rule.replace("_", " ")
        if rule.counting == "calendar" and "trigger" in basis["extend"]:
            # A calendar-day limit extended by N days is one limit of days + N from the trigger,
            # rolled once (Cal. Gov. Code §7922.535(b): "extended ... for no more than 14 days");
            # extending an already-rolled due date would add the roll to the extension.
            total = replace(
                rule.extension(),
                days=rule.days + (rule.extension_days or 0),
                label=f"Extension of: {rule.label}",
            )
            extended = compute(
                total,
                base.trigger,
                closures,
                forum=variant.forum,
                observance=variant.observance,
            )
            return replace(
                extended,
                preface=f"Extends the {what} deadline due {base.due.isoformat()}: "
                f"{rule.days} + {rule.extension_days} days from the trigger.",
            )
        extended = extend(
            jurisdiction,
            basis["of_rule"],
            base.due,
            closures,
            forum=variant.forum,
            observance=variant.observance,
        )
        return replace(
            extended,
            trigger=base.due,
            preface=f"Extends the {what} deadline due {base.due.isoformat()}.",
        )
    if "resume" in basis:
        # {"resume": {"on": R, "paused_on": P, "basis": <the clock that stopped>}, "rule": code}:
        # the days left are derived from the stopped clock as it counts today, so a corrected
        # receipt date or a new closure day reaches a resumed clock too. (Older rows stored
        # "days_left" directly.)
        cal = variant.calendar(jurisdiction, closures)
        info = basis["resume"]
        resumed_on = date.fromisoformat(info["on"])
        if "basis" in info:
            stopped = _evaluate(jurisdiction, info["basis"], closures, variant)
            days_left = max(
                0, working_days_between(cal, date.fromisoformat(info["paused_on"]), stopped.due)
            )
        else:
            days_left = int(info["days_left"])
        rule = get_rule(jurisdiction, basis["rule"])
        if days_left == 0:
            # Stopped on its last day: due on the reply day, or the next working day after it.
            counted = deemed_receipt(cal, resumed_on)
        else:
            counted = resume(cal, resumed_on, days_left)
        return Explanation(
            due=counted.due,
            jurisdiction=jurisdiction,
            rule=rule.code,
            label=f"{rule.label} (clock resumed after tolling)",
            citation=f"{rule.citation}; {TOLLING_CITATION}",
            trigger=resumed_on,
            deemed_trigger=resumed_on,
            counting="working",
            days=days_left,
            roll_forward=False,
            policy=rule.policy,
            note=rule.note,
            skipped=counted.skipped,
            preface=(
                f"The clock stopped with {days_left} working days left and resumed when the "
                f"reply arrived on {resumed_on.isoformat()}."
            ),
        )
    if "every_n_days" in basis:
        # A period in a court order ("every 60 days") is computed under FRCP 6(a)(1): count every
        # day, and a last day on a weekend or legal holiday moves to the next day that is none.
        # Each occurrence is counted from the order's first date, so one roll does not drift the
        # rest of the schedule.
        first = date.fromisoformat(basis["from"])
        span = int(basis["every_n_days"]) * int(basis["occurrence"])
        counted = add_calendar_days(variant.calendar(jurisdiction, closures), first, span)
        return Explanation(
            due=counted.due,
            jurisdiction=jurisdiction,
            rule="court_schedule",
            label=str(basis.get("label", "Court-ordered recurring deadline")),
            citation=f"{basis.get('order', 'Court order')}; FRCP 6(a)(1)(C)",
            trigger=first,
            deemed_trigger=first,
            counting="calendar",
            days=span,
            roll_forward=True,
            policy=False,
            note="",
            skipped=counted.skipped,
            preface=f"Occurrence {basis['occurrence'] + 1} of a schedule every "
            f"{basis['every_n_days']} days.",
        )
    if "rule" in basis and "trigger" in basis:
        return compute(
            (jurisdiction, basis["rule"]),
            date.fromisoformat(basis["trigger"]),
            closures,
            forum=variant.forum,
            observance=variant.observance,
        )
    raise ValueError(f"Not a deadline basis: {dict(basis)!r}")
