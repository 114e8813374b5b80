"""Vietnamese names in plausible proportions: family name, middle name, given name (in that order)."""

from bisect import bisect

# Family names with rough national shares (%): Nguyễn about 38, Trần 11, Lê 9.5, Phạm 7 ...
FAMILY_NAMES = [
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), ("Hoàng", 4.0), ("Huỳnh", 1.1),
    ("Phan", 4.5), ("Vũ", 3.2), ("Võ", 0.7), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3),
    ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.8), ("Trương", 0.7), ("Lương", 0.5),
    ("Mai", 0.4), ("Cao", 0.4), ("Đào", 0.4), ("Hà", 0.4), ("Trịnh", 0.3), ("Lưu", 0.3),
    ("Tạ", 0.2), ("Nông", 0.4), ("Triệu", 0.3), ("Lò", 0.3), ("Lục", 0.1), ("Vi", 0.2),
]
FEMALE_MIDDLE = [
    ("Thị", 55), ("Ngọc", 7), ("Thu", 5), ("Thanh", 5), ("Minh", 3), ("Kim", 4), ("Hồng", 4),
    ("Mỹ", 3), ("Bích", 2), ("Phương", 3), ("Thùy", 3), ("Diệu", 2), ("Khánh", 2), ("Hoài", 2),
]
MALE_MIDDLE = [
    ("Văn", 50), ("Đức", 8), ("Minh", 8), ("Quốc", 6), ("Hữu", 6), ("Công", 5), ("Thanh", 4),
    ("Xuân", 3), ("Đình", 4), ("Tuấn", 3), ("Ngọc", 3),
]
FEMALE_GIVEN = [
    "Hoa", "Lan", "Hương", "Mai", "Linh", "Trang", "Hằng", "Nga", "Thảo", "Huyền", "Yến", "Hạnh",
    "Loan", "Phương", "Thủy", "Dung", "Nhung", "Vân", "Hiền", "Ngân", "Quỳnh", "Anh", "Tuyết",
    "Xuân", "Duyên", "Nhàn", "Thơm", "Lụa", "Hồng", "Ly", "Giang", "Oanh", "Thắm", "Hậu",
    "Diệp", "Châu", "Hà", "Trinh", "Vy", "My", "Nhi", "Ngọc", "Thư", "Thương", "Liên", "Sen",
]
MALE_GIVEN = [
    "Hùng", "Dũng", "Nam", "Long", "Tuấn", "Hải", "Sơn", "Thắng", "Minh", "Đức", "Quang", "Huy",
    "Phúc", "Bình", "Cường", "Khoa", "Trung", "Hiếu", "Tùng", "Việt", "Thành", "Hoàng", "Kiên",
    "Lâm", "Tâm", "Toàn", "Quân", "Vinh", "Đạt", "Lộc", "Tài", "Phong", "An", "Khánh",
]
# H'Mông and Dao names in the northern mountains follow their own clans and middle names.
HMONG_FAMILY = [("Giàng", 4), ("Vàng", 4), ("Sùng", 3), ("Lầu", 2), ("Mùa", 2), ("Thào", 3),
                ("Hầu", 1), ("Lý", 2), ("Sình", 1), ("Má", 1), ("Hờ", 1), ("Chảo", 1), ("Tẩn", 1)]
HMONG_FEMALE_MIDDLE = [("Thị", 8), ("Seo", 1)]
HMONG_MALE_MIDDLE = [("A", 6), ("Seo", 2), ("Văn", 2)]
HMONG_FEMALE_GIVEN = ["Mai", "Dở", "Mỷ", "Súa", "Chà", "Pà", "Dợ", "Sinh", "Mái", "Ly", "Dung", "Say"]
HMONG_MALE_GIVEN = ["Páo", "Chứ", "Sử", "Dình", "Lử", "Tráng", "Chống", "Sềnh", "Pó", "Chúa"]

# Names used abroad (the file keeps them as other names).
OTHER_NAMES = ["A Mai", "Tiểu Lan", "Xiao Mei", "Ah Hoa", "Lily", "Mimi", "Na", "Bé", "Út", "Tí"]


def weighted(pairs):
    """(values, cumulative weights) for `draw` (or random.choices(cum_weights=...))."""
    values, cum, total = [], [], 0.0
    for value, weight in pairs:
        total += weight
        values.append(value)
        cum.append(total)
    return values, cum


def draw(rng, table):
    """One value of a `weighted` table: what rng.choices(values, cum_weights=cum)[0] gives, from the
    same single random() call, without its checks and its list (called millions of times)."""
    values, cum = table
    return values[bisect(cum, rng.random() * cum[-1], 0, len(values) - 1)]


def ri(rng, a: int, b: int) -> int:
    """rng.randint without its layers of checks: the generator calls it tens of millions of times."""
    return a + int(rng.random() * (b - a + 1))


def pick1(rng, seq):
    return seq[int(rng.random() * len(seq))]
