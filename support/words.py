"""Amounts as official documents write them: "1.000.000 đồng" and "Bằng chữ: Một triệu đồng"."""

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
SCALES = ["", "nghìn", "triệu", "tỷ"]


def dong(amount: int) -> str:
    """1000000 -> '1.000.000 đồng'."""
    return f"{int(amount):,}".replace(",", ".") + " đồng"


def _three(n: int, full: bool) -> str:
    """Words for 0 < n < 1000; `full` when a higher group comes before it (then 'không trăm', 'linh')."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and (hundreds or full):
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return " ".join(words)


def number_in_words(n: int) -> str:
    """Vietnamese words for a whole number: 1050000 -> 'một triệu không trăm năm mươi nghìn'."""
    n = int(n)
    if n < 0:
        return "âm " + number_in_words(-n)
    if n == 0:
        return DIGITS[0]
    if n >= 1_000_000_000:
        high, low = divmod(n, 1_000_000_000)
        words = number_in_words(high) + " tỷ"
        if low:
            words += " " + _below_billion(low, full=True)
        return words
    return _below_billion(n, full=False)


def _below_billion(n: int, full: bool) -> str:
    groups = [(n // 1_000_000) % 1000, (n // 1000) % 1000, n % 1000]
    words = []
    for index, group in enumerate(groups):
        if not group:
            continue
        scale = SCALES[2 - index]
        words.append(_three(group, full or bool(words)) + (f" {scale}" if scale else ""))
    return " ".join(words)


def amount_in_words(amount: int) -> str:
    """1000000 -> 'Một triệu đồng' (capitalised, as after 'Bằng chữ:')."""
    words = number_in_words(amount) + " đồng"
    return words[:1].upper() + words[1:]
