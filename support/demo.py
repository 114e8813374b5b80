"""Demo support (never for production): requests in every state on the demo cases, through the services.

Run after victims.demo.seed_cases(). Idempotent: does nothing when the demo requests exist. Decision
PDFs are rendered by the Celery worker once the seeding transaction commits.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Agency, Membership, User
from accounts.roles import Role
from victims.demo import DEMO_KEY_PREFIX
from victims.models import Case, CaseChild

from .models import EntitlementItem, LoanStatus, SupportRequest
from .policy import version_in_force
from .services import (
    DocumentInput,
    LineDecisionInput,
    LineInput,
    delivery_record,
    loan_create,
    loan_repayment_record,
    loan_update_status,
    support_request_create,
    support_request_decide,
)

KEY = "demo-support-"

# Under Law 53/2024 regimes 1-4 are given by the receiving body itself: its head decides them.
RECEIVING_HEADS = [
    ("thutruong.ttctxh.ls", "Nông Văn Thắng", "TTCTXH-LS"),
    ("chihuy.bp.ls", "Lục Văn Quân", "BP-HN-LS"),
    ("giamdoc.ttbtxh.hn", "Trịnh Thị Hoa", "TTBTXH-HN"),
]


def _receiving_heads() -> None:
    for username, full_name, agency_code in RECEIVING_HEADS:
        agency = Agency.objects.filter(code=agency_code).first()
        if agency is None or User.objects.filter(username=username).exists():
            continue
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD, full_name=full_name,
                                        email=f"{username}@demo.nannhan.gov.vn")
        Membership.objects.create(user=user, agency=agency, role=Role.APPROVER)


class _Demo:
    def __init__(self):
        self.today = timezone.localdate()
        self.users = {u.username: u for u in User.objects.filter(username__contains=".")}
        self.agencies = {a.code: a for a in Agency.objects.all()}
        self.version = version_in_force(self.today)
        self.items = {i.code: i for i in EntitlementItem.objects.filter(version=self.version)}

    def ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    @staticmethod
    def case(number: str) -> Case:
        return Case.objects.select_related("person").get(intake_key=f"{DEMO_KEY_PREFIX}{number}")

    def line(self, code, quantity=1, amount=None, **kwargs):
        return LineInput(item=self.items[code], quantity=quantity, amount=amount, **kwargs)

    def request(self, key, username, agency_code, case, lines, *, days_ago, person=None, documents=(), stay=False,
                supersedes=None, note=""):
        return support_request_create(
            user=self.users[username], agency=self.agencies[agency_code], case=case, person=person or case.person,
            application_date=self.ago(days_ago), lines=lines, documents=documents, in_facility_stay=stay,
            note=note, supersedes=supersedes, idempotency_key=f"{KEY}{key}",
        )

    def decide(self, username, request, decisions=None, *, days_ago=0, note=""):
        decisions = decisions or {}
        lines = {}
        for line in request.lines.select_related("item"):
            choice = decisions.get(line.item.code, "approve")
            if isinstance(choice, tuple):  # ("partly", quantity or amount, reason)
                _, value, reason = choice
                if line.item.priced_per_unit:
                    lines[line.pk] = LineDecisionInput("partly", approved_quantity=value, reason=reason)
                else:
                    lines[line.pk] = LineDecisionInput("partly", approved_quantity=line.quantity,
                                                       approved_amount=value, reason=reason)
            elif choice == "approve":
                lines[line.pk] = LineDecisionInput("approve")
            else:
                lines[line.pk] = LineDecisionInput("reject", reason=choice)
        return support_request_decide(user=self.users[username], request=request, lines=lines, note=note,
                                      decision_date=self.ago(days_ago))

    def pay(self, username, agency_code, request, code, *, days_ago, amount=0, quantity=0, method="cash", key=""):
        line = request.lines.get(item__code=code)
        return delivery_record(user=self.users[username], agency=self.agencies[agency_code], line=line,
                               delivered_on=self.ago(days_ago), method=method, amount=amount, quantity=quantity,
                               delivered_by_name=self.users[username].get_full_name(),
                               receipt_number=f"PC-{line.pk:04d}", idempotency_key=f"{KEY}pay-{key or line.pk}")


@transaction.atomic
def seed_support() -> bool:
    """Create the demo support requests once (needs the demo cases). Returns False if already there."""
    if SupportRequest.objects.filter(submission_key__startswith=KEY).exists():
        return False
    if not Case.objects.filter(intake_key__startswith=DEMO_KEY_PREFIX).exists():
        raise RuntimeError("Seed the demo cases first (victims.demo.seed_cases).")
    _receiving_heads()
    d = _Demo()
    if d.version is None:
        return False
    _lang_son(d)
    _ha_noi(d)
    return True


def _lang_son(d: _Demo) -> None:
    hang = d.case("05")  # in support at the Lạng Sơn social work centre, with her daughter
    poor = DocumentInput("poor_household_certificate", "27/GCN-UBND", issued_on=d.ago(40),
                         issued_by="UBND xã Mẫu Sơn")
    # Approved, partly paid: essential needs at the centre.
    [essentials] = d.request("01", "canbo.ls", "TTCTXH-LS", hang, [
        d.line("food_in_facility", 25), d.line("clothing_set", 2), d.line("underwear_set", 2),
        d.line("personal_items"),
    ], days_ago=20, stay=True, note="Tiếp nhận tại Trung tâm, cần hỗ trợ nhu cầu thiết yếu.")
    d.decide("thutruong.ttctxh.ls", essentials, days_ago=15)
    d.pay("canbo.ls", "TTCTXH-LS", essentials, "food_in_facility", days_ago=10, amount=400_000, quantity=10)
    d.pay("canbo.ls", "TTCTXH-LS", essentials, "clothing_set", days_ago=14, quantity=2, method="in_kind",
          amount=300_000)
    # Waiting for the department, deadline running: the hardship allowance.
    d.request("02", "canbo.ls", "TTCTXH-LS", hang, [d.line("hardship_allowance")], days_ago=6, documents=[poor],
              note="Gia đình thuộc hộ nghèo, có giấy chứng nhận.")
    # Her daughter: psychological support approved in part.
    ngoc = CaseChild.objects.filter(case=hang).select_related("person").first()
    if ngoc is not None:
        [child] = d.request("03", "canbo.ls", "TTCTXH-LS", hang, [d.line("psychological_support", amount=1_200_000)],
                            days_ago=12, person=ngoc.person)
        d.decide("thutruong.ttctxh.ls", child, {"psychological_support": ("partly", 800_000, "Theo 4 buổi trị liệu thực tế.")},
                 days_ago=5)

    hanh = d.case("03")  # identified three days ago at the border: waiting for a decision
    d.request("04", "bienphong.ls", "BP-HN-LS", hanh, [
        d.line("clothing_set", 2), d.line("winter_clothing"), d.line("travel_fare", amount=350_000),
    ], days_ago=2, note="Về quê tại Đình Lập, cần quần áo ấm và tiền tàu xe.")
    [lodging] = d.request("09", "bienphong.ls", "BP-HN-LS", hanh, [
        d.line("temporary_accommodation", 3, amount=450_000),
    ], days_ago=3, note="Nghỉ tại nhà khách trong khi chờ xác minh.")
    d.decide("chihuy.bp.ls", lodging, {"temporary_accommodation": "Đã được bố trí chỗ ở tại Đồn Biên phòng."},
             days_ago=1)

    nhung = d.case("02")  # under identification: legal information approved, winter clothing refused
    [under] = d.request("05", "bienphong.ls", "BP-HN-LS", nhung, [
        d.line("legal_information", amount=0), d.line("winter_clothing"),
    ], days_ago=5)
    d.decide("chihuy.bp.ls", under, {"winter_clothing": "Đồn Biên phòng đã cấp quần áo ấm khi tiếp nhận."},
             days_ago=1)


def _ha_noi(d: _Demo) -> None:
    thu = d.case("06")  # in follow-up in Hà Nội: vocational training paid, a loan being repaid
    [training] = d.request("06", "canbo.hn", "TTBTXH-HN", thu, [d.line("vocational_training", amount=3_000_000)],
                           days_ago=90, note="Học nghề may tại Trung tâm dạy nghề quận.")
    d.decide("pheduyet.hn", training, days_ago=85)
    d.pay("canbo.hn", "TTBTXH-HN", training, "vocational_training", days_ago=80, amount=3_000_000,
          method="bank_transfer")
    # A decision corrected by a new request: the first one is superseded.
    [first] = d.request("07", "canbo.hn", "TTBTXH-HN", thu, [d.line("psychological_support", amount=900_000)],
                        days_ago=140)
    d.decide("giamdoc.ttbtxh.hn", first, days_ago=135)
    [correction] = d.request("08", "canbo.hn", "TTBTXH-HN", thu, [d.line("psychological_support", amount=1_500_000)],
                             days_ago=130, supersedes=first, note="Bổ sung số buổi tư vấn theo kế hoạch.")
    d.decide("giamdoc.ttbtxh.hn", correction, days_ago=125)

    loan = loan_create(user=d.users["canbo.hn"], agency=d.agencies["TTBTXH-HN"], case=thu,
                       lender="social_policy_bank", lender_name="Phòng giao dịch NHCSXH Thanh Trì",
                       amount=30_000_000, term_months=36, purpose="Mua máy may, mở cơ sở may gia công",
                       applied_on=d.ago(70), idempotency_key=f"{KEY}loan-06")
    loan_update_status(user=d.users["canbo.hn"], loan=loan, status=LoanStatus.APPROVED)
    loan_update_status(user=d.users["canbo.hn"], loan=loan, status=LoanStatus.DISBURSED, disbursed_on=d.ago(60))
    loan_repayment_record(user=d.users["canbo.hn"], loan=loan, paid_on=d.ago(30), amount=1_000_000,
                          note="Trả nợ kỳ 1")
