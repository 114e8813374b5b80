from . import reports, views

routes = [
    ("statistics", views.StatisticsViewSet, "statistics"),
    ("programme-activities", views.ActivityViewSet, "programme-activity"),
    ("deidentified-dataset", views.DeidentifiedDatasetViewSet, "deidentified-dataset"),
    ("reports", reports.ReportViewSet, "report"),
]
