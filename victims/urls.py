from django.urls import include, path

app_name = "victims"

# Two modules so the case pages and the intake wizard can grow independently.
urlpatterns = [
    path("", include("victims.urls_cases")),
    path("", include("victims.urls_intake")),
    path("", include("victims.urls_duplicates")),
    path("lien-he/", include("victims.urls_contacts")),
]
