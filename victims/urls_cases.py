"""The case pages under /ho-so/ (victims: namespace). The intake wizard is in victims.urls_intake."""

from django.urls import path

from .views import actions, cases, referrals

urlpatterns = [
    path("", cases.case_list, name="case_list"),
    path("qua-han-tham/", cases.followups_overdue, name="followups_overdue"),
    path("truy-cap-bi-tu-choi/", cases.refused_attempts, name="refused_attempts"),
    path("chuyen-tuyen/", referrals.referral_inbox, name="referral_inbox"),
    path("chuyen-tuyen/da-gui/", referrals.referral_sent, name="referral_sent"),
    path("chuyen-tuyen/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("chuyen-tuyen/<int:pk>/nhan/", referrals.referral_accept, name="referral_accept"),
    path("chuyen-tuyen/<int:pk>/tu-choi/", referrals.referral_decline, name="referral_decline"),
    path("chuyen-tuyen/<int:pk>/rut/", referrals.referral_withdraw, name="referral_withdraw"),
    path("chuyen-tuyen/<int:pk>/ket-thuc/", referrals.referral_close, name="referral_close"),
    path("chuyen-tuyen/<int:pk>/ban-giao/", referrals.handover_create, name="handover_create"),
    path("ban-giao/<int:pk>/bien-ban/", referrals.handover_pdf, name="handover_pdf"),
    path("<int:pk>/", cases.case_detail, name="case_detail"),
    path("<int:pk>/lich-su/", cases.case_history, name="case_history"),
    path("<int:pk>/nhat-ky-truy-cap/", cases.case_access_log, name="case_access_log"),
    path("<int:pk>/xac-dinh/<int:outcome_pk>/ban-quet/", cases.outcome_scan, name="outcome_scan"),
    # Actions: GET shows the form, POST saves it.
    path("<int:pk>/de-nghi-xac-minh/", actions.VerificationRequestView.as_view(), name="verification_request"),
    path("<int:pk>/ket-qua-xac-dinh/", actions.IdentificationOutcomeView.as_view(), name="outcome_record"),
    path("<int:pk>/trang-thai/", actions.TransitionView.as_view(), name="case_transition"),
    path("<int:pk>/ke-hoach-tai-hoa-nhap/", actions.ReintegrationPlanView.as_view(), name="plan_create"),
    path("<int:pk>/tham-theo-doi/", actions.FollowUpVisitView.as_view(), name="visit_record"),
    path("<int:pk>/dong-ho-so/", actions.CloseCaseView.as_view(), name="case_close"),
    path("<int:pk>/chia-se/", actions.GrantView.as_view(), name="grant_create"),
    path("<int:pk>/chuyen-tuyen/", referrals.ReferralCreateView.as_view(), name="referral_create"),
    path("<int:pk>/chia-se/<int:grant_pk>/thu-hoi/", actions.revoke_grant, name="grant_revoke"),
    path("<int:pk>/dong-y/<int:consent_pk>/rut/", actions.withdraw_consent, name="consent_withdraw"),
]
