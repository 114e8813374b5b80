from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("tai-ve.<str:fmt>", views.download, name="download"),
    path("ho-so/", views.cases_behind, name="cases"),
    path("hoat-dong/", views.activity_list, name="activity_list"),
    path("hoat-dong/moi/", views.activity_create, name="activity_create"),
    path("hoat-dong/<int:pk>/sua/", views.activity_edit, name="activity_edit"),
]
