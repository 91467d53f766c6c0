"""Read-only API views over the tracker; the reporting API issue (#6) adds filters and writes."""

from __future__ import annotations

from rest_framework import viewsets

from . import selectors
from .serializers import (
    AgencySerializer,
    AppealSerializer,
    JurisdictionSerializer,
    LawsuitSerializer,
    RecordsRequestSerializer,
)


class JurisdictionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = JurisdictionSerializer
    queryset = selectors.jurisdiction_list()


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AgencySerializer
    queryset = selectors.agency_list()


class RecordsRequestViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RecordsRequestSerializer
    queryset = selectors.request_list()


class AppealViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AppealSerializer
    queryset = selectors.appeal_list()


class LawsuitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LawsuitSerializer
    queryset = selectors.lawsuit_list()
