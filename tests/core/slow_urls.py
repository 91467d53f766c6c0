"""The site's URLs plus two pages whose one statement outlasts any small statement timeout, to
test the web requests' time limit (core/middleware.py) on PostgreSQL through the real stack."""

from __future__ import annotations

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from foiatracker.urls import handler404, handler500
from foiatracker.urls import urlpatterns as site

__all__ = ["handler404", "handler500", "urlpatterns"]


def _sleep() -> None:
    # In a savepoint, as the services write: the cancelled statement rolls back only its own.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(30)")


def slow_page(request: HttpRequest) -> HttpResponse:
    _sleep()
    return HttpResponse("done")


class SlowApiView(APIView):
    def get(self, request: Request) -> Response:
        _sleep()
        return Response({"done": True})


urlpatterns = [
    path("slow/", slow_page),
    path("api/v1/slow/", SlowApiView.as_view()),
    *site,
]
