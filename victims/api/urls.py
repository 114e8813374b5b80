from . import views

routes = [
    ("cases", views.CaseViewSet, "case"),
    ("persons", views.PersonViewSet, "person"),
]
