from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.utils.translation import gettext_lazy
from django.views.generic import RedirectView

from accounts import views as account_views

from .health import healthz

# The admin signs in through our login (password + TOTP), never its own form.
admin.site.login = login_required(RedirectView.as_view(pattern_name="home"))
admin.site.site_header = "Quản trị hệ thống hỗ trợ nạn nhân"
admin.site.site_title = gettext_lazy("Administration of the victim support system")  # never "Django site admin"
admin.site.index_title = gettext_lazy("Administration")

urlpatterns = [
    path("", account_views.home, name="home"),
    path("", include("accounts.urls")),
    path("ho-so/", include("victims.urls")),
    path("co-so/", include("facilities.urls")),
    path("ho-tro/", include("support.urls")),
    path("thong-ke/", include("reporting.urls")),
    path("nhap-du-lieu/", include("imports.urls")),
    path("api/", include("config.api.urls")),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
# Uploaded files (identification scans, decisions) are never served from MEDIA_URL, not even in
# development: only scoped views that check access and write the access log hand them out.
