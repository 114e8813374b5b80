"""The contact log under /ho-so/lien-he/ (victims: namespace)."""

from django.urls import path

from .views import contacts

urlpatterns = [
    path("", contacts.contact_list, name="contact_list"),
    path("moi/", contacts.contact_create, name="contact_create"),
    path("<int:pk>/", contacts.contact_detail, name="contact_detail"),
    path("<int:pk>/sua/", contacts.contact_edit, name="contact_edit"),
]
