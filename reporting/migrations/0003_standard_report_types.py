"""The standard report types (data: periods, due dates and sections are edited in the admin)."""

from django.db import migrations

TABLES = ["summary", "sex", "age", "purpose", "regimes", "identification", "ethnicity", "nationality",
          "destination", "agency_type", "channel", "province", "agency", "stays", "loans", "followup",
          "reintegration", "contacts_channel", "contacts_kind", "activities"]
CHARTS = ["age", "purpose", "regimes"]
NARRATIVE = [
    {"key": "results", "title": "Kết quả thực hiện"},
    {"key": "difficulties", "title": "Khó khăn, vướng mắc và nguyên nhân"},
    {"key": "recommendations", "title": "Đề xuất, kiến nghị"},
]
PROGRAMME = ("Chương trình phòng, chống mua bán người giai đoạn 2021–2025 và định hướng đến năm 2030 "
             "(Quyết định 193/QĐ-TTg ngày 09/02/2021 — số hiệu cần xác nhận / to be confirmed)")
STANDARD_TYPES = [
    {"code": "annual", "name": "Báo cáo năm", "kind": "annual", "months": 12, "due_month": 12, "due_day": 15,
     "source": PROGRAMME + ": các tỉnh gửi báo cáo năm về Bộ trước ngày 15/12. Kỳ số liệu theo "
               "STATISTICS_REPORTING_YEAR_START (15/12 năm trước – 14/12)."},
    {"code": "half-year", "name": "Báo cáo 6 tháng", "kind": "half_year", "months": 6, "due_days": 15,
     "source": PROGRAMME + ": báo cáo 6 tháng theo cùng quy trình; hạn nộp 15 ngày sau kỳ báo cáo: "
               "cần xác nhận (to be confirmed)."},
    {"code": "on-demand", "name": "Báo cáo đột xuất", "kind": "on_demand", "months": 12,
     "source": "Theo yêu cầu của Bộ hoặc Ủy ban nhân dân tỉnh; kỳ báo cáo do người yêu cầu định."},
]


def create_standard_types(apps, schema_editor):
    ReportType = apps.get_model("reporting", "ReportType")
    for fields in STANDARD_TYPES:
        ReportType.objects.update_or_create(code=fields["code"], defaults={
            **fields, "table_keys": TABLES, "chart_keys": CHARTS, "narrative_sections": NARRATIVE,
        })


def remove_standard_types(apps, schema_editor):
    apps.get_model("reporting", "ReportType").objects.filter(code__in=[t["code"] for t in STANDARD_TYPES]).delete()



class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_periodic_reports")]
    operations = [migrations.RunPython(create_standard_types, remove_standard_types)]
