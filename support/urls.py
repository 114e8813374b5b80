from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("cho-quyet-dinh/", views.queue, name="queue"),
    path("chinh-sach/", views.policy, name="policy"),
    path("ho-so/<int:case_pk>/", views.case_support, name="case_support"),
    path("ho-so/<int:case_pk>/de-nghi/moi/", views.request_create, name="request_create"),
    path("ho-so/<int:case_pk>/vay-von/moi/", views.loan_create, name="loan_create"),
    path("de-nghi/<int:pk>/", views.request_detail, name="request_detail"),
    path("de-nghi/<int:pk>/quyet-dinh/", views.request_decide, name="request_decide"),
    path("de-nghi/<int:pk>/chi-tra/", views.delivery_create, name="delivery_create"),
    path("quyet-dinh/<int:pk>/tai-ve/", views.decision_pdf, name="decision_pdf"),
    path("quyet-dinh/<int:pk>/trang-thai/", views.decision_status, name="decision_status"),
    path("quyet-dinh/<int:pk>/tao-lai/", views.decision_render, name="decision_render"),
    path("tai-lieu/<int:pk>/", views.document_download, name="document_download"),
    path("vay-von/<int:pk>/", views.loan_detail, name="loan_detail"),
    path("vay-von/<int:pk>/trang-thai/", views.loan_status, name="loan_status"),
    path("vay-von/<int:pk>/tra-no/", views.loan_repayment, name="loan_repayment"),
]
