"""The agency types of DOMAIN.md §1, as seed data (names change with reforms: edit them in the admin)."""

AGENCY_TYPES = [
    ("border_guard", "Đồn Biên phòng (Bộ đội Biên phòng)", "Border guard post"),
    ("police", "Công an", "Police"),
    ("immigration", "Cục / Phòng Quản lý xuất nhập cảnh", "Immigration department"),
    ("mission_abroad", "Cơ quan đại diện Việt Nam ở nước ngoài", "Diplomatic mission abroad"),
    ("commune_committee", "Ủy ban nhân dân cấp xã", "Commune People's Committee"),
    ("social_affairs_department", "Sở Y tế (trước 1/7/2025: Sở Lao động - Thương binh và Xã hội)",
     "Provincial social-affairs department"),
    ("social_centre", "Trung tâm Bảo trợ xã hội / Công tác xã hội", "Social protection / social work centre"),
    ("victim_support_facility", "Cơ sở hỗ trợ nạn nhân", "Victim support facility"),
    ("ministry", "Bộ Y tế – Cục Phòng, chống tệ nạn xã hội", "Ministry"),
    ("partner_organisation", "Tổ chức đối tác (Hội LHPN, tổ chức phi chính phủ, đường dây nóng)",
     "Partner organisation"),
]
