"""The intake wizard: register a reception (tiếp nhận), then the declaration (tờ khai) step by step."""

from django.urls import path

from .views import intake

urlpatterns = [
    path("tiep-nhan/", intake.intake_start, name="intake_start"),
    path("tiep-nhan/xa-phuong/", intake.commune_search, name="intake_communes"),
    path("<int:pk>/to-khai/", intake.intake, name="intake"),
    path("<int:pk>/to-khai/tom-tat/", intake.intake_summary, name="intake_summary"),
    path("<int:pk>/to-khai/<slug:step>/", intake.intake_step, name="intake_step"),
]
