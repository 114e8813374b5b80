from . import views

routes = [
    ("support-requests", views.SupportRequestViewSet, "support-request"),
    ("deliveries", views.DeliveryViewSet, "delivery"),
]
