from . import views

routes = [
    ("facilities", views.FacilityViewSet, "facility"),
    ("stays", views.StayViewSet, "stay"),
]
