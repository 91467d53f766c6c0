"""The calculator's `extension=true`: the due date with the rule's longest statutory extension,
from the API and the admin page; and the rules list with the new state rules.

Every due date was counted by hand on a printed calendar
(``python3 -c 'import calendar; print(calendar.month(2019, 2), calendar.month(2019, 3))'``).
"""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from requests_app.deadlines.rules import RULES
from tests.api.calculator_client import ADMIN_PAGE, CALCULATE, RULES_URL, calculate

pytestmark = pytest.mark.django_db


def test_federal_response_with_the_unusual_circumstances_extension(api):
    # 5 U.S.C. 552(a)(6)(B)(i): "the time limits prescribed in ... subparagraph (A) may be
    # extended by written notice ... [by] not ... more than ten working days". Received Wed
    # 2019-01-16, due Thu 2019-02-14 (552(a)(6)(A)(i)); + 10 working: Fri 15 (1), skip 16 17
    # and Washington's Birthday Mon 18, 19-22 (5), 25-28 (9), Fri Mar 1 (10).
    body = calculate(
        api, jurisdiction="US", rule="response", start="2019-01-16", extension="true"
    ).json()
    assert body["due"] == "2019-03-01"
    assert body["extension"] is True
    assert body["citation"] == "5 U.S.C. 552(a)(6)(B)(i)"
    assert body["trigger"] == "2019-02-14"
    assert body["days"] == 10
    assert {"due", "rule", "citation", "skipped", "summary", "preface"} <= set(body)
    assert body["preface"] == "Extends the response deadline due 2019-02-14."
    washington = next(day for day in body["skipped"] if day["date"] == "2019-02-18")
    assert (washington["name"], washington["kind"]) == ("Washington's Birthday", "holiday")
    plain = calculate(api, jurisdiction="US", rule="response", start="2019-01-16").json()
    assert plain["due"] == "2019-02-14"
    assert plain["extension"] is False
    assert (
        calculate(
            api, jurisdiction="US", rule="response", start="2019-01-16", extension="false"
        ).json()
        == plain
    )


def test_california_extension_is_one_limit_of_twenty_four_days_rolled_once(api):
    # Gov. Code §7922.535(a)-(b): 10 days, "extended by written notice ... for no more than 14
    # days". Received Tue 2019-11-05: 10 + 14 = 24 days -> Fri 2019-11-29, the day after
    # Thanksgiving (Gov. Code §6700(a)); Sat 30, Sun Dec 1 -> Mon 2019-12-02 (CCP §§12, 12a).
    body = calculate(
        api, jurisdiction="US-CA", rule="response", start="2019-11-05", extension="true"
    ).json()
    assert body["due"] == "2019-12-02"
    assert body["days"] == 24
    assert body["trigger"] == "2019-11-05"
    assert "10 + 14 days from the trigger" in body["preface"]


def test_illinois_extension_is_five_more_business_days(api):
    # 5 ILCS 140/3(d): 5 business days after receipt; 3(e): "extended ... for not more than 5
    # business days from the original due date". Received Fri 2019-03-01: Mar 4-8 (5) -> Fri
    # Mar 8; + 5: Mar 11-15 -> Fri 2019-03-15.
    body = calculate(
        api, jurisdiction="US-IL", rule="response", start="2019-03-01", extension="true"
    ).json()
    assert body["due"] == "2019-03-15"
    assert body["trigger"] == "2019-03-08"


@pytest.mark.parametrize("value", ["yes", "1", "True", "", "on"])
def test_extension_takes_only_true_or_false(api, value):
    response = calculate(
        api, jurisdiction="US", rule="response", start="2019-01-16", extension=value
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"extension"}
    assert body["error"]["fields"] == body["errors"]
    assert set(body["error"]) == {"code", "message", "fields"}


@pytest.mark.parametrize(
    ("jurisdiction", "rule"),
    [("US-MA", "response"), ("US", "unusual_extension"), ("US-NY", "response")],
)
def test_a_rule_without_an_extension_is_a_400_naming_extension(api, jurisdiction, rule):
    # G.L. c.66 §10(a) has no extension the agency takes by notice alone; the unusual
    # circumstances extension is not itself extended; POL §89(3)(a) sets a ceiling, not an
    # extension.
    response = calculate(
        api, jurisdiction=jurisdiction, rule=rule, start="2019-01-16", extension="true"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "no_extension"
    assert set(body["errors"]) == {"extension"}
    assert "has no statutory extension" in body["errors"]["extension"][0]
    assert body["error"]["code"] == "no_extension"


def test_anonymous_callers_get_401_with_the_error_shape():
    response = APIClient().get(
        CALCULATE,
        {"jurisdiction": "US", "rule": "response", "start": "2019-01-16", "extension": "true"},
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_the_rules_list_has_the_new_state_rules_and_each_extension(api):
    body = api.get(RULES_URL).json()
    assert len(body) == len(RULES)
    by_key = {(r["jurisdiction"], r["code"]): r for r in body}
    assert by_key[("US-NY", "response")]["trigger"] == "acknowledgment"
    assert by_key[("US-NY", "appeal_response")]["citation"] == "Public Officers Law §89(4)(a)"
    assert by_key[("US-TX", "ag_submission")]["days"] == 15
    assert by_key[("US-IL", "commercial_response")]["trigger"] == "commercial_receipt"
    assert by_key[("US-IL", "recurrent_response")]["extension_days"] is None
    assert by_key[("US-CA", "response")]["extension_days"] == 14
    assert by_key[("US-CA", "response")]["extension_citation"] == "Gov. Code §7922.535"


def test_the_admin_page_computes_with_the_extension(staff_client):
    response = staff_client.post(
        ADMIN_PAGE,
        {"jurisdiction": "US", "rule": "US:response", "start": "2019-01-16", "extension": "on"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "2019-03-01" in text
    assert "extension=true" in text  # the same result from the API
    refused = staff_client.post(
        ADMIN_PAGE,
        {
            "jurisdiction": "US-MA",
            "rule": "US-MA:response",
            "start": "2019-01-16",
            "extension": "on",
        },
    )
    assert refused.context["form"].errors["extension"] == [
        "“Response to a public records request” of Massachusetts (G.L. c.66 §10(a); "
        "950 CMR 32.03(3), 32.06(2)(e)) has no statutory extension."
    ]
    extended = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))
    assert "Rule Extension of: Determination on a FOIA request (United States (federal))" in (
        extended
    )
    assert "response_extension" not in extended
