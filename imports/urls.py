from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list, name="list"),
    path("tai-len/", views.import_upload, name="upload"),
    path("mau/", views.template_download, name="template"),
    path("mau/<slug:kind>/", views.template_download, name="template_kind"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/tien-do/", views.import_progress, name="progress"),
    path("<int:pk>/chon-dia-ban/", views.import_pick_places, name="pick_places"),
    path("<int:pk>/nhap/", views.import_confirm, name="confirm"),
    path("<int:pk>/hoan-tac/", views.import_undo, name="undo"),
]
