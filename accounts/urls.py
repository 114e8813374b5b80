from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views, views_api

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-nhap/xac-thuc/", views.otp_verify, name="otp_verify"),
    path("dang-nhap/thiet-lap-xac-thuc/", views.otp_setup, name="otp_setup"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("vai-tro/", views.switch_membership, name="switch_membership"),
    path("don-vi-hanh-chinh/", views.admin_units, name="admin_units"),
    path("tai-khoan-bi-khoa/", views.account_locks, name="account_locks"),
    path("tai-khoan-bi-khoa/<int:pk>/mo-khoa/", views.account_unlock, name="account_unlock"),
    # The partner API: the agency manager's clients, tokens and webhook deliveries.
    path("khach-hang-api/", views_api.api_clients, name="api_clients"),
    path("khach-hang-api/<int:pk>/", views_api.api_client_detail, name="api_client"),
    path("khach-hang-api/<int:pk>/ma-truy-cap/", views_api.api_token_create, name="api_token_create"),
    path("khach-hang-api/<int:pk>/ma-truy-cap/<slug:token_pk>/doi/", views_api.api_token_rotate,
         name="api_token_rotate"),
    path("khach-hang-api/<int:pk>/ma-truy-cap/<slug:token_pk>/thu-hoi/", views_api.api_token_revoke,
         name="api_token_revoke"),
    path("khach-hang-api/<int:pk>/webhook/", views_api.api_client_webhook, name="api_client_webhook"),
    path("khach-hang-api/<int:pk>/ngung/", views_api.api_client_deactivate, name="api_client_deactivate"),
    path("khach-hang-api/<int:pk>/su-kien/<int:delivery_pk>/gui-lai/", views_api.webhook_replay,
         name="webhook_replay"),
    # Password reset: the new password never signs the user in, so the TOTP step still applies.
    path("mat-khau/quen/", views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
    ), name="password_reset"),
    path("mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html",
    ), name="password_reset_done"),
    path("mat-khau/dat-lai/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
        post_reset_login=False,
    ), name="password_reset_confirm"),
    path("mat-khau/hoan-tat/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html",
    ), name="password_reset_complete"),
]
