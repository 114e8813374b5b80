from django.urls import path

from . import report_views, views, views_deidentified

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("tai-ve.<str:fmt>", views.download, name="download"),
    path("ho-so/", views.cases_behind, name="cases"),
    path("du-lieu-phi-dinh-danh/", views_deidentified.page, name="deidentified"),
    path("du-lieu-phi-dinh-danh/tai-ve.<str:fmt>", views_deidentified.download, name="deidentified_download"),
    path("hoat-dong/", views.activity_list, name="activity_list"),
    path("hoat-dong/moi/", views.activity_create, name="activity_create"),
    path("hoat-dong/<int:pk>/sua/", views.activity_edit, name="activity_edit"),
    # Periodic reports up the chain (issue 15)
    path("bao-cao/", report_views.report_list, name="report_list"),
    path("bao-cao/quoc-gia/", report_views.national_build, name="report_national"),
    path("bao-cao/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("bao-cao/<int:pk>/noi-dung/", report_views.report_narrative, name="report_narrative"),
    path("bao-cao/<int:pk>/tao-lai/", report_views.report_regenerate, name="report_regenerate"),
    path("bao-cao/<int:pk>/gui/", report_views.report_submit, name="report_submit"),
    path("bao-cao/<int:pk>/phien-ban-moi/", report_views.report_revision, name="report_revision"),
    path("bao-cao/<int:pk>/xem-xet/", report_views.report_review, name="report_review"),
    path("bao-cao/<int:pk>/so-sanh/", report_views.report_compare, name="report_compare"),
    path("bao-cao/lan/<int:pk>/thu-lai/", report_views.run_retry, name="report_run_retry"),
    path("bao-cao/lan/<int:pk>/tai-ve.<str:fmt>", report_views.run_download, name="report_run_download"),
]
