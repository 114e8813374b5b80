"""The two rule sets of DOMAIN.md §3, as data: ND-09-2013 (until 30/6/2025) and LAW-53-2024 (from
1/7/2025). Amounts and limits not known for certain are seeded with amount_confirmed=False: the admin
shows them as "to be confirmed" until an administrator checks them against the finance circular.

The data is written out here (not imported) so that this migration means the same thing forever;
later changes are new versions or edits in the admin, tracked by pghistory.
"""

import datetime

from django.db import migrations

C, F, M, U, A = (
    "victim_citizen", "foreign_victim", "accompanying_minor", "under_identification",
    "under_identification_abroad",
)
FACILITY, PROVINCE = "facility_director", "provincial_department"

VERSIONS = [
    {
        "code": "ND-09-2013",
        "short_name": "NĐ 09/2013",
        "title": "Luật Phòng, chống mua bán người 2011 và Nghị định 09/2013/NĐ-CP",
        "legal_basis": "\n".join([
            "Luật Phòng, chống mua bán người số 66/2011/QH12",
            "Nghị định số 62/2012/NĐ-CP của Chính phủ quy định căn cứ xác định nạn nhân bị mua bán và "
            "bảo vệ an toàn cho nạn nhân, người thân thích của họ",
            "Nghị định số 09/2013/NĐ-CP của Chính phủ quy định chi tiết một số điều của Luật Phòng, "
            "chống mua bán người",
            "Thông tư số 84/2019/TT-BTC của Bộ Tài chính quy định mức chi hỗ trợ nạn nhân",
        ]),
        "valid_from": datetime.date(2012, 1, 1),
        "valid_to": datetime.date(2025, 6, 30),
        "notes": (
            "Food in a facility: at most 60 days. Medical and psychological support only during a facility "
            "stay. Hardship allowance 1,000,000 VND, one-off, poor households only, within 12 months of "
            "the confirmation. Regimes 5-6: Decree 09 Art. 23 names the district chairman, Law 66/2011 "
            "Art. 39 the provincial labour department; the law prevails, so they are routed to the "
            "provincial department (change deciding_authority to follow the decree). Deadlines for "
            "regimes 5-6: commune forwards in 3 working days, department appraises in 5, decides in 3. "
            "Other amounts are defaults to be confirmed against Circular 84/2019/TT-BTC."
        ),
        "items": [
            # code, regime, vi, en, unit, amount, confirmed, max, extension, categories, conditions,
            # window, authority, (forward, appraise, decide), legal reference
            ("food_in_facility", 1, "Hỗ trợ tiền ăn trong thời gian lưu trú tại cơ sở",
             "Food during a stay in a facility", "per_day", 40_000, False, 60, None,
             [C, F, M, U, A], ["facility_stay"], None, FACILITY, (0, 0, 2), "NĐ 09/2013: tối đa 60 ngày"),
            ("temporary_accommodation", 1, "Hỗ trợ chỗ ở tạm thời", "Temporary accommodation", "per_day",
             None, False, 60, None, [C, F, M, U, A], [], None, FACILITY, (0, 0, 2), "NĐ 09/2013"),
            ("clothing_set", 1, "Hỗ trợ quần áo (tối đa 2 bộ)", "Clothes (up to 2 sets)", "per_item", 150_000,
             False, 2, None, [C, F, M, U, A], [], None, FACILITY, (0, 0, 2), "NĐ 09/2013"),
            ("underwear_set", 1, "Hỗ trợ đồ lót (tối đa 2 bộ)", "Underwear (up to 2 sets)", "per_item", 50_000,
             False, 2, None, [C, F, M, U, A], [], None, FACILITY, (0, 0, 2), "NĐ 09/2013"),
            ("personal_items", 1, "Hỗ trợ đồ dùng cá nhân thiết yếu",
             "Essential personal items (towel, sandals, toothbrush, toothpaste, soap, sanitary pads)",
             "one_off", 200_000, False, 1, None, [C, F, M, U, A], [], None, FACILITY, (0, 0, 2), "NĐ 09/2013"),
            ("travel_fare", 1, "Hỗ trợ tiền tàu xe về nơi cư trú", "Travel fare home", "actual_cost", None, False,
             1, None, [C, F, M, U, A], [], None, FACILITY, (0, 0, 2), "NĐ 09/2013"),
            ("travel_food", 1, "Hỗ trợ tiền ăn trong những ngày đi đường", "Food on travel days", "per_day",
             40_000, False, None, None, [C, F, M, U, A], [], None, FACILITY, (0, 0, 2), "NĐ 09/2013"),
            ("medical_care", 2, "Hỗ trợ y tế (khám sức khỏe, sơ cứu, điều trị)",
             "Medical care (health check, first aid, treatment)", "actual_cost", None, False, None, None,
             [C, F, M], ["facility_stay"], None, FACILITY, (0, 0, 2), "NĐ 09/2013: chỉ trong thời gian lưu trú"),
            ("psychological_support", 3, "Hỗ trợ tâm lý (tư vấn, trị liệu)",
             "Psychological support (counselling, therapy)", "actual_cost", None, False, None, None,
             [C, F, M], ["facility_stay"], None, FACILITY, (0, 0, 2), "NĐ 09/2013: chỉ trong thời gian lưu trú"),
            ("legal_aid", 4, "Trợ giúp pháp lý", "Legal aid", "actual_cost", 0, True, None, None,
             [C, F], [], None, PROVINCE, (0, 0, 5), "Luật 66/2011; NĐ 09/2013"),
            ("school_support", 5, "Hỗ trợ học văn hóa (học phí, sách vở, đồ dùng học tập)",
             "Schooling (fees, books, school supplies)", "actual_cost", None, False, None, None,
             [C], [], 12, PROVINCE, (3, 5, 3), "NĐ 09/2013; Điều 39 Luật 66/2011"),
            ("vocational_training", 5, "Hỗ trợ học nghề", "Vocational training support", "one_off", None, False,
             1, None, [C], [], 12, PROVINCE, (3, 5, 3), "NĐ 09/2013; Điều 39 Luật 66/2011"),
            ("job_counselling", 5, "Tư vấn việc làm", "Job counselling", "actual_cost", 0, True, None, None,
             [C], [], 12, PROVINCE, (3, 5, 3), "NĐ 09/2013"),
            ("hardship_allowance", 6, "Trợ cấp khó khăn ban đầu", "Initial hardship allowance", "one_off",
             1_000_000, True, 1, None, [C], ["poor_household"], 12, PROVINCE, (3, 5, 3),
             "NĐ 09/2013: 1.000.000 đồng, hộ nghèo; Điều 39 Luật 66/2011"),
        ],
    },
    {
        "code": "LAW-53-2024",
        "short_name": "Luật 53/2024",
        "title": "Luật Phòng, chống mua bán người 2024 và Nghị định 162/2025/NĐ-CP",
        "legal_basis": "\n".join([
            "Luật Phòng, chống mua bán người số 53/2024/QH15, được sửa đổi, bổ sung bởi Luật số 86/2025/QH15",
            "Nghị định số 162/2025/NĐ-CP của Chính phủ quy định chi tiết một số điều của Luật Phòng, "
            "chống mua bán người",
        ]),
        "valid_from": datetime.date(2025, 7, 1),
        "valid_to": None,
        "notes": (
            "Wider eligibility: persons under identification get regimes 1-4, accompanying minors 1-5; "
            "legal aid free without means test; interpretation and legal information as items of their "
            "own (mapped to regime 4); winter clothing added. Food in a facility up to 120 days, extendable "
            "(extension length to be confirmed). Medical and psychological support also at home. Every "
            "item decided by the provincial department within 9 working days. Amounts are defaults to be "
            "confirmed against the successor of Circular 84/2019/TT-BTC."
        ),
        "items": [
            ("food_in_facility", 1, "Hỗ trợ tiền ăn trong thời gian lưu trú tại cơ sở",
             "Food during a stay in a facility", "per_day", 40_000, False, 120, 60,
             [C, F, M, U, A], ["facility_stay"], None, PROVINCE, (0, 0, 9), "Luật 53/2024: tối đa 120 ngày, được gia hạn"),
            ("temporary_accommodation", 1, "Hỗ trợ chỗ ở tạm thời", "Temporary accommodation", "per_day",
             None, False, 120, 60, [C, F, M, U, A], [], None, PROVINCE, (0, 0, 9), "Luật 53/2024"),
            ("clothing_set", 1, "Hỗ trợ quần áo (tối đa 2 bộ)", "Clothes (up to 2 sets)", "per_item", 150_000,
             False, 2, None, [C, F, M, U, A], [], None, PROVINCE, (0, 0, 9), "Luật 53/2024"),
            ("underwear_set", 1, "Hỗ trợ đồ lót (tối đa 2 bộ)", "Underwear (up to 2 sets)", "per_item", 50_000,
             False, 2, None, [C, F, M, U, A], [], None, PROVINCE, (0, 0, 9), "Luật 53/2024"),
            ("winter_clothing", 1, "Hỗ trợ quần áo ấm mùa đông", "Winter clothing", "per_item", 300_000, False,
             1, None, [C, F, M, U, A], [], None, PROVINCE, (0, 0, 9), "Luật 53/2024 (mục mới)"),
            ("personal_items", 1, "Hỗ trợ đồ dùng cá nhân thiết yếu",
             "Essential personal items (towel, sandals, toothbrush, toothpaste, soap, sanitary pads)",
             "one_off", 200_000, False, 1, None, [C, F, M, U, A], [], None, PROVINCE, (0, 0, 9), "Luật 53/2024"),
            ("travel_fare", 1, "Hỗ trợ tiền tàu xe về nơi cư trú", "Travel fare home", "actual_cost", None, False,
             1, None, [C, F, M, U, A], [], None, PROVINCE, (0, 0, 9), "Luật 53/2024"),
            ("travel_food", 1, "Hỗ trợ tiền ăn trong những ngày đi đường", "Food on travel days", "per_day",
             40_000, False, None, None, [C, F, M, U, A], [], None, PROVINCE, (0, 0, 9), "Luật 53/2024"),
            ("medical_care", 2, "Hỗ trợ y tế (khám sức khỏe, sơ cứu, điều trị)",
             "Medical care (health check, first aid, treatment)", "actual_cost", None, False, None, None,
             [C, F, M, U], [], None, PROVINCE, (0, 0, 9), "Luật 53/2024: cả khi sống tại gia đình"),
            ("health_insurance", 2, "Hỗ trợ thẻ bảo hiểm y tế", "Health insurance card", "one_off", None, False,
             1, None, [C, M], [], None, PROVINCE, (0, 0, 9), "Luật 53/2024"),
            ("psychological_support", 3, "Hỗ trợ tâm lý (tư vấn, trị liệu)",
             "Psychological support (counselling, therapy)", "actual_cost", None, False, None, None,
             [C, F, M, U], [], None, PROVINCE, (0, 0, 9), "Luật 53/2024: cả khi sống tại gia đình"),
            ("legal_aid", 4, "Trợ giúp pháp lý", "Legal aid", "actual_cost", 0, True, None, None,
             [C, F, M, U], [], None, PROVINCE, (0, 0, 9), "Luật 53/2024: miễn phí, không xét điều kiện tài chính"),
            ("legal_information", 4, "Cung cấp thông tin pháp luật", "Legal information", "actual_cost", 0, True,
             None, None, [C, F, M, U, A], [], None, PROVINCE, (0, 0, 9), "Luật 53/2024"),
            ("interpretation", 4, "Hỗ trợ phiên dịch", "Interpretation", "actual_cost", None, False, None, None,
             [C, F, M, U, A], ["needs_interpreter"], None, PROVINCE, (0, 0, 9), "Luật 53/2024 (mục mới)"),
            ("school_support", 5, "Hỗ trợ học văn hóa (học phí, sách vở, đồ dùng học tập)",
             "Schooling (fees, books, school supplies)", "actual_cost", None, False, None, None,
             [C, M], [], 12, PROVINCE, (0, 0, 9), "Luật 53/2024"),
            ("vocational_training", 5, "Hỗ trợ học nghề", "Vocational training support", "one_off", None, False,
             1, None, [C, M], [], 12, PROVINCE, (0, 0, 9), "Luật 53/2024"),
            ("job_counselling", 5, "Tư vấn việc làm", "Job counselling", "actual_cost", 0, True, None, None,
             [C], [], 12, PROVINCE, (0, 0, 9), "Luật 53/2024"),
            ("hardship_allowance", 6, "Trợ cấp khó khăn ban đầu", "Initial hardship allowance", "one_off",
             1_000_000, False, 1, None, [C], ["hardship_certified"], 12, PROVINCE, (0, 0, 9),
             "Luật 53/2024; NĐ 162/2025 (mức và điều kiện cần xác nhận)"),
        ],
    },
]


def load(apps, schema_editor):
    PolicyVersion = apps.get_model("support", "PolicyVersion")
    EntitlementItem = apps.get_model("support", "EntitlementItem")
    for spec in VERSIONS:
        version, _ = PolicyVersion.objects.update_or_create(
            code=spec["code"],
            defaults={key: spec[key] for key in ("short_name", "title", "legal_basis", "valid_from", "valid_to",
                                                 "notes")},
        )
        for order, row in enumerate(spec["items"], start=1):
            (code, regime, name_vi, name_en, unit, amount, confirmed, maximum, extension, categories,
             conditions, window, authority, (forward, appraise, decide), reference) = row
            EntitlementItem.objects.update_or_create(
                version=version, code=code,
                defaults={
                    "regime": regime, "name_vi": name_vi, "name_en": name_en, "unit": unit,
                    "default_amount": amount, "amount_confirmed": confirmed, "max_quantity_per_person": maximum,
                    "extension_quantity": extension, "eligible_categories": categories, "conditions": conditions,
                    "application_window_months": window, "deciding_authority": authority,
                    "forward_days": forward, "appraisal_days": appraise, "decision_days": decide,
                    "legal_reference": reference, "sort_order": order,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
