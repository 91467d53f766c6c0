"""The deadline calculator as an admin page, for lawyers checking a date by hand.

``/admin/deadline-calculator/``: pick a jurisdiction, one of its rules and the trigger date; the
page shows the due date, the sentence that explains it and every non-working day skipped. It counts
through the same function as ``GET /api/v1/deadlines/calculate/``, so the two always agree.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode

from requests_app import jurisdictions
from requests_app.deadlines.calendars import (
    FORUMS,
    JURISDICTIONS,
    UnknownJurisdiction,
    holiday_law,
    observance_choices,
)
from requests_app.deadlines.rules import RULES, DeadlineRule, get_rule, rules_for
from requests_app.deadlines.selectors import FEDERAL, deadline_calculate, year_range_error

_SEPARATOR = ":"


def _rule_value(rule: DeadlineRule) -> str:
    return f"{rule.jurisdiction}{_SEPARATOR}{rule.code}"


def _rule_label(rule: DeadlineRule) -> str:
    """The rule by its name, then how it counts: "Determination on a FOIA request (20 working
    days, 5 U.S.C. 552(a)(6)(A)(i))"; its jurisdiction is the <optgroup> around it."""
    policy = ", set by policy" if rule.policy else ""
    return f"{rule.label} ({rule.days} {rule.counting} days, {rule.citation}{policy})"


def jurisdiction_name(code: str) -> str:
    """A jurisdiction as people name it ("Massachusetts", "United States (federal)"), from the
    holiday law its calendar is written from; a code with none is shown as it is."""
    try:
        return holiday_law(code).name
    except UnknownJurisdiction:
        return code


def _rule_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every rule, grouped by jurisdiction, named (one <optgroup> each)."""
    return [
        (
            jurisdiction_name(code),
            [(_rule_value(r), _rule_label(r)) for r in RULES if r.jurisdiction == code],
        )
        for code in JURISDICTIONS
    ]


def _jurisdiction_choices() -> list[tuple[str, str]]:
    """Every jurisdiction with a calendar, by name: "Massachusetts (US-MA)"."""
    names = {code: name for code, name, *_ in jurisdictions.JURISDICTIONS}
    return [(code, f"{names[code]} ({code})" if code in names else code) for code in JURISDICTIONS]


def _quoted_names(rules: Any) -> str:
    return ", ".join(f"“{rule.label}”" for rule in rules)


#: Each kind of day passed over, as the skipped days' table names it.
KIND_WORDS = {
    "weekend": "Weekend",
    "holiday": "Holiday: offices closed",
    "closure": "Closure day entered by staff",
    "legal_holiday": "Holiday on which offices open: a last day rolls past it",
}


def _forum_choices() -> list[tuple[str, str]]:
    """No forum (federal holidays only), then every court forum by name."""
    return [("", "None: federal holidays only (FRCP 6(a)(6)(A))")] + [
        (code, f"{holiday_law(code).name} ({code})") for code in FORUMS
    ]


def _observance_choices() -> list[tuple[str, Any]]:
    """The statute's default, then each jurisdiction's observances (one <optgroup> each)."""
    groups: list[tuple[str, Any]] = [("", "The statute's default")]
    for code in JURISDICTIONS:
        offered = observance_choices(code)
        if offered:
            groups.append((jurisdiction_name(code), list(offered.items())))
    return groups


class DeadlineCalculatorForm(forms.Form):
    jurisdiction = forms.ChoiceField(choices=_jurisdiction_choices)
    rule = forms.ChoiceField(
        choices=_rule_choices,
        help_text="The rule must belong to the jurisdiction chosen above.",
    )
    start = forms.DateField(
        label="Trigger date",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The day the clock starts (receipt, determination, service); it is never "
        "counted itself. YYYY-MM-DD.",
        error_messages={"invalid": "Enter the date as YYYY-MM-DD, e.g. 2019-01-16."},
    )
    extension = forms.BooleanField(
        label="With the longest statutory extension",
        required=False,
        help_text="The due date after the rule's longest extension (federal unusual "
        "circumstances, California's 14 days, Illinois' 5 business days).",
    )
    forum = forms.ChoiceField(
        label="Court forum",
        choices=_forum_choices,
        required=False,
        help_text="Federal court deadlines (US) only: the state where the district court sits, "
        "whose legal holidays a last day also rolls past (FRCP 6(a)(6)(C)).",
    )
    observance = forms.ChoiceField(
        label="Holidays observed",
        choices=_observance_choices,
        required=False,
        help_text="Where the statute leaves the reading of its holidays to the body that counts "
        "(Texas), which one; it must be one of the jurisdiction's own.",
    )

    def clean_start(self) -> Any:
        start = self.cleaned_data["start"]
        problem = year_range_error(start)
        if problem:
            raise forms.ValidationError(problem, code="unsupported_year")
        return start

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        jurisdiction, value = cleaned.get("jurisdiction"), cleaned.get("rule")
        if jurisdiction and value:
            rule_jurisdiction, _, code = value.partition(_SEPARATOR)
            if rule_jurisdiction != jurisdiction:
                self.add_error(
                    "rule",
                    forms.ValidationError(
                        "“%(rule)s” is a rule of %(other)s, not of %(jurisdiction)s. "
                        "The rules of %(jurisdiction)s: %(own)s.",
                        code="rule_of_other_jurisdiction",
                        params={
                            "rule": get_rule(rule_jurisdiction, code).label,
                            "other": jurisdiction_name(rule_jurisdiction),
                            "jurisdiction": jurisdiction_name(jurisdiction),
                            "own": _quoted_names(rules_for(jurisdiction)),
                        },
                    ),
                )
            else:
                rule = cleaned["rule"] = get_rule(jurisdiction, code)
                self._check_variant(jurisdiction, cleaned)
                if cleaned.get("extension") and rule.extension_days is None:
                    self.add_error(
                        "extension",
                        forms.ValidationError(
                            "“%(rule)s” of %(jurisdiction)s (%(citation)s) has no statutory "
                            "extension.",
                            code="no_extension",
                            params={
                                "jurisdiction": jurisdiction_name(jurisdiction),
                                "rule": rule.label,
                                "citation": rule.citation,
                            },
                        ),
                    )
        return cleaned

    def _check_variant(self, jurisdiction: str, cleaned: dict[str, Any]) -> None:
        forum, observance = cleaned.get("forum") or None, cleaned.get("observance") or None
        cleaned["forum"], cleaned["observance"] = forum, observance
        name = jurisdiction_name(jurisdiction)
        if forum is not None and jurisdiction != FEDERAL:
            self.add_error(
                "forum",
                forms.ValidationError(
                    "A court forum applies only to federal court deadlines (%(federal)s, "
                    "FRCP 6(a)(6)(C)); %(jurisdiction)s has none: leave the forum empty.",
                    code="forum_not_federal",
                    params={"federal": jurisdiction_name(FEDERAL), "jurisdiction": name},
                ),
            )
        offered = observance_choices(jurisdiction)
        if observance is not None and observance not in offered:
            self.add_error(
                "observance",
                forms.ValidationError(
                    "“%(observance)s” is not an observance of %(jurisdiction)s: %(choice)s",
                    code="unknown_observance",
                    params={
                        "observance": _observance_label(observance),
                        "jurisdiction": name,
                        "choice": "its own are "
                        + ", ".join(f"“{label}”" for label in offered.values())
                        + "."
                        if offered
                        else "its statute leaves no choice; keep the statute's default.",
                    },
                ),
            )


def _observance_label(value: str) -> str:
    """An observance by its words, whichever jurisdiction offers it (the value if none does)."""
    for code in JURISDICTIONS:
        label = observance_choices(code).get(value)
        if label is not None:
            return label
    return value


def deadline_calculator_view(request: HttpRequest, api_url_name: str = "") -> HttpResponse:
    """Staff only: wrapped in ``admin.site.admin_view`` in ``foiatracker/urls.py``, which also
    names the API's calculator route (``api_url_name``) for the "same result from the API" link:
    the domain core knows nothing of the API above it."""
    explanation = None
    api_url = None
    if request.method == "POST":
        form = DeadlineCalculatorForm(request.POST)
        if form.is_valid():
            rule: DeadlineRule = form.cleaned_data["rule"]
            start = form.cleaned_data["start"]
            extension = form.cleaned_data["extension"]
            forum, observance = form.cleaned_data["forum"], form.cleaned_data["observance"]
            explanation = deadline_calculate(
                jurisdiction=rule.jurisdiction,
                rule=rule.code,
                start=start,
                extension=extension,
                forum=forum,
                observance=observance,
            )
            query = {
                "jurisdiction": rule.jurisdiction,
                "rule": rule.code,
                "start": start.isoformat(),
            }
            if extension:
                query["extension"] = "true"
            if forum:
                query["forum"] = forum
            if observance:
                query["observance"] = observance
            if api_url_name:
                api_url = f"{reverse(api_url_name)}?{urlencode(query)}"
    else:
        form = DeadlineCalculatorForm(initial={"jurisdiction": "US", "rule": "US:response"})
    context = {
        **admin.site.each_context(request),
        "title": "Deadline calculator",
        "form": form,
        "explanation": explanation,
        "jurisdiction_name": jurisdiction_name(explanation.jurisdiction) if explanation else "",
        "skipped": [(day, KIND_WORDS.get(day.kind, day.kind)) for day in explanation.skipped]
        if explanation
        else [],
        "api_url": api_url,
    }
    return TemplateResponse(request, "admin/requests_app/deadline_calculator.html", context)
