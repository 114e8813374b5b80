"""A realistic register of a Lạng Sơn social centre, 2014–2024: receptions with Vietnamese names (old
province names among the home provinces), accompanying children, and a few rows a clerk got wrong.

`BAD` lists exactly the (kind, register number or reference, column key) the check must report.
"""

import datetime
import random

from tests.imports.register import register_xlsx

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Sùng",
          "Giàng", "Vàng", "Lò", "Hà", "Nông", "Triệu"]
MIDDLE_F = ["Thị", "Thị Thu", "Thị Ngọc", "Thị Mỹ", "Thị Kim", ""]
GIVEN_F = ["Hoa", "Lan", "Mai", "Hương", "Dung", "Thảo", "Ly", "Mỷ", "Sua", "Chư", "Dợ", "Pà", "Xuân", "Đào"]
GIVEN_CHILD = ["An", "Bình", "Minh", "Khang", "Ngọc", "Vy", "Phúc"]
# Former provinces (63 before 1/7/2025) and current ones, as clerks wrote them.
HOME = ["Hà Giang", "Lào Cai", "Yên Bái", "Lạng Sơn", "Cao Bằng", "Điện Biên", "Lai Châu", "Sơn La", "Bắc Giang",
        "Nghệ An", "Thanh Hóa", "Tuyên Quang", "Hà Nội", "Bà Rịa - Vũng Tàu"]
CHANNELS = ["Được trao trả qua biên giới", "Được giải cứu", "Tự trở về, tự khai báo"]


def register_rows(count: int = 300, seed: int = 17):
    rng = random.Random(seed)
    receptions, children, outcomes, support = [], [], [], []
    for i in range(count):
        received = datetime.date(2014, 1, 1) + datetime.timedelta(days=rng.randrange(0, 3800))
        name = " ".join(part for part in (rng.choice(FAMILY), rng.choice(MIDDLE_F), rng.choice(GIVEN_F)) if part)
        number = f"TN-{received.year}-{i + 1:04d}"
        receptions.append({
            "register_number": number, "received_on": received, "reception_channel": rng.choice(CHANNELS),
            "reception_place": "Cửa khẩu Hữu Nghị", "full_name": name, "sex": "Nữ",
            "birth_year": received.year - rng.randrange(14, 40), "ethnicity": rng.choice(["Kinh", "Mông", "Tày", "Nùng"]),
            "home_province": rng.choice(HOME), "destination_country": "Trung Quốc",
            "purposes": rng.choice(["Cưỡng ép kết hôn", "Bóc lột tình dục", "Cưỡng bức lao động"]),
        })
        if i % 7 == 0:
            children.append({
                "register_number": number, "line": 1,
                "full_name": f"{name.split()[0]} Văn {rng.choice(GIVEN_CHILD)}", "sex": "Nam",
                "birth_year": received.year - rng.randrange(1, 10), "relationship": "Con",
            })
        if i % 4 == 0:
            outcomes.append({
                "register_number": number, "line": 1, "outcome": "identified", "document_type": "police_confirmation",
                "document_number": f"{i + 1}/XN-CAT", "document_date": received + datetime.timedelta(days=10),
                "issuing_body": "Công an tỉnh Lạng Sơn",
            })
            support.append({
                "register_number": number, "line": 1, "item": "clothing_set", "method": "in_kind",
                "delivered_on": received + datetime.timedelta(days=15), "quantity": 1, "amount": 150_000,
                "decision_number": f"{i + 1}/QĐ-TTCTXH", "decision_date": received + datetime.timedelta(days=12),
            })
    return receptions, children, outcomes, support


def bad_register(count: int = 160):
    """The register with its mistakes; returns (xlsx bytes, sheets by kind, BAD)."""
    receptions, children, outcomes, support = register_rows(count)
    bad = set()

    def spoil(index, key, value, kind="reception"):
        rows = receptions if kind == "reception" else children
        rows[index][key] = value
        reference = rows[index]["register_number"] + (f"#{rows[index]['line']}" if kind != "reception" else "")
        bad.add((kind, reference, key))

    spoil(3, "received_on", "31/02/2019")
    spoil(10, "full_name", None)
    spoil(21, "reception_channel", "Đi bộ về")  # not in the list
    spoil(33, "birth_year", receptions[33]["received_on"].year + 2)  # born after the reception (a service rule)
    spoil(2, "birth_year", 2050, kind="child")  # a child "born" after the reception
    support[7]["amount"] = 5_000_000  # over the policy's amount for a set of clothes
    bad.add(("support", support[7]["register_number"] + "#1", "amount"))
    children[5]["birth_year"] = children[5]["birth_year"] - 30  # an "accompanying child" aged over 18
    bad.add(("child", children[5]["register_number"] + "#1", "birth_year"))
    # A child whose reception is not in the register.
    children.append({"register_number": "TN-1999-9999", "line": 1, "full_name": "Lò Văn Pó", "birth_year": 2015,
                     "relationship": "Con"})
    bad.add(("child", "TN-1999-9999#1", "register_number"))
    # The children of a reception with errors wait for it: reported on their register number.
    spoilt = {reference for kind, reference, _key in bad if kind == "reception"}
    sheets = {"reception": receptions, "child": children, "identification": outcomes, "support": support}
    for kind, rows in sheets.items():
        if kind != "reception":
            bad |= {(kind, f"{r['register_number']}#{r['line']}", "register_number")
                    for r in rows if r["register_number"] in spoilt}
    return register_xlsx(sheets), sheets, bad
