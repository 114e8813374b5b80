"""Possible duplicates and merges (victims: namespace): on a case, and the department's review."""

from django.urls import path

from .views import duplicates

urlpatterns = [
    path("<int:pk>/trung-lap/", duplicates.case_duplicates, name="case_duplicates"),
    path("<int:pk>/trung-lap/de-nghi-chuyen/", duplicates.duplicate_referral, name="duplicate_referral"),
    path("trung-lap/", duplicates.duplicate_queue, name="duplicate_queue"),
    path("trung-lap/<int:pk>/", duplicates.duplicate_detail, name="duplicate_detail"),
    path("trung-lap/<int:pk>/hop-nhat/", duplicates.duplicate_merge, name="duplicate_merge"),
    path("trung-lap/<int:pk>/khong-trung/", duplicates.duplicate_reject, name="duplicate_reject"),
    path("trung-lap/<int:pk>/hoan-tac/", duplicates.duplicate_unmerge, name="duplicate_unmerge"),
]
