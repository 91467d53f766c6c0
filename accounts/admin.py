"""The operator's view of everyone's API tokens: read, revoke, and issue one for a user.

Only a superuser gets here (the app grants no role anything): whoever may issue a token for
another user may act as that user. Nothing secret is on these pages: the key exists only in the
answer that issues it, and the hash is never shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import csrf_protect_m
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from rest_framework.authtoken.models import TokenProxy

from accounts.forms import IssueForUserForm
from accounts.models import ApiToken
from accounts.services import api_token_create, api_token_revoke

# DRF's token admin lists every plain-text key; those tokens are gone (accounts' migration 0002
# moved them here, hashed), and its page must not invite anyone to make new ones.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(ApiToken.Status.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> QuerySet[ApiToken]:
        now = timezone.now()
        usable = queryset.filter(revoked_at__isnull=True)
        if self.value() == ApiToken.Status.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == ApiToken.Status.EXPIRED:
            return usable.filter(expires_at__lte=now)
        if self.value() == ApiToken.Status.ACTIVE:
            return usable.exclude(expires_at__lte=now)
        return queryset


#: What a token's page shows, none of it editable: the key is nowhere, its hash not shown.
SHOWN = [
    "user",
    "name",
    "shown_prefix",
    "created_at",
    "last_used_at",
    "expires_at",
    "revoked_at",
    "status_label",
]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "shown_prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "status_label",
    ]
    list_filter = [StatusFilter, ("user", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    actions = ["revoke"]
    fields = tuple(SHOWN)
    readonly_fields = tuple(SHOWN)

    @admin.display(description="starts with", ordering="prefix")
    def shown_prefix(self, obj: ApiToken) -> str:
        return f"{obj.prefix}…"

    @admin.display(description="status")
    def status_label(self, obj: ApiToken) -> str:
        return str(obj.status().label)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Revoked, not deleted: the list keeps what was revoked and when. (A user deleted takes
        # their tokens with them.)
        return False

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = api_token_revoke(token_ids=list(queryset.values_list("pk", flat=True)))
        skipped = queryset.count() - count
        message = f"{count} tokens revoked: calls with them are refused from now on."
        if skipped:
            message += f" {skipped} were already revoked and were left as they are."
        messages.success(request, message)

    @csrf_protect_m
    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Issue a token for a user through the same service as the person's own page; the key
        is shown on the answer to the POST, once, and is not kept anywhere."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = IssueForUserForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                issued = api_token_create(
                    user=form.cleaned_data["user"],
                    name=form.cleaned_data["name"],
                    last_day=form.cleaned_data["last_day"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_addition(request, issued.token, [{"added": {}}])
                return self._page(request, "issued.html", "API token issued", issued=issued)
        status = 400 if form.errors else 200
        return self._page(request, "issue.html", "Issue an API token", status, form=form)

    def _page(
        self, request: HttpRequest, template: str, title: str, status: int = 200, **context: Any
    ) -> TemplateResponse:
        response = TemplateResponse(
            request,
            f"admin/accounts/apitoken/{template}",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                **context,
            },
            status=status,
        )
        response["Cache-Control"] = "no-store"
        return response
