from django.urls import path

from . import views

app_name = "facilities"

urlpatterns = [
    path("", views.facility_list, name="list"),
    path("them/", views.facility_create, name="create"),
    path("xa-phuong/", views.communes, name="communes"),
    path("cong-suat/", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.facility_detail, name="detail"),
    path("<int:pk>/sua/", views.facility_edit, name="edit"),
    path("<int:pk>/tiep-nhan/", views.stay_admit, name="admit"),
    path("<int:pk>/tiep-nhan/tim-ho-so/", views.stay_admit_cases, name="admit_cases"),
    path("<int:pk>/giay-phep/de-nghi/", views.licence_apply, name="licence_apply"),
    path("<int:pk>/kiem-tra/them/", views.inspection_create, name="inspection_create"),
    # Stays (lưu trú)
    path("luu-tru/", views.stay_list, name="stays"),
    path("luu-tru/canh-bao/", views.stay_warnings, name="warnings"),
    path("luu-tru/<int:pk>/", views.stay_detail, name="stay"),
    path("luu-tru/<int:pk>/gia-han/", views.stay_extend, name="stay_extend"),
    path("luu-tru/<int:pk>/xuat/", views.stay_discharge, name="stay_discharge"),
    path("luu-tru/<int:pk>/chuyen/", views.stay_transfer, name="stay_transfer"),
    # Licensing (giấy phép)
    path("giay-phep/", views.licensing, name="licensing"),
    path("giay-phep/ho-so/<int:pk>/", views.application_detail, name="application"),
    path("giay-phep/ho-so/<int:pk>/tham-dinh/", views.application_appraise, name="application_appraise"),
    path("giay-phep/ho-so/<int:pk>/quyet-dinh/", views.application_decide, name="application_decide"),
    path("giay-phep/<int:pk>/", views.licence_detail, name="licence"),
    path("giay-phep/<int:pk>/gia-han/", views.licence_renew, name="licence_renew"),
    path("giay-phep/<int:pk>/dinh-chi/", views.licence_change, {"action": "suspend"}, name="licence_suspend"),
    path("giay-phep/<int:pk>/khoi-phuc/", views.licence_change, {"action": "reinstate"}, name="licence_reinstate"),
    path("giay-phep/<int:pk>/thu-hoi/", views.licence_change, {"action": "revoke"}, name="licence_revoke"),
    # Inspections (kiểm tra, thanh tra)
    path("kiem-tra/", views.inspection_list, name="inspections"),
    path("kiem-tra/<int:pk>/", views.inspection_detail, name="inspection"),
    path("kiem-tra/<int:pk>/ket-qua/", views.inspection_findings, name="inspection_findings"),
    path("kiem-tra/<int:pk>/theo-doi/", views.inspection_follow_up, name="inspection_follow_up"),
]
