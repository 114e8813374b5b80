from django.urls import path

from . import views, views_deidentified

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
]
