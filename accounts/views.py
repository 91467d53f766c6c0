"""Each person's API tokens page: list, create (the key shown once), revoke.

Open to every logged-in person, whatever their role: reporting clients, who have no dashboard
and no admin, make their tokens here. A person sees and revokes only their own tokens (another's
is a 404, as if it did not exist). The pages wear the dashboard's look (templates/accounts/).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.forms import ApiTokenForm
from accounts.selectors import api_tokens_of
from accounts.services import IssuedToken, api_token_create, api_token_revoke
from core import roles
from core.links import absolute_url


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200):
    return render(
        request,
        template,
        {
            "nav": "tokens",
            # Lawyers and staff see the dashboard's navigation; everyone else only what they
            # may open (this page and the API's docs).
            "reads_dashboard": roles.user_has_role(request.user, roles.LAWYER, roles.STAFF),
            **context,
        },
        status=status,
    )


# never_cache: the answer that carries a new key must not be kept by the browser or a proxy,
# and the list must never come back from a cache with a key in it.
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm()
    issued: IssuedToken | None = None
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                issued = api_token_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    last_day=form.cleaned_data["last_day"],
                )
            except ValidationError as error:
                form.add_error(None, error)  # by field: name, last_day
        if issued is not None:
            form = ApiTokenForm()  # a fresh form for the next token
    now = timezone.now()
    tokens = [(token, token.status(now)) for token in api_tokens_of(request.user)]
    return _page(
        request,
        "accounts/tokens.html",
        {
            "title": "API tokens",
            "form": form,
            "issued": issued,
            "tokens": tokens,
            "api_root": absolute_url(reverse("api-root")),
            "today": timezone.localdate(now),
            "time_zone": settings.TIME_ZONE,
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_token_revoke_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first (GET), revokes on the confirming POST. Another person's token is a 404."""
    token = get_object_or_404(api_tokens_of(request.user), pk=pk)
    if request.method == "POST":
        if api_token_revoke(token_ids=[token.pk]):
            messages.success(
                request,
                f"“{token.name}” ({token.prefix}…) is revoked: calls with it are refused "
                "from now on.",
            )
        else:
            messages.info(request, f"“{token.name}” was already revoked.")
        return redirect("accounts:tokens")
    return _page(
        request,
        "accounts/revoke.html",
        {"title": f"Revoke “{token.name}”?", "token": token, "status": token.status()},
    )
