"""A person's API tokens page, included under /accounts/ beside the login (namespace
"accounts")."""

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("tokens/", views.api_tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.api_token_revoke_page, name="token-revoke"),
]
