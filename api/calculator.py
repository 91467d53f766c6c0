"""The deadline calculator under /api/v1/deadlines/: one rule applied to one date, and the rules.

A stable interface (docs/design.md, "Stable interfaces"): ``calculate`` answers the due
date with the rule, its citation and every non-working day passed over; any bad parameter is a 400
``{"code", "message", "errors": {param: [...]}}`` naming the parameter. The counting itself is
``deadline_calculate`` in ``requests_app.deadlines.selectors``; this module only parses the query
and presents the result. The admin page computes through the same function.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, get_args

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from api.errors import error_body, joined_message
from requests_app.deadlines.calendars import (
    FORUMS,
    JURISDICTIONS,
    NonWorkingKind,
    UnknownJurisdiction,
    UnknownObservance,
    observance_choices,
)
from requests_app.deadlines.rules import (
    RULES,
    DeadlineRule,
    NoExtension,
    UnknownRule,
    compute,
    get_rule,
    rules_for,
)
from requests_app.deadlines.selectors import (
    FEDERAL,
    ForumOutsideFederalCourt,
    deadline_calculate,
    year_range_error,
)

#: The last year a start date may fall in. Holiday law is only known as enacted, and a start date
#: generations ahead is far more likely a typo (2109 for 2019) than a deadline; the bound also
#: keeps every count well clear of the end of ``datetime.date``.

DATE_FORM = "YYYY-MM-DD, e.g. 2019-01-16"


# --- Query parameters ----------------------------------------------------------------------------

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class IsoDateField(serializers.DateField):
    """A date written exactly YYYY-MM-DD.

    Stricter than DRF's ISO parsing, which (through ``date.fromisoformat``) would also take
    ``20190116`` or ``2019-W03-3``: a lawyer's typo should be an error, not a different date.
    """

    default_error_messages = {
        "required": f"This parameter is required: the trigger date as {DATE_FORM}.",
        "invalid_format": "Expected a date in the form " + DATE_FORM + "; got {value!r}.",
        "invalid_date": "{value!r} is not a calendar date; expected " + DATE_FORM + ".",
    }

    def to_internal_value(self, value: Any) -> date:
        if value == "":
            self.fail("required")
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
            self.fail("invalid_format", value=value)
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            self.fail("invalid_date", value=value)


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanField(serializers.Field[bool, Any, bool, Any]):
    """``true`` or ``false``, exactly: DRF's BooleanField would also take 1, yes or on, and a
    lawyer's typo should be an error, not a different date."""

    default_error_messages = {"invalid": "Expected true or false; got {value!r}."}

    def get_value(self, dictionary: Any) -> Any:
        # DRF reads an empty query value of an optional field as "not given"; here it is a typo.
        if self.field_name in dictionary and dictionary[self.field_name] == "":
            return ""
        return super().get_value(dictionary)

    def to_internal_value(self, data: Any) -> bool:
        if data in ("true", True):
            return True
        if data in ("false", False):
            return False
        self.fail("invalid", value=data)

    def to_representation(self, value: bool) -> bool:
        return value


class DeadlineQuerySerializer(serializers.Serializer[Any]):
    """The calculator's query parameters; checks the rule belongs to the jurisdiction."""

    jurisdiction = serializers.CharField(
        help_text="Jurisdiction code: " + ", ".join(JURISDICTIONS) + ".",
        error_messages={
            "required": "This parameter is required: a jurisdiction code such as US or US-MA.",
            "blank": "This parameter is required: a jurisdiction code such as US or US-MA.",
        },
    )
    rule = serializers.CharField(
        help_text="Rule code of that jurisdiction, e.g. response (see /api/v1/deadlines/rules/).",
        error_messages={
            "required": "This parameter is required: a rule code such as response.",
            "blank": "This parameter is required: a rule code such as response.",
        },
    )
    start = IsoDateField(
        help_text="The trigger date (receipt, determination, service...), YYYY-MM-DD. "
        "It is never counted itself."
    )
    extension = StrictBooleanField(
        required=False,
        default=False,
        help_text="true: the due date with the rule's longest statutory extension (see "
        "extension_days in /api/v1/deadlines/rules/); a rule with none is a 400. "
        "Only true or false.",
    )
    forum = serializers.CharField(
        required=False,
        default=None,
        help_text="Federal court deadlines (jurisdiction US) only: the state where the district "
        "court sits, whose legal holidays a last day also rolls past (FRCP 6(a)(6)(C)): "
        + ", ".join(FORUMS)
        + ". Without it, federal holidays only.",
    )
    observance = serializers.CharField(
        required=False,
        default=None,
        help_text="Where the jurisdiction's statute leaves the reading of its holidays to the "
        "body that counts, which one (US-TX: "
        + ", ".join(observance_choices("US-TX"))
        + "). Without it, the statute's default.",
    )

    def validate_jurisdiction(self, value: str) -> str:
        code = value.upper()
        if code not in JURISDICTIONS:
            raise serializers.ValidationError(
                str(UnknownJurisdiction(value)), code="unknown_jurisdiction"
            )
        return code

    def validate_forum(self, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.strip().upper()
        if code not in FORUMS:
            raise serializers.ValidationError(
                f"Unknown court forum {value!r}; known forums: {', '.join(FORUMS)}.",
                code="unknown_forum",
            )
        return code

    def validate_start(self, value: date) -> date:
        problem = year_range_error(value)
        if problem:
            raise serializers.ValidationError(problem, code="unsupported_year")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            rule = get_rule(attrs["jurisdiction"], attrs["rule"])
        except UnknownRule as exc:
            raise serializers.ValidationError({"rule": [str(exc)]}, code="unknown_rule") from exc
        # A bad forum and a bad observance are both named, not the first one alone.
        variant_errors: dict[str, list[ErrorDetail]] = {}
        forum, observance = attrs.get("forum"), attrs.get("observance")
        if forum is not None and attrs["jurisdiction"] != FEDERAL:
            outside = ForumOutsideFederalCourt(attrs["jurisdiction"], forum)
            variant_errors["forum"] = [ErrorDetail(str(outside), code="forum_not_federal")]
        if observance is not None:
            allowed = observance_choices(attrs["jurisdiction"])
            if observance not in allowed:
                unknown = UnknownObservance(attrs["jurisdiction"], observance, allowed)
                variant_errors["observance"] = [
                    ErrorDetail(str(unknown), code="unknown_observance")
                ]
        if variant_errors:
            raise serializers.ValidationError(variant_errors)
        if attrs.get("extension"):
            try:
                rule.extension()
            except NoExtension as exc:
                raise serializers.ValidationError(
                    {"extension": [ErrorDetail(str(exc), code="no_extension")]}
                ) from exc
        return attrs


# --- Responses (for the schema) ------------------------------------------------------------------


# Built with inline_serializer: "label" and "errors" are attribute names of DRF's own classes, so
# they cannot be declared as fields on a Serializer subclass. They document responses only.

_SKIPPED_DAY = inline_serializer(
    "SkippedDay",
    {
        "date": serializers.DateField(),
        "name": serializers.CharField(help_text='"Saturday", "Memorial Day", "Closure: ..."'),
        "kind": serializers.ChoiceField(
            choices=list(get_args(NonWorkingKind)),
            help_text="legal_holiday: offices are open, but a last day rolls past it.",
        ),
        "citation": serializers.CharField(
            allow_blank=True,
            help_text="The statute that makes the day a holiday; empty for weekends and closures.",
        ),
    },
    many=True,
)

_COUNTING = serializers.ChoiceField(choices=["working", "calendar"])

DEADLINE_CALCULATION = inline_serializer(
    "DeadlineCalculation",
    {
        "due": serializers.DateField(),
        "jurisdiction": serializers.CharField(),
        "rule": serializers.CharField(),
        "label": serializers.CharField(),
        "citation": serializers.CharField(),
        "trigger": serializers.DateField(),
        "deemed_trigger": serializers.DateField(
            help_text="The day counting starts from: the trigger, or the next business day where "
            "a request received on a non-business day is deemed received then (US-MA)."
        ),
        "counting": _COUNTING,
        "days": serializers.IntegerField(),
        "roll_forward": serializers.BooleanField(),
        "policy": serializers.BooleanField(help_text="Set by our policy, not by statute."),
        "note": serializers.CharField(allow_blank=True),
        "skipped": _SKIPPED_DAY,
        "preface": serializers.CharField(
            allow_blank=True, help_text="How the trigger came about; empty for a plain rule."
        ),
        "summary": serializers.CharField(),
        "extension": serializers.BooleanField(
            help_text="Whether the date includes the rule's longest statutory extension."
        ),
        "forum": serializers.CharField(
            allow_null=True, help_text="The court forum counted with, null when none was given."
        ),
        "observance": serializers.CharField(
            allow_null=True,
            help_text="The observance counted with, null for the statute's default.",
        ),
    },
)

CALCULATOR_ERROR = inline_serializer(
    "DeadlineCalculatorError",
    {
        "code": serializers.ChoiceField(
            choices=[
                "missing_parameter",
                "unknown_jurisdiction",
                "unknown_rule",
                "invalid_date",
                "unsupported_year",
                "no_extension",
                "invalid_parameter",
                "unknown_parameter",
                "repeated_parameter",
                "unknown_forum",
                "forum_not_federal",
                "unknown_observance",
            ]
        ),
        "message": serializers.CharField(),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="Parameter name -> what is wrong with it.",
        ),
        "error": serializers.JSONField(
            help_text="The same, in the API-wide error shape: {code, message, fields}."
        ),
    },
)

#: The fields of ``DeadlineRule`` the rules list shows, in order.
_RULE_FIELDS = (
    "jurisdiction",
    "code",
    "label",
    "citation",
    "counting",
    "days",
    "roll_forward",
    "deemed_receipt",
    "extension_days",
    "extension_citation",
    "policy",
    "note",
    "trigger",
)

DEADLINE_RULE = inline_serializer(
    "DeadlineRule",
    {
        "jurisdiction": serializers.CharField(),
        "code": serializers.CharField(),
        "label": serializers.CharField(),
        "citation": serializers.CharField(),
        "counting": _COUNTING,
        "days": serializers.IntegerField(),
        "roll_forward": serializers.BooleanField(),
        "deemed_receipt": serializers.BooleanField(),
        "extension_days": serializers.IntegerField(allow_null=True),
        "extension_citation": serializers.CharField(allow_null=True),
        "policy": serializers.BooleanField(),
        "note": serializers.CharField(allow_blank=True),
        "trigger": serializers.CharField(
            help_text="The event that starts the clock, e.g. receipt."
        ),
    },
    many=True,
)


def _rule_as_dict(rule: DeadlineRule) -> dict[str, Any]:
    return {name: getattr(rule, name) for name in _RULE_FIELDS}


_TOP_LEVEL_CODES = {
    "required": "missing_parameter",
    "blank": "missing_parameter",
    "null": "missing_parameter",
    "unknown_jurisdiction": "unknown_jurisdiction",
    "unknown_rule": "unknown_rule",
    "invalid_format": "invalid_date",
    "invalid_date": "invalid_date",
    "unsupported_year": "unsupported_year",
    "no_extension": "no_extension",
    "unknown_parameter": "unknown_parameter",
    "repeated_parameter": "repeated_parameter",
    "unknown_forum": "unknown_forum",
    "forum_not_federal": "forum_not_federal",
    "unknown_observance": "unknown_observance",
}

#: The query parameters the calculator reads, and DRF's own ``format``. Anything else is refused:
#: a misspelt ``extention`` answered with the plain date would be a wrong deadline given with
#: confidence.
_CALCULATOR_PARAMETERS = frozenset(
    [*DeadlineQuerySerializer().fields, api_settings.URL_FORMAT_OVERRIDE]
)


def _query_problems(query: Any) -> dict[str, list[ErrorDetail]]:
    """Each parameter not known to the calculator or given more than once, by name: a repeated
    one would otherwise count with whichever value came last."""
    problems: dict[str, list[ErrorDetail]] = {}
    known = ", ".join(sorted(_CALCULATOR_PARAMETERS))
    for name, values in query.lists():
        if name not in _CALCULATOR_PARAMETERS:
            message = f"Unknown parameter {name!r}; the calculator takes: {known}."
            problems[name] = [ErrorDetail(message, code="unknown_parameter")]
        elif len(values) > 1:
            message = f"Given {len(values)} times; give it once."
            problems[name] = [ErrorDetail(message, code="repeated_parameter")]
    return problems


def _bad_request(errors: Mapping[str, Sequence[Any]]) -> Response:
    """400 ``{"code", "message", "errors"}``; a missing parameter outranks any other problem."""
    details = [(param, detail) for param, found in errors.items() for detail in found]
    codes = [_TOP_LEVEL_CODES.get(getattr(d, "code", ""), "invalid_parameter") for _, d in details]
    code = "missing_parameter" if "missing_parameter" in codes else codes[0]
    message = joined_message([f"{param}: {detail}" for param, detail in details])
    fields = {param: [str(d) for d in found] for param, found in errors.items()}
    # The API-wide error object (api.errors) beside the calculator's own keys, which stay.
    return Response(
        {"code": code, "message": message, "errors": fields, **error_body(code, message, fields)},
        status=400,
    )


_EXAMPLE = {
    **compute(("US", "response"), date(2019, 1, 16)).as_dict(),
    "extension": False,
    "forum": None,
    "observance": None,
}


class CalculatorView(APIView):
    """The calculator's endpoints answer every 400 in their own shape, even one raised before the
    view runs (an unknown ``?format=``, refused by the content negotiation)."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ValidationError) and isinstance(exc.detail, dict):
            return _bad_request(
                {
                    name: found if isinstance(found, list) else [found]
                    for name, found in exc.detail.items()
                }
            )
        return super().handle_exception(exc)


class DeadlineCalculateView(CalculatorView):
    """``GET /api/v1/deadlines/calculate/?jurisdiction=US&rule=response&start=2019-01-16``.

    Any login may use it (no role needed): it shows the law, no records."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="deadlines_calculate",
        tags=["deadlines"],
        summary="Compute a due date under one deadline rule",
        description=(
            "Applies a jurisdiction's deadline rule to a trigger date. The trigger day is never "
            "counted; working days skip weekends, the jurisdiction's legal holidays as observed "
            "and staff-entered closure days; court-style calendar-day rules roll a last day that "
            "is not a working day forward (FRCP 6(a)(1)(C)). `skipped` lists every non-working "
            "day passed over. With `extension=true`, the due date after the rule's longest "
            "statutory extension (a rule with none is a 400 naming `extension`). `forum` "
            "(jurisdiction US only) also rolls a last day past the legal holidays of the state "
            "where the district court sits (FRCP 6(a)(6)(C)); `observance` picks the reading "
            "of holidays a statute leaves to the body (US-TX). Any bad parameter, any "
            "parameter the calculator does not take and any parameter given twice is a 400 "
            "naming it in `errors`."
        ),
        parameters=[DeadlineQuerySerializer],
        responses={200: DEADLINE_CALCULATION, 400: CALCULATOR_ERROR},
        examples=[
            OpenApiExample(
                "US FOIA response, received 2019-01-16",
                value=_EXAMPLE,
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "Unknown rule",
                value={
                    "code": "unknown_rule",
                    "message": f"rule: {UnknownRule('US-MA', 'appeal_window')}",
                    "errors": {"rule": [str(UnknownRule("US-MA", "appeal_window"))]},
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def get(self, request: Request) -> Response:
        problems = _query_problems(request.query_params)
        query = DeadlineQuerySerializer(data=request.query_params)
        if not query.is_valid():
            for name, found in query.errors.items():
                problems.setdefault(name, found)
        if problems:
            return _bad_request(problems)
        given = query.validated_data
        explanation = deadline_calculate(**given)
        return Response(
            {
                **explanation.as_dict(),
                "extension": given["extension"],
                "forum": given["forum"],
                "observance": given["observance"],
            }
        )


class DeadlineRuleListView(CalculatorView):
    """``GET /api/v1/deadlines/rules/``: every rule, optionally of one ``jurisdiction``.
    Any login may use it, like the calculator."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="deadlines_rules_list",
        tags=["deadlines"],
        summary="List the deadline rules",
        description="Every deadline rule the calculator knows, in table order.",
        parameters=[
            OpenApiParameter(
                "jurisdiction",
                OpenApiTypes.STR,
                description="Only this jurisdiction's rules: " + ", ".join(JURISDICTIONS) + ".",
            )
        ],
        responses={200: DEADLINE_RULE, 400: CALCULATOR_ERROR},
    )
    def get(self, request: Request) -> Response:
        jurisdiction = request.query_params.get("jurisdiction")
        if jurisdiction is None:
            return Response([_rule_as_dict(rule) for rule in RULES])
        try:
            rules = rules_for(jurisdiction.strip().upper())
        except UnknownJurisdiction as exc:
            detail = ErrorDetail(str(exc), code="unknown_jurisdiction")
            return _bad_request({"jurisdiction": [detail]})
        return Response([_rule_as_dict(rule) for rule in rules])
