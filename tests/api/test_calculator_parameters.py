"""The calculator's answer against its published schema, its refusal of parameters it does not
take, and its ``forum`` and ``observance`` parameters.

Every due date was counted by hand on a printed calendar
(``python3 -c 'import calendar; print(calendar.month(2026, 2), calendar.month(2026, 3),
calendar.month(2026, 4), calendar.month(2026, 6), calendar.month(2026, 7))'``). The calculator
never reads today's date (every count starts from the ``start`` given), so no clock is frozen.
"""

from __future__ import annotations

from typing import Any

import jsonschema  # type: ignore[import-untyped]  # ships no type stubs
import pytest
from rest_framework.test import APIClient

from tests.api.calculator_client import ADMIN_PAGE, CALCULATE, calculate

pytestmark = pytest.mark.django_db


def _refused(response, *names: str) -> dict[str, Any]:
    """A 400 in the calculator's shape naming exactly ``names``."""
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body["errors"]) == set(names)
    assert set(body["error"]["fields"]) == set(names)
    assert body["error"]["code"] == body["code"]
    for name in names:
        assert f"{name}: " in body["message"]
    return body


# --- The answer keeps to its published schema ----------------------------------------------------


def _strict(node: Any, components: dict[str, Any]) -> Any:
    """An OpenAPI 3.0 schema node as plain JSON Schema, every object closed to keys it does not
    declare: an answer key the schema lacks (or an enum value it omits) must fail, not pass."""
    if isinstance(node, list):
        return [_strict(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _strict(components[node["$ref"].rsplit("/", 1)[-1]], components)
    strict = {key: _strict(value, components) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        strict = {"anyOf": [strict, {"type": "null"}]}
    elif node.get("type") == "object" and "properties" in node:
        strict["additionalProperties"] = False
    return strict


@pytest.fixture
def calculation_schema(api) -> dict[str, Any]:
    schema = api.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    return _strict(components["DeadlineCalculation"], components)


@pytest.mark.parametrize(
    ("params", "due", "holiday"),
    [
        # Cal. Gov. Code §7922.535(a): 10 days from receipt Mon 2026-02-02 is Thu Feb 12, Lincoln
        # Day (Gov. Code §6700(a)(3)); offices may be open, but a last day falling on it rolls
        # to the next court day (Code Civ. Proc. §§12a, 135): Fri Feb 13.
        (
            {"jurisdiction": "US-CA", "rule": "response", "start": "2026-02-02"},
            "2026-02-13",
            {"date": "2026-02-12", "name": "Lincoln Day", "kind": "legal_holiday"},
        ),
        # 5 ILCS 140/3(d): 5 business days after Fri 2026-03-27: Mar 30, 31, Apr 1, 2, 3 (Good
        # Friday); a last day on Good Friday, a legal holiday on which offices are open, rolls
        # to the next business day (5 ILCS 70/1.11): Mon Apr 6.
        (
            {"jurisdiction": "US-IL", "rule": "response", "start": "2026-03-27"},
            "2026-04-06",
            {"date": "2026-04-03", "name": "Good Friday", "kind": "legal_holiday"},
        ),
        # 5 U.S.C. 552(a)(4)(C) counted in D. Mass.: see the forum tests below (FRCP 6(a)(6)(C),
        # G.L. c.4 §7 cl. 18).
        (
            {"jurisdiction": "US", "rule": "foia_answer", "start": "2026-03-21", "forum": "US-MA"},
            "2026-04-21",
            {"date": "2026-04-20", "kind": "legal_holiday"},
        ),
        # The same rule with ?format=json (DRF's own parameter) and a plain federal answer.
        (
            {"jurisdiction": "US", "rule": "foia_answer", "start": "2026-03-21", "format": "json"},
            "2026-04-20",
            None,
        ),
    ],
)
def test_answers_validate_against_the_published_schema(
    api, calculation_schema, params, due, holiday
):
    body = calculate(api, **params).json()
    assert body["due"] == due
    jsonschema.validate(body, calculation_schema)
    if holiday:
        passed = next(day for day in body["skipped"] if day["date"] == holiday["date"])
        assert {key: passed[key] for key in holiday} == holiday
        assert passed["citation"]


def test_the_schema_lists_every_kind_of_skipped_day(calculation_schema):
    kind = calculation_schema["properties"]["skipped"]["items"]["properties"]["kind"]
    (enum,) = [part["enum"] for part in kind["allOf"]]
    assert set(enum) == {"weekend", "holiday", "closure", "legal_holiday"}


def test_the_schema_documents_forum_and_observance(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"][CALCULATE]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"forum", "observance"} <= names
    codes = schema["components"]["schemas"]["DeadlineCalculatorError"]["properties"]["code"]
    enum = schema["components"]["schemas"][codes["$ref"].rsplit("/", 1)[-1]]["enum"]
    assert {"unknown_parameter", "repeated_parameter", "unknown_forum"} <= set(enum)


# --- Parameters the calculator does not take ----------------------------------------------------


def test_a_misspelt_parameter_is_refused_by_name(api):
    response = calculate(
        api, jurisdiction="US", rule="response", start="2019-01-16", extention="true"
    )
    body = _refused(response, "extention")
    assert body["code"] == "unknown_parameter"
    assert "extension" in body["errors"]["extention"][0]  # the list of what it takes


def test_each_unknown_parameter_is_named(api):
    response = client_get(api, "jurisdiction=US&rule=response&start=2019-01-16&days=5&tz=UTC")
    _refused(response, "days", "tz")


def client_get(api: APIClient, query: str):
    return api.get(f"{CALCULATE}?{query}")


def test_a_repeated_parameter_is_refused_by_name(api):
    # Not the last value silently: extension=true&extension=false is a contradiction.
    response = client_get(
        api, "jurisdiction=US&rule=response&start=2019-01-16&extension=true&extension=false"
    )
    body = _refused(response, "extension")
    assert body["code"] == "repeated_parameter"


def test_a_repeated_identical_parameter_is_refused_too(api):
    response = client_get(api, "jurisdiction=US&jurisdiction=US&rule=response&start=2019-01-16")
    _refused(response, "jurisdiction")


def test_unknown_and_invalid_parameters_are_named_together(api):
    response = client_get(api, "jurisdiction=US&rule=response&start=2019-13-01&extention=true")
    body = _refused(response, "extention", "start")
    assert body["code"] == "unknown_parameter"


# --- forum: a federal court deadline in a district court's state --------------------------------


def test_forum_rolls_a_federal_answer_past_the_forum_states_legal_holiday(api):
    # 5 U.S.C. 552(a)(4)(C): the answer is due 30 days after service, Sat 2026-03-21 not
    # counted: Mar 22-31 (10), Apr 1-20 (30), Mon 2026-04-20. That is Patriots' Day, a legal
    # holiday in Massachusetts (G.L. c.4 §7, cl. 18: the third Monday of April), and FRCP
    # 6(a)(6)(C) makes a day "declared a holiday by the state where the district court is
    # located" a legal holiday for the last day of a period: in D. Mass. it rolls to Tue Apr 21.
    response = calculate(
        api, jurisdiction="US", rule="foia_answer", start="2026-03-21", forum="US-MA"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["due"] == "2026-04-21"
    assert body["forum"] == "US-MA"
    assert body["observance"] is None
    (patriots,) = [day for day in body["skipped"] if day["date"] == "2026-04-20"]
    assert patriots["kind"] == "legal_holiday"
    assert "Patriots' Day" in patriots["name"]
    assert "FRCP 6(a)(6)(C)" in patriots["citation"]
    assert "G.L. c.4 §7" in patriots["citation"]
    assert "legal holidays of US-MA" in body["preface"]
    assert body["summary"].startswith(body["preface"])


def test_without_a_forum_the_federal_answer_counts_federal_holidays_only(api):
    # FRCP 6(a)(6)(A): federal holidays only; Patriots' Day is not one, so Mon 2026-04-20 stands.
    body = calculate(api, jurisdiction="US", rule="foia_answer", start="2026-03-21").json()
    assert body["due"] == "2026-04-20"
    assert body["skipped"] == []
    assert body["forum"] is None
    assert body["observance"] is None
    assert body["preface"] == ""


def test_forum_is_case_insensitive_like_the_jurisdiction(api):
    body = calculate(
        api, jurisdiction="us", rule="foia_answer", start="2026-03-21", forum="us-ma"
    ).json()
    assert (body["due"], body["forum"]) == ("2026-04-21", "US-MA")


def test_an_unknown_forum_is_refused_by_name(api):
    response = calculate(
        api, jurisdiction="US", rule="foia_answer", start="2026-03-21", forum="US-ZZ"
    )
    body = _refused(response, "forum")
    assert body["code"] == "unknown_forum"
    assert "US-MA" in body["errors"]["forum"][0]  # the known forums


def test_a_forum_outside_federal_court_is_refused_by_name(api):
    # FRCP 6(a)(6)(C) governs federal court periods; a state statute's deadline has no forum.
    response = calculate(
        api, jurisdiction="US-CA", rule="response", start="2026-02-02", forum="US-CA"
    )
    body = _refused(response, "forum")
    assert body["code"] == "forum_not_federal"


def test_forum_applies_to_the_extended_date_too(api):
    # 5 U.S.C. 552(a)(6)(A)(i): 20 working days after Thu 2026-03-19: Mar 20 (1), 23-27 (6),
    # Mar 30-Apr 3 (11), Apr 6-10 (16), Apr 13-16 (20): Thu Apr 16. Extended by 10 working
    # days (552(a)(6)(B)(i)): Apr 17 (1), 20-24 (6), 27-30 (10): Thu Apr 30. Patriots' Day is
    # a business day for an agency (FRCP 6(a)(6)(C) governs a court's last day only), so only
    # the forum is echoed and the count is that of federal holidays.
    body = calculate(
        api,
        jurisdiction="US",
        rule="response",
        start="2026-03-19",
        extension="true",
        forum="US-MA",
    ).json()
    plain = calculate(
        api, jurisdiction="US", rule="response", start="2026-03-19", extension="true"
    ).json()
    assert body["due"] == plain["due"] == "2026-04-30"
    assert (body["forum"], body["extension"]) == ("US-MA", True)


# --- observance: the reading a statute leaves to the body ---------------------------------------


def test_texas_observance_of_a_weekend_holiday(api):
    # Tex. Gov't Code §552.301(b): 10 business days after Mon 2026-06-22: Jun 23-26 (4),
    # Jun 29-Jul 3 (9), Mon Jul 6 (10). Independence Day falls on Saturday 2026-07-04; read as
    # the statute gives it (§552.0031(a)) no weekday is off: Jul 6. A body that observes it on
    # the Friday before (§552.0031(e)) skips Fri Jul 3: Jul 7.
    default = calculate(
        api, jurisdiction="US-TX", rule="ag_ruling_request", start="2026-06-22"
    ).json()
    assert (default["due"], default["observance"]) == ("2026-07-06", None)
    observed = calculate(
        api,
        jurisdiction="US-TX",
        rule="ag_ruling_request",
        start="2026-06-22",
        observance="friday_monday",
    ).json()
    assert (observed["due"], observed["observance"]) == ("2026-07-07", "friday_monday")
    assert "§552.0031(e)" in observed["preface"]
    assert default["preface"] == ""
    friday = next(day for day in observed["skipped"] if day["date"] == "2026-07-03")
    assert friday["kind"] == "holiday"
    assert "552.0031" in friday["citation"]


def test_an_unknown_observance_is_refused_by_name(api):
    response = calculate(
        api,
        jurisdiction="US-TX",
        rule="ag_ruling_request",
        start="2026-06-22",
        observance="monday_only",
    )
    body = _refused(response, "observance")
    assert body["code"] == "unknown_observance"
    assert "friday_monday" in body["errors"]["observance"][0]


def test_an_observance_where_the_statute_leaves_no_choice_is_refused(api):
    response = calculate(
        api, jurisdiction="US", rule="response", start="2019-01-16", observance="statute"
    )
    _refused(response, "observance")


# --- The admin page -------------------------------------------------------------------------------


def test_admin_page_counts_with_a_forum_and_links_the_same_api_query(staff_client):
    # Same hand count as test_forum_rolls_a_federal_answer_past_the_forum_states_legal_holiday:
    # Patriots' Day (G.L. c.4 §7 cl. 18) rolls the last day in D. Mass. (FRCP 6(a)(6)(C)).
    response = staff_client.post(
        ADMIN_PAGE,
        {
            "jurisdiction": "US",
            "rule": "US:foia_answer",
            "start": "2026-03-21",
            "forum": "US-MA",
            "observance": "",
        },
    )
    assert response.status_code == 200
    assert response.context["explanation"].due.isoformat() == "2026-04-21"
    content = response.content.decode()
    assert "Patriots&#x27; Day" in content
    assert "forum=US-MA" in response.context["api_url"]


def test_admin_page_counts_with_a_texas_observance(staff_client):
    # Tex. Gov't Code §552.0031(e): see test_texas_observance_of_a_weekend_holiday.
    response = staff_client.post(
        ADMIN_PAGE,
        {
            "jurisdiction": "US-TX",
            "rule": "US-TX:ag_ruling_request",
            "start": "2026-06-22",
            "observance": "friday_monday",
        },
    )
    assert response.context["explanation"].due.isoformat() == "2026-07-07"
    assert "observance=friday_monday" in response.context["api_url"]


def test_admin_forum_outside_federal_court_and_foreign_observance_are_field_errors(staff_client):
    response = staff_client.post(
        ADMIN_PAGE,
        {
            "jurisdiction": "US-CA",
            "rule": "US-CA:response",
            "start": "2026-02-02",
            "forum": "US-CA",
            "observance": "friday_monday",
        },
    )
    assert response.context["explanation"] is None
    errors = response.context["form"].errors
    assert set(errors) == {"forum", "observance"}
    # In the names the page shows, not codes.
    assert errors["forum"] == [
        "A court forum applies only to federal court deadlines (United States (federal), "
        "FRCP 6(a)(6)(C)); California has none: leave the forum empty."
    ]
    assert errors["observance"][0].startswith(
        "“A weekend holiday also observed on the Friday before (Saturday) or the Monday after "
        "(Sunday)"
    )
    assert errors["observance"][0].endswith(
        "is not an observance of California: its statute leaves no choice; keep the statute's "
        "default."
    )


def test_a_bad_forum_and_a_bad_observance_are_named_together(api):
    response = calculate(
        api,
        jurisdiction="US-TX",
        rule="ag_ruling_request",
        start="2026-06-22",
        forum="US-TX",
        observance="sunday_only",
    )
    _refused(response, "forum", "observance")
