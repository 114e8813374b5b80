from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

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
