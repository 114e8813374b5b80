from . import views

routes = [
    ("cases", views.CaseViewSet, "case"),
    ("persons", views.PersonViewSet, "person"),
    ("referrals", views.ReferralViewSet, "referral"),
    ("contacts", views.ContactViewSet, "contact"),
]
