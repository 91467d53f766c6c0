"""The deadline calculator: GET /api/v1/deadlines/calculate/, /deadlines/rules/ and the admin page.

Every due date below was counted by hand on a printed calendar
(``python3 -c 'import calendar; print(calendar.month(2019, 1), calendar.month(2019, 2))'``);
the reasoning is in the comment next to it. No test depends on today's date.
"""

from __future__ import annotations

import datetime
import re

import pytest
from rest_framework.test import APIClient

from requests_app.deadlines.calendars import JURISDICTIONS
from requests_app.deadlines.rules import RULES
from requests_app.models import ClosureDay
from tests.api.calculator_client import ADMIN_PAGE, CALCULATE, RULES_URL, calculate
from tests.factories import UserFactory, api_key_for, jurisdiction

pytestmark = pytest.mark.django_db


# --- Success -------------------------------------------------------------------------------------


def test_us_response_skips_weekends_and_mlk_day(api):
    # 5 U.S.C. 552(a)(6)(A)(i): 20 days "excepting Saturdays, Sundays, and legal public holidays"
    # after receipt. Received Wednesday 2019-01-16 (not counted). Working days: Jan 17, 18 (2);
    # skip Sat 19, Sun 20, Mon 21 (Birthday of Martin Luther King, Jr., 5 U.S.C. 6103(a));
    # Jan 22-25 (6); skip 26-27; Jan 28-Feb 1 (11); skip Feb 2-3; Feb 4-8 (16); skip 9-10;
    # Feb 11, 12, 13, 14 (20). Due Thursday 2019-02-14. (The 2018-19 shutdown tolls nothing.)
    response = calculate(api, jurisdiction="US", rule="response", start="2019-01-16")
    assert response.status_code == 200
    body = response.json()
    assert body["due"] == "2019-02-14"
    assert body["rule"] == "response"
    assert body["jurisdiction"] == "US"
    assert body["citation"] == "5 U.S.C. 552(a)(6)(A)(i)"
    assert body["trigger"] == body["deemed_trigger"] == "2019-01-16"
    assert body["counting"] == "working"
    assert body["days"] == 20
    assert body["label"]
    assert body["summary"].startswith("Due 2019-02-14: 20 working days after 2019-01-16")
    assert [d["date"] for d in body["skipped"]] == [
        "2019-01-19",
        "2019-01-20",
        "2019-01-21",
        "2019-01-26",
        "2019-01-27",
        "2019-02-02",
        "2019-02-03",
        "2019-02-09",
        "2019-02-10",
    ]
    assert body["skipped"][2] == {
        "date": "2019-01-21",
        "name": "Birthday of Martin Luther King, Jr.",
        "kind": "holiday",
        "citation": "5 U.S.C. 6103(a)",
    }
    assert body["skipped"][0] == {
        "date": "2019-01-19",
        "name": "Saturday",
        "kind": "weekend",
        "citation": "",
    }
    assert body["skipped"][1]["name"] == "Sunday"


def test_massachusetts_request_received_on_saturday_is_deemed_received_after_patriots_day(api):
    # G.L. c.66 §10(a): 10 business days; 950 CMR 32.06(2)(e): a request received on a
    # non-business day is deemed received the next business day. Received Saturday 2019-04-13;
    # Sun 14; Mon 15 is Patriots' Day (third Monday of April, G.L. c.4 §7), so it is deemed
    # received Tuesday 2019-04-16. Counting: Apr 17, 18, 19 (3; Good Friday is no MA holiday);
    # skip 20-21; Apr 22-26 (8); skip 27-28; Apr 29, 30 (10). Due Tuesday 2019-04-30.
    response = calculate(api, jurisdiction="US-MA", rule="response", start="2019-04-13")
    assert response.status_code == 200
    body = response.json()
    assert body["due"] == "2019-04-30"
    assert body["trigger"] == "2019-04-13"
    assert body["deemed_trigger"] == "2019-04-16"
    assert body["citation"] == "G.L. c.66 §10(a); 950 CMR 32.03(3), 32.06(2)(e)"
    assert [(d["date"], d["name"]) for d in body["skipped"]] == [
        ("2019-04-13", "Saturday"),
        ("2019-04-14", "Sunday"),
        ("2019-04-15", "Patriots' Day"),
        ("2019-04-20", "Saturday"),
        ("2019-04-21", "Sunday"),
        ("2019-04-27", "Saturday"),
        ("2019-04-28", "Sunday"),
    ]
    assert "deemed received; actually received 2019-04-13" in body["summary"]


def test_us_answer_rolls_forward_over_veterans_day(api):
    # FRCP 12(a)(2): the United States answers within 60 days after service on the U.S. attorney.
    # Served Thursday 2019-09-12: 18 days to Sep 30, 31 more to Oct 31 (49), 11 more to Nov 11
    # (60), which is Veterans Day (5 U.S.C. 6103(a)); FRCP 6(a)(1)(C) rolls the last day forward
    # to Tuesday 2019-11-12.
    response = calculate(api, jurisdiction="US", rule="answer_us_defendant", start="2019-09-12")
    assert response.status_code == 200
    body = response.json()
    assert body["due"] == "2019-11-12"
    assert body["citation"] == "FRCP 12(a)(2)"
    assert body["counting"] == "calendar"
    assert body["roll_forward"] is True
    assert body["skipped"] == [
        {
            "date": "2019-11-11",
            "name": "Veterans Day",
            "kind": "holiday",
            "citation": "5 U.S.C. 6103(a)",
        }
    ]


def test_foia_answer_rolls_over_a_weekend_and_mlk_day(api):
    # 5 U.S.C. 552(a)(4)(C): 30 days after service of the complaint. Served Thursday 2019-12-19:
    # 12 days to Dec 31, 18 more to Saturday 2020-01-18 (30); Sun 19; Mon 20 is the Birthday of
    # Martin Luther King, Jr.; rolled forward (FRCP 6(a)(1)(C)) to Tuesday 2020-01-21.
    response = calculate(api, jurisdiction="US", rule="foia_answer", start="2019-12-19")
    body = response.json()
    assert body["due"] == "2020-01-21"
    assert body["citation"] == "5 U.S.C. 552(a)(4)(C)"
    assert [d["name"] for d in body["skipped"]] == [
        "Saturday",
        "Sunday",
        "Birthday of Martin Luther King, Jr.",
    ]


def test_parameters_are_trimmed_and_the_jurisdiction_is_case_insensitive(api):
    response = calculate(api, jurisdiction=" us ", rule="response", start="2019-01-16")
    assert response.status_code == 200
    assert response.json()["jurisdiction"] == "US"
    assert response.json()["due"] == "2019-02-14"


def test_closure_days_of_that_jurisdiction_are_skipped_and_named(api):
    # A staff-entered closure (an executive-order day off) is skipped like a holiday. With Friday
    # 2019-01-18 closed for the US, the count from 2019-01-16 needs one more working day: Friday
    # 2019-02-15 instead of Thursday 2019-02-14. A Massachusetts closure changes nothing here.
    ClosureDay.objects.create(
        jurisdiction=jurisdiction("US"), date=datetime.date(2019, 1, 18), reason="Executive order"
    )
    ClosureDay.objects.create(
        jurisdiction=jurisdiction("US-MA"), date=datetime.date(2019, 1, 17), reason="Snow"
    )
    body = calculate(api, jurisdiction="US", rule="response", start="2019-01-16").json()
    assert body["due"] == "2019-02-15"
    assert body["skipped"][0] == {
        "date": "2019-01-18",
        "name": "Closure: Executive order",
        "kind": "closure",
        "citation": "",
    }
    assert "2019-01-17" not in [d["date"] for d in body["skipped"]]


def test_first_supported_year_is_accepted(api):
    # 1986-01-02 (Thursday) + 20 working days: MLK Day was first observed Monday 1986-01-20.
    # Jan 3 (1); skip 4-5; Jan 6-10 (6); skip 11-12; Jan 13-17 (11); skip 18-19, Mon 20;
    # Jan 21-24 (15); skip 25-26; Jan 27-31 (20). Due Friday 1986-01-31.
    body = calculate(api, jurisdiction="US", rule="response", start="1986-01-02").json()
    assert body["due"] == "1986-01-31"
    assert "Birthday of Martin Luther King, Jr." in [d["name"] for d in body["skipped"]]


# --- Bad input: 400 naming the parameter ---------------------------------------------------------


@pytest.mark.parametrize("missing", ["jurisdiction", "rule", "start"])
@pytest.mark.parametrize("blank", [False, True])
def test_missing_parameter_is_400_naming_it(api, missing, blank):
    params = {"jurisdiction": "US", "rule": "response", "start": "2019-01-16"}
    if blank:
        params[missing] = ""
    else:
        del params[missing]
    response = calculate(api, **params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "missing_parameter"
    assert list(body["errors"]) == [missing]
    assert "required" in body["errors"][missing][0]
    assert body["message"].startswith(f"{missing}: ")


def test_no_parameters_at_all_names_all_three(api):
    body = api.get(CALCULATE).json()
    assert body["code"] == "missing_parameter"
    assert set(body["errors"]) == {"jurisdiction", "rule", "start"}
    # One sentence, its parts joined by "; " without the full stop of each (no ".;").
    assert body["message"] == (
        "jurisdiction: This parameter is required: a jurisdiction code such as US or US-MA; "
        "rule: This parameter is required: a rule code such as response; "
        "start: This parameter is required: the trigger date as YYYY-MM-DD, e.g. 2019-01-16."
    )
    assert ".;" not in body["error"]["message"]


def test_unknown_jurisdiction_lists_the_known_ones(api):
    response = calculate(api, jurisdiction="US-ZZ", rule="response", start="2019-01-16")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unknown_jurisdiction"
    assert list(body["errors"]) == ["jurisdiction"]
    message = body["errors"]["jurisdiction"][0]
    assert "'US-ZZ'" in message
    assert all(code in message for code in JURISDICTIONS)
    assert message in body["message"]


def test_unknown_rule_lists_that_jurisdictions_rules(api):
    # appeal_window is a federal rule; Massachusetts has only "response".
    response = calculate(api, jurisdiction="US-MA", rule="appeal_window", start="2019-01-16")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unknown_rule"
    assert list(body["errors"]) == ["rule"]
    assert body["errors"]["rule"] == [
        "Jurisdiction US-MA has no deadline rule 'appeal_window'; its rules: response"
    ]


@pytest.mark.parametrize(
    "start",
    ["16/01/2019", "2019-1-16", "20190116", "2019-W03-3", "2019-01-16T00:00", "yesterday"],
)
def test_malformed_date_names_the_expected_form(api, start):
    response = calculate(api, jurisdiction="US", rule="response", start=start)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_date"
    assert list(body["errors"]) == ["start"]
    assert "YYYY-MM-DD" in body["errors"]["start"][0]
    assert repr(start) in body["errors"]["start"][0]


def test_impossible_date_is_400(api):
    body = calculate(api, jurisdiction="US", rule="response", start="2019-02-30").json()
    assert body["code"] == "invalid_date"
    assert "'2019-02-30' is not a calendar date" in body["errors"]["start"][0]


@pytest.mark.parametrize("start", ["1985-12-31", "0001-01-01", "2101-01-01", "9999-12-31"])
def test_year_out_of_supported_range_is_400(api, start):
    response = calculate(api, jurisdiction="US", rule="response", start=start)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unsupported_year"
    assert list(body["errors"]) == ["start"]
    assert "1986-01-01 through 2100-12-31" in body["errors"]["start"][0]


def test_a_missing_parameter_outranks_other_problems(api):
    body = calculate(api, jurisdiction="XX", start="2019-01-16").json()
    assert body["code"] == "missing_parameter"
    assert set(body["errors"]) == {"jurisdiction", "rule"}


# --- Authentication -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", [f"{CALCULATE}?jurisdiction=US&rule=response&start=2019-01-16", RULES_URL]
)
def test_anonymous_callers_get_401(url):
    assert APIClient().get(url).status_code == 401


def test_token_holder_can_calculate():
    key = api_key_for(UserFactory(is_staff=False))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = calculate(client, jurisdiction="US", rule="response", start="2019-01-16")
    assert response.status_code == 200
    assert response.json()["due"] == "2019-02-14"


def test_wrong_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert (
        calculate(client, jurisdiction="US", rule="response", start="2019-01-16").status_code == 401
    )


# --- The rules list -------------------------------------------------------------------------------


def test_rules_list_has_every_rule(api):
    response = api.get(RULES_URL)
    assert response.status_code == 200
    rules = response.json()
    assert [(r["jurisdiction"], r["code"]) for r in rules] == [
        (r.jurisdiction, r.code) for r in RULES
    ]
    by_key = {(r["jurisdiction"], r["code"]): r for r in rules}
    assert by_key["US", "response"] == {
        "jurisdiction": "US",
        "code": "response",
        "label": "Determination on a FOIA request",
        "citation": "5 U.S.C. 552(a)(6)(A)(i)",
        "counting": "working",
        "days": 20,
        "roll_forward": False,
        "deemed_receipt": False,
        "extension_days": 10,
        "extension_citation": "5 U.S.C. 552(a)(6)(B)(i)",
        "policy": False,
        "note": "",
        "trigger": "receipt",
    }
    assert by_key["US-MA", "response"]["deemed_receipt"] is True
    assert by_key["US", "foia_answer"]["roll_forward"] is True
    assert by_key["US-FL", "follow_up"]["policy"] is True


def test_rules_list_filters_by_jurisdiction(api):
    rules = api.get(RULES_URL, {"jurisdiction": "us-ma"}).json()
    assert [(r["jurisdiction"], r["code"]) for r in rules] == [("US-MA", "response")]


def test_rules_list_unknown_jurisdiction_is_400(api):
    response = api.get(RULES_URL, {"jurisdiction": "XX"})
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_jurisdiction"
    assert list(response.json()["errors"]) == ["jurisdiction"]


def test_schema_documents_the_calculator(api):
    schema = api.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/deadlines/calculate/" in schema.content
    assert b"/api/v1/deadlines/rules/" in schema.content


# --- The admin page -------------------------------------------------------------------------------


def test_admin_page_shows_the_form(staff_client):
    response = staff_client.get(ADMIN_PAGE)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Deadline calculator" in content
    assert 'href="/admin/"' in content  # breadcrumbs home
    # Rules by their names, grouped under their jurisdictions' names: no stored codes.
    assert (
        '<option value="US:response" selected>'
        "Determination on a FOIA request (20 working days, 5 U.S.C. 552(a)(6)(A)(i))</option>"
    ) in content
    assert '<optgroup label="Massachusetts">' in content
    assert '<optgroup label="United States (federal)">' in content
    assert '<optgroup label="US-MA">' not in content
    options = re.findall(r"<option[^>]*>([^<]*)</option>", content)
    for code in {rule.code for rule in RULES if "_" in rule.code}:
        assert not any(code in text for text in options), code
    assert not any(re.search(r"\bUS(-[A-Z]{2})? —", text) for text in options)
    assert 'name="start"' in content


def test_admin_page_computes_the_due_date(staff_client):
    # Same hand count as test_us_response_skips_weekends_and_mlk_day.
    response = staff_client.post(
        ADMIN_PAGE, {"jurisdiction": "US", "rule": "US:response", "start": "2019-01-16"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Due Thursday, 14 February 2019 (2019-02-14)" in content
    assert "Due 2019-02-14: 20 working days after 2019-01-16 (5 U.S.C. 552(a)(6)(A)(i))" in content
    assert "Birthday of Martin Luther King, Jr." in content
    assert "Non-working days skipped (9)" in content
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))
    assert "Rule Determination on a FOIA request (United States (federal))" in text
    assert "2019-01-21 Monday Birthday of Martin Luther King, Jr. Holiday: offices closed" in text
    assert "2019-01-19 Saturday Saturday Weekend" in text
    table = content.split('id="skipped-days"')[1].split("</table>")[0]
    kinds = re.findall(r"<td>([^<]*)</td></tr>", table)
    assert set(kinds) == {"Weekend", "Holiday: offices closed"}  # in words, not codes
    assert response.context["explanation"].due == datetime.date(2019, 2, 14)
    assert (
        "/api/v1/deadlines/calculate/?jurisdiction=US&amp;rule=response&amp;start=2019-01-16"
        in (content)
    )


def test_admin_page_shows_deemed_receipt(staff_client):
    response = staff_client.post(
        ADMIN_PAGE, {"jurisdiction": "US-MA", "rule": "US-MA:response", "start": "2019-04-13"}
    )
    content = response.content.decode()
    assert "(2019-04-30)" in content
    assert "deemed received Tue 2019-04-16" in content
    assert "Patriots&#x27; Day" in content


def test_admin_rule_of_another_jurisdiction_is_a_field_error(staff_client):
    response = staff_client.post(
        ADMIN_PAGE, {"jurisdiction": "US", "rule": "US-MA:response", "start": "2019-01-16"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert response.context["explanation"] is None
    assert list(form.errors) == ["rule"]
    assert form.errors["rule"] == [
        "“Response to a public records request” is a rule of Massachusetts, not of United States "
        "(federal). The rules of United States (federal): “Determination on a FOIA request”, "
        "“Determination on an administrative appeal”, “Unusual-circumstances extension (counted "
        "from the due date it extends)”, “Decision on a request for expedited processing”, "
        "“Last day to file an administrative appeal”, “Agency's answer to a FOIA complaint”, "
        "“Answer by the United States, its agency or officer”."
    ]


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("16/01/2019", "Enter the date as YYYY-MM-DD"),
        ("", "This field is required."),
        ("1985-06-01", "1986-01-01 through 2100-12-31"),
    ],
)
def test_admin_bad_date_is_a_field_error(staff_client, start, expected):
    response = staff_client.post(
        ADMIN_PAGE, {"jurisdiction": "US", "rule": "US:response", "start": start}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["start"]
    assert expected in errors["start"][0]
    assert "Please correct the errors below." in response.content.decode()


def test_admin_unknown_choice_is_a_field_error(staff_client):
    response = staff_client.post(
        ADMIN_PAGE, {"jurisdiction": "US-ZZ", "rule": "US:nope", "start": "2019-01-16"}
    )
    assert set(response.context["form"].errors) == {"jurisdiction", "rule"}


def test_admin_page_needs_a_staff_login(client):
    response = client.get(ADMIN_PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={ADMIN_PAGE}"
    client.force_login(UserFactory(is_staff=False))
    assert client.get(ADMIN_PAGE).status_code == 302
    assert client.post(ADMIN_PAGE, {"jurisdiction": "US"}).status_code == 302


def test_admin_index_links_to_the_calculator(staff_client):
    content = staff_client.get("/admin/").content.decode()
    assert f'href="{ADMIN_PAGE}"' in content
    assert "Recent actions" in content  # the default index is still there
