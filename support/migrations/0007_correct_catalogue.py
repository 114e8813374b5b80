"""Issue #12: the shipped catalogue checked against the texts that could be read.

Texts read (search of public pages, 01/12/2026):
- Luật 53/2024/QH15, Điều 37 khoản 1-4, verbatim as republished on hethongphapluat.com
  (luat-phong-chong-mua-ban-nguoi-2024/chuong-5); Điều 30 khoản 1 (reception from abroad).
- Nghị định 09/2013/NĐ-CP Điều 23 khoản 1-2 only through secondary sources (dulieuphaply.vn,
  baomoi) that quote its clauses; the decree's other articles were not found.
- Nghị định 162/2025/NĐ-CP Điều 24 only through a news report (vietnamnet.vn).
- A summary of the 2024 law's new regimes by the legal-education portal pbgdpl.gov.vn.

A rule is marked confirmed only where the cited text itself was read and grants the item to the
persons ticked under the conditions ticked; everything else stays "to be confirmed", with what is
known in basis_note. Requests and decisions already recorded are not touched: their lines keep the
item name and citation they were made under (copied in 0006), and their version and item rows.
"""

import datetime

from django.db import migrations

LAW53, ND09 = "LAW-53-2024", "ND-09-2013"
L53 = "Luật Phòng, chống mua bán người số 53/2024/QH15"
ND09_DOC = "Nghị định 09/2013/NĐ-CP"
ND162 = "Nghị định 162/2025/NĐ-CP"
CHECKED = {"confirmed_by": "Issue #12: đối chiếu nguyên văn Điều 37 Luật 53/2024/QH15 (bản đăng hethongphapluat.com)",
           "confirmed_on": datetime.date(2026, 12, 1)}

C, F, M, U, A = ("victim_citizen", "foreign_victim", "accompanying_minor", "under_identification",
                 "under_identification_abroad")
FU = "foreigner_under_identification"
MU, MA, MF = ("minor_with_under_identification", "minor_with_under_identification_abroad", "minor_with_foreigner")

# Law 53/2024 Art. 37: who gets which point of clause 1.
#   (1) victims who are citizens or stateless residents: a-k; (2) under-18s with them: a-h;
#   (3) under identification abroad, and the under-18s with them: a-d; in Viet Nam: a-g;
#   (4) foreigners trafficked in Viet Nam, victims (F) or under identification (FU): a, b, c, d, đ, g.
#   A child who came with a foreigner is named by none of the clauses.
ART37 = {
    "a": [C, M, U, MU, A, MA, F, FU], "b": [C, M, U, MU, A, MA, F, FU], "c": [C, M, U, MU, A, MA, F, FU],
    "d": [C, M, U, MU, A, MA, F, FU], "đ": [C, M, U, MU, F, FU], "e": [C, M, U, MU], "g": [C, M, U, MU, F, FU],
    "h": [C, M], "i": [C], "k": [C],
}
DIRECT, DEPARTMENT = ("receiving_body", (0, 0, 0)), ("provincial_department", (0, 0, 9))
ROUTING_53 = (
    "Chế độ 1-4: cơ quan tiếp nhận (công an, bộ đội biên phòng, cảnh sát biển, UBND cấp xã, cơ sở, cơ quan "
    "đại diện ở nước ngoài) thực hiện trực tiếp, không cần quyết định của tỉnh (Điều 30 khoản 1 điểm b đã đọc "
    "cho người về từ nước ngoài; phần còn lại theo nguồn thứ cấp, cần xác nhận)."
)
ROUTING_53_DEPT = "Chế độ 5-6: cơ quan chuyên môn cấp tỉnh quyết định trong 9 ngày làm việc (nguồn thứ cấp, cần xác nhận)."

# code: changes to the LAW-53-2024 row (point of Art. 37(1), eligibility, routing, confirmation, note)
LAW53_ITEMS = {
    "food_in_facility": dict(point="a", max=120, ext=60, conditions=["facility_stay"], route=DIRECT, ok=True,
                             note="Tối đa theo tham số food_in_facility_days/stay_extension_days (cần xác nhận). "
                                  + ROUTING_53),
    "temporary_accommodation": dict(point="a", max=120, ext=60, route=DIRECT, ok=True,
                                    note="Tối đa theo tham số max_stay_days (cần xác nhận). " + ROUTING_53),
    "clothing_set": dict(point="a", route=DIRECT, ok=True, note=ROUTING_53),
    "underwear_set": dict(point="a", route=DIRECT, ok=True, note=ROUTING_53),
    "personal_items": dict(point="a", route=DIRECT, ok=True, note=ROUTING_53),
    "travel_fare": dict(point="e", route=DIRECT, ok=True,
                        note="Người nước ngoài (khoản 4) và người ở nước ngoài (khoản 3) không có điểm e. " + ROUTING_53),
    "travel_food": dict(point="e", route=DIRECT, ok=True,
                        note="Tiền ăn trong những ngày đi đường về nơi cư trú thuộc chi phí đi lại (điểm e). " + ROUTING_53),
    "medical_care": dict(
        point="b", route=DIRECT, ok=True, conditions=[],
        name_vi="Hỗ trợ y tế: khám sức khỏe khi tiếp nhận, sơ cứu, cấp cứu",
        name_en="Medical care: health check at reception, first aid, emergency care",
        note="Ở bất cứ đâu, không cần lưu trú (pbgdpl.gov.vn tóm tắt luật 2024). " + ROUTING_53),
    "medical_treatment": dict(
        new=("Hỗ trợ chi phí khám bệnh, chữa bệnh trong thời gian lưu trú tại cơ sở",
             "Treatment costs during a stay in a facility", 2, "actual_cost", None, None),
        point="b", route=DIRECT, ok=False, conditions=["facility_stay"],
        note="Chỉ trong thời gian lưu trú tại cơ sở trợ giúp xã hội hoặc cơ sở hỗ trợ nạn nhân, nếu cần chăm sóc "
             "phục hồi sức khỏe: theo tóm tắt của pbgdpl.gov.vn; điều luật chi tiết chưa đọc được. " + ROUTING_53),
    "health_insurance": dict(
        point="b", route=DIRECT, ok=False,
        name_vi="Hỗ trợ đóng bảo hiểm y tế năm đầu tiên (nếu chưa có)",
        name_en="Health insurance for the first year (if none)",
        note="Năm đầu tiên, nếu chưa có bảo hiểm y tế, ở bất cứ đâu: theo tóm tắt của pbgdpl.gov.vn; "
             "điều luật chi tiết chưa đọc được. " + ROUTING_53),
    "interpretation": dict(point="c", route=DIRECT, ok=True, note=ROUTING_53),
    "legal_information": dict(point="d", route=DIRECT, ok=True, note="“Hỗ trợ pháp luật” (điểm d). " + ROUTING_53),
    "legal_aid": dict(point="đ", route=DIRECT, ok=True,
                      note="Không xét điều kiện tài chính theo Luật 53/2024. " + ROUTING_53),
    "psychological_support": dict(point="g", route=DIRECT, ok=True,
                                  note="Cả khi không lưu trú tại cơ sở (pbgdpl.gov.vn). " + ROUTING_53),
    "winter_clothing": dict(
        point="", route=DIRECT, ok=False, document="Chính sách riêng của tỉnh (không thuộc Điều 37 Luật 53/2024/QH15)",
        note="Điều 37 không có khoản quần áo ấm: đây là khoản của tỉnh, cần dẫn nghị quyết của HĐND tỉnh. "
             "Trích dẫn cũ “Luật 53/2024 (mục mới)” đã bỏ."),
    "school_support": dict(
        point="h", route=DEPARTMENT, ok=False, conditions=["under_18"],
        note="Nạn nhân dưới 18 tuổi và người dưới 18 tuổi đi cùng: Nghị định 162/2025/NĐ-CP Điều 24 theo bản tin "
             "vietnamnet.vn (chưa đọc nguyên văn). " + ROUTING_53_DEPT),
    "vocational_training": dict(point="i", route=DEPARTMENT, ok=False,
                                note="Thời hạn đề nghị 12 tháng chưa có nguồn trong Luật 53/2024. " + ROUTING_53_DEPT),
    "job_counselling": dict(point="i", route=DEPARTMENT, ok=False,
                            note="Thời hạn đề nghị 12 tháng chưa có nguồn trong Luật 53/2024. " + ROUTING_53_DEPT),
    "hardship_allowance": dict(point="k", route=DEPARTMENT, ok=False,
                               note="Mức và điều kiện (hộ nghèo, cận nghèo, xác nhận khó khăn) theo Nghị định "
                                    "162/2025/NĐ-CP Điều 24, chưa đọc nguyên văn; thời hạn 12 tháng chưa có nguồn. "
                                    + ROUTING_53_DEPT),
    "loan_support": dict(
        new=("Hỗ trợ vay vốn", "Support to obtain a loan", 6, "actual_cost", 0, None),
        point="k", route=DEPARTMENT, ok=False,
        note="Điểm k khoản 1 Điều 37 (đã đọc); hình thức và điều kiện vay (Ngân hàng Chính sách xã hội, quỹ của Hội "
             "Phụ nữ) theo văn bản hướng dẫn chưa đọc. Khoản vay ghi ở mục Khoản vay. " + ROUTING_53_DEPT),
}
ND09_NOTE = "Điều cụ thể của Nghị định 09/2013/NĐ-CP chưa tìm được văn bản để đối chiếu."
ND09_ROUTE = (
    "Thẩm quyền chế độ 5-6: thủ tục tìm được (NĐ 09/2013 Điều 23, nguồn thứ cấp) giao Phòng LĐTBXH thẩm định và "
    "Chủ tịch UBND cấp huyện quyết định. Dữ liệu giữ Sở Lao động - Thương binh và Xã hội là một lựa chọn: Luật "
    "66/2011 Điều 39 giao cơ quan cấp tỉnh (văn bản có hiệu lực cao hơn) và từ 1/7/2025 không còn cấp huyện; "
    "đổi deciding_authority thành district_chairman nếu theo đúng nghị định."
)
ND09_ITEMS = {
    "food_in_facility": dict(note="Ngân sách nhà nước chi tiền ăn tối đa 60 ngày (tham số food_in_facility_days), "
                                  "không giới hạn thời gian lưu trú. " + ND09_NOTE),
    "temporary_accommodation": dict(note=ND09_NOTE),
    "clothing_set": dict(note=ND09_NOTE),
    "underwear_set": dict(note=ND09_NOTE),
    "personal_items": dict(note=ND09_NOTE),
    "travel_fare": dict(note=ND09_NOTE),
    "travel_food": dict(note=ND09_NOTE),
    "medical_care": dict(note="Chỉ trong thời gian lưu trú tại cơ sở. " + ND09_NOTE),
    "psychological_support": dict(note="Chỉ trong thời gian lưu trú tại cơ sở. " + ND09_NOTE),
    "legal_aid": dict(
        conditions=["hardship_certified"], document="Luật Trợ giúp pháp lý số 11/2017/QH14",
        note="Trước 1/7/2025 nạn nhân chỉ được trợ giúp pháp lý miễn phí khi có khó khăn về tài chính (nguồn thứ "
             "cấp, issue #12); điều, khoản của Luật Trợ giúp pháp lý chưa đối chiếu."),
    "school_support": dict(
        article="23", clause="2", conditions=["poor_household"],
        note="Nạn nhân thuộc hộ nghèo được miễn học phí và hỗ trợ chi phí học tập (khoản 2 Điều 23, theo "
             "dulieuphaply.vn và baomoi; điểm chưa đối chiếu). " + ND09_ROUTE),
    "vocational_training": dict(
        article="23", clause="2",
        note="Hỗ trợ một lần chi phí học nghề theo chi phí đào tạo tại địa phương (khoản 2 Điều 23, nguồn thứ cấp; "
             "điểm chưa đối chiếu). " + ND09_ROUTE),
    "job_counselling": dict(
        note="Khoản 2 Điều 23 (theo nguồn thứ cấp) không nêu tư vấn việc làm: căn cứ chưa tìm được. " + ND09_ROUTE),
    "hardship_allowance": dict(
        article="23", clause="2", amount_confirmed=False,
        name_vi="Trợ cấp khó khăn ban đầu (hộ nghèo)",
        note="Nạn nhân thuộc hộ nghèo khi trở về nơi cư trú được hỗ trợ một lần theo mức do Bộ Tài chính, Bộ LĐTBXH "
             "quy định (khoản 2 Điều 23, nguồn thứ cấp): Nghị định không ấn định mức. Mức 1.000.000 đồng là mặc định "
             "cần xác nhận theo Thông tư 84/2019/TT-BTC; nhiều tỉnh chi 2-3 triệu đồng từ 2020. " + ND09_ROUTE),
}
ND09_MINORS = [M, MU, MA, MF]  # ND 09 gave accompanying minors 1-3 whoever the adult was (unchanged)

# name: {version: (value, basis_document, article, clause, point, confirmed, note)}, description
PARAMETERS = {
    "food_in_facility_days": ({
        ND09: (60, ND09_DOC, "", "", "", False,
               "Tiền ăn do ngân sách nhà nước chi tối đa 60 ngày (DOMAIN, nguồn thứ cấp); điều cụ thể chưa đối chiếu."),
        LAW53: (120, L53, "", "", "", False, "120 ngày theo nguồn thứ cấp; điều luật chưa đọc được."),
    }, "Days of food paid by the state budget during a facility stay"),
    "max_stay_days": ({
        ND09: (60, ND09_DOC, "", "", "", False,
               "Nghị định 09/2013 giới hạn ngày ăn (60), không giới hạn thời gian lưu trú; chưa tìm được văn bản "
               "giới hạn thời gian lưu trú: giữ 60 ngày để lập kế hoạch lưu trú cho đến khi xác nhận."),
        LAW53: (120, L53, "", "", "", False,
                "Lưu trú tối đa 120 ngày, được gia hạn (nguồn thứ cấp); điều luật chưa đọc được."),
    }, "Maximum stay in a support facility (days) before an extension"),
    "stay_extension_days": ({
        LAW53: (60, L53, "", "", "", False,
                "Luật cho phép gia hạn (giám đốc cơ sở hoặc cơ quan chuyên môn cấp tỉnh quyết định) nhưng không "
                "ấn định số ngày: 60 ngày là mặc định cần xác nhận."),
    }, "Days an approved extension of the stay adds (decided by the facility director or the department)"),
    "support_decision_working_days": ({
        ND09: (11, ND09_DOC, "23", "", "", False,
               "Xã chuyển 3 ngày, thẩm định 5 ngày, quyết định 3 ngày (DOMAIN, nguồn thứ cấp)."),
        LAW53: (9, L53, "", "", "", False, "Chế độ 5-6: 9 ngày làm việc (nguồn thứ cấp); điều luật chưa đọc được."),
    }, "Working days to decide regimes 5-6"),
    "licence_appraisal_working_days": ({
        ND09: (15, ND09_DOC, "", "", "", False, "Chương II Nghị định 09/2013 (DOMAIN); điều chưa đối chiếu."),
        LAW53: (5, ND162, "", "", "", False, "Theo DOMAIN (nguồn thứ cấp); điều chưa đối chiếu."),
    }, "Working days for the provincial department to appraise a facility licence application"),
    "licence_decision_working_days": ({
        ND09: (7, ND09_DOC, "", "", "", False, "Chương II Nghị định 09/2013 (DOMAIN); điều chưa đối chiếu."),
        LAW53: (3, ND162, "", "", "", False, "Theo DOMAIN (nguồn thứ cấp); điều chưa đối chiếu."),
    }, "Working days for the provincial chairman's licence decision after the appraisal"),
}

ND09_VERSION_NOTES = (
    "Bắt đầu 15/4/2013, ngày Nghị định 09/2013/NĐ-CP có hiệu lực (issue #12; chưa đối chiếu nguyên văn). "
    "Tiền ăn tại cơ sở tối đa 60 ngày (tham số food_in_facility_days), khác với thời gian lưu trú (max_stay_days). "
    "Y tế, tâm lý chỉ trong thời gian lưu trú. Trợ giúp pháp lý cho nạn nhân có khó khăn về tài chính; học văn "
    "hóa và trợ cấp khó khăn ban đầu cho nạn nhân thuộc hộ nghèo; Nghị định không ấn định mức trợ cấp. "
    "Căn cứ từng khoản và trạng thái xác nhận: xem từng mục của danh mục."
)
LAW53_VERSION_NOTES = (
    "Điều 37 Luật 53/2024/QH15 (đã đối chiếu nguyên văn): nạn nhân là công dân, người không quốc tịch thường trú: "
    "điểm a-k; người dưới 18 tuổi đi cùng họ: a-h; người đang trong quá trình xác định là nạn nhân ở nước ngoài "
    "(và người dưới 18 tuổi đi cùng): a-d, ở trong nước: a-g; người nước ngoài: a, b, c, d, đ, g. Chế độ 1-4 do "
    "cơ quan tiếp nhận thực hiện trực tiếp; chế độ 5-6 do cơ quan chuyên môn cấp tỉnh quyết định trong 9 ngày làm "
    "việc. Căn cứ từng khoản và trạng thái xác nhận: xem từng mục của danh mục."
)


def correct(apps, schema_editor):
    PolicyVersion = apps.get_model("support", "PolicyVersion")
    EntitlementItem = apps.get_model("support", "EntitlementItem")
    PolicyParameter = apps.get_model("support", "PolicyParameter")
    law53 = PolicyVersion.objects.filter(code=LAW53).first()
    nd09 = PolicyVersion.objects.filter(code=ND09).first()

    if nd09 is not None:
        nd09.valid_from = datetime.date(2013, 4, 15)
        nd09.notes = ND09_VERSION_NOTES
        nd09.save(update_fields=["valid_from", "notes"])
        for item in EntitlementItem.objects.filter(version=nd09):
            spec = ND09_ITEMS.get(item.code)
            if spec is None:
                continue
            if M in item.eligible_categories:
                item.eligible_categories = [c for c in item.eligible_categories if c != M] + ND09_MINORS
            if U in item.eligible_categories:  # a foreigner under identification: as any person under identification
                item.eligible_categories = [*item.eligible_categories, FU]
            item.basis_document = spec.get("document", ND09_DOC)
            item.basis_article, item.basis_clause = spec.get("article", ""), spec.get("clause", "")
            item.basis_point = ""
            item.basis_note = spec["note"]
            item.basis_confirmed, item.confirmed_by, item.confirmed_on = False, "", None
            if "conditions" in spec:
                item.conditions = spec["conditions"]
            if "amount_confirmed" in spec:
                item.amount_confirmed = spec["amount_confirmed"]
            if "name_vi" in spec:
                item.name_vi = spec["name_vi"]
            item.save()

    if law53 is not None:
        law53.notes = LAW53_VERSION_NOTES
        law53.save(update_fields=["notes"])
        last = max(EntitlementItem.objects.filter(version=law53).values_list("sort_order", flat=True), default=0)
        for code, spec in LAW53_ITEMS.items():
            item = EntitlementItem.objects.filter(version=law53, code=code).first()
            if item is None:
                if "new" not in spec:
                    continue
                name_vi, name_en, regime, unit, amount, maximum = spec["new"]
                last += 1
                item = EntitlementItem(version=law53, code=code, name_vi=name_vi, name_en=name_en, regime=regime,
                                       unit=unit, default_amount=amount, amount_confirmed=amount == 0,
                                       max_quantity_per_person=maximum, sort_order=last)
            point = spec["point"]
            item.eligible_categories = list(ART37[point]) if point else list(ART37["a"])
            if "conditions" in spec:
                item.conditions = spec["conditions"]
            if "window" in spec:
                item.application_window_months = spec["window"]
            if "max" in spec:
                item.max_quantity_per_person, item.extension_quantity = spec["max"], spec["ext"]
            for field in ("name_vi", "name_en"):
                if field in spec:
                    setattr(item, field, spec[field])
            item.deciding_authority, (item.forward_days, item.appraisal_days, item.decision_days) = spec["route"]
            item.basis_document = spec.get("document", L53)
            item.basis_article, item.basis_clause = ("37", "1") if point else ("", "")
            item.basis_point = point
            item.basis_note = spec["note"]
            checked = spec["ok"]
            item.basis_confirmed = checked
            item.confirmed_by = CHECKED["confirmed_by"] if checked else ""
            item.confirmed_on = CHECKED["confirmed_on"] if checked else None
            item.save()

    versions = {v.code: v for v in (nd09, law53) if v is not None}
    for name, (values, description) in PARAMETERS.items():
        for code, (value, document, article, clause, point, confirmed, note) in values.items():
            if code not in versions:
                continue
            PolicyParameter.objects.update_or_create(version=versions[code], name=name, defaults={
                "value": value, "description": description, "basis_document": document, "basis_article": article,
                "basis_clause": clause, "basis_point": point, "basis_note": note, "basis_confirmed": confirmed,
                "confirmed_by": CHECKED["confirmed_by"] if confirmed else "",
                "confirmed_on": CHECKED["confirmed_on"] if confirmed else None,
            })


class Migration(migrations.Migration):
    dependencies = [("support", "0006_legal_basis")]

    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
