"""Demo case files (never for production): realistic cases in every status for the demo agencies.

Run after accounts.demo.seed_organisations(). Everything goes through the services, so the demo
has the same history, transitions, grants and case numbers as real work. Idempotent.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import AdministrativeUnit, Agency, User

from . import services
from .models import (
    Case,
    ChildRelationship,
    ClosureReason,
    ConfirmingDocumentType,
    ContactChannel,
    ContactKind,
    ContactOutcome,
    EthnicGroup,
    IdentificationResult,
    IdPaperType,
    ReceptionChannel,
    SharingParty,
    TraffickingPurpose,
)
from .workflow import Status

DEMO_KEY_PREFIX = "demo-case-"
GRANT_FOR_SUPPORT = ["case.view", "case.view_identity", "case.edit"]


class _Demo:
    def __init__(self):
        self.today = timezone.localdate()
        self.agencies = {a.code: a for a in Agency.objects.all()}
        self.users = {u.username: u for u in User.objects.filter(username__contains=".")}
        self.users["daisuquan"] = User.objects.get(username="daisuquan")

    def ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    @staticmethod
    def province(folded: str) -> AdministrativeUnit:
        return AdministrativeUnit.objects.provinces().get(name_folded__endswith=folded)

    def commune(self, province_folded: str, commune_folded: str) -> AdministrativeUnit:
        province = self.province(province_folded)
        communes = AdministrativeUnit.objects.communes().filter(parent=province)
        return communes.filter(name_folded__endswith=commune_folded).first() or communes.first()

    @staticmethod
    def ethnicity(name: str) -> EthnicGroup:
        return EthnicGroup.objects.get(name=name)

    def receive(self, key, username, agency_code, *, days_ago, channel, name, sex="female", **fields):
        return services.case_register_reception(
            user=self.users[username], agency=self.agencies[agency_code], reception_channel=channel,
            received_on=self.ago(days_ago), full_name=name, sex=sex,
            idempotency_key=f"{DEMO_KEY_PREFIX}{key}", **fields,
        )

    def identify(self, case, requester, police_code, officer, result=IdentificationResult.IDENTIFIED,
                 days_ago=1, number="", body=""):
        services.verification_request(
            user=self.users[requester], case=case, police_agency=self.agencies[police_code],
            note="Đề nghị xác minh, xác định nạn nhân theo quy định.",
        )
        if result == IdentificationResult.UNDER_IDENTIFICATION:
            return
        services.identification_record_outcome(
            user=self.users[officer], case=case, outcome=result,
            document_type=ConfirmingDocumentType.POLICE_CONFIRMATION,
            document_number=number or f"{case.pk:03d}/XN-PC02", document_date=self.ago(days_ago),
            issuing_body=body or self.agencies[police_code].name,
        )


@transaction.atomic
def seed_cases() -> bool:
    """Create the demo cases once (needs the demo organisations). Returns False if already there."""
    if Case.objects.filter(intake_key__startswith=DEMO_KEY_PREFIX).exists():
        return False
    if not Agency.objects.filter(code="BP-HN-LS").exists():
        raise RuntimeError("Seed the demo organisations first (accounts.demo.seed_organisations).")
    demo = _Demo()
    _lang_son_border(demo)
    _ha_noi(demo)
    _nghe_an(demo)
    _abroad_and_commune(demo)
    return True


def _lang_son_border(d: _Demo) -> None:
    # 1. Received yesterday at the border with her baby; declaration still being filled in.
    mai = d.receive("01", "bienphong.ls", "BP-HN-LS", days_ago=1, name="Lò Thị Mai", birth_year=2004,
                    channel=ReceptionChannel.HANDED_BACK_AT_BORDER,
                    reception_place="Cửa khẩu Quốc tế Hữu Nghị", reception_province=d.province("lang son"),
                    immediate_needs="Quần áo ấm cho hai mẹ con, sữa cho trẻ, khám sức khỏe.")
    services.person_update_declaration(
        user=d.users["bienphong.ls"], person=mai.person, ethnicity=d.ethnicity("Thái"), language="Tiếng Thái",
        interpreter_needed=True, home_commune=d.commune("nghe an", "que phong"),
    )
    services.case_add_child(user=d.users["bienphong.ls"], case=mai, full_name="Lò Văn Khánh",
                            relationship=ChildRelationship.CHILD, sex="male", birth_year=d.today.year - 1)
    services.consent_record(user=d.users["bienphong.ls"], case=mai,
                            share_with=[SharingParty.POLICE, SharingParty.SOCIAL_AFFAIRS, SharingParty.SOCIAL_CENTRE])

    # 2. Handed back last week, verification requested from the provincial police.
    nhung = d.receive("02", "bienphong.ls", "BP-HN-LS", days_ago=7, name="Hoàng Thị Nhung",
                      date_of_birth=datetime.date(1999, 8, 14), channel=ReceptionChannel.HANDED_BACK_AT_BORDER,
                      reception_place="Đồn Biên phòng Cửa khẩu Quốc tế Hữu Nghị")
    services.person_update_declaration(
        user=d.users["bienphong.ls"], person=nhung.person, ethnicity=d.ethnicity("Tày"),
        home_commune=d.commune("lang son", "van lang"), home_address_detail="Thôn Nà Lầu",
        id_paper_type=IdPaperType.CCCD, id_paper_number="020199001234",
    )
    services.case_update_declaration(
        user=d.users["bienphong.ls"], case=nhung, destination_country="CN",
        purposes=[TraffickingPurpose.FORCED_MARRIAGE], recruitment="Người quen rủ sang Trung Quốc làm thuê.",
        means_of_control="Bị giữ giấy tờ, không được liên lạc với gia đình.",
        trafficked_from=d.ago(400), trafficked_until=d.ago(8),
    )
    services.consent_record(user=d.users["bienphong.ls"], case=nhung,
                            share_with=[SharingParty.POLICE, SharingParty.SOCIAL_AFFAIRS])
    d.identify(nhung, "bienphong.ls", "CA-LS", "congan.ls", IdentificationResult.UNDER_IDENTIFICATION)

    # 3. Identified by the police; waiting for a support decision.
    hanh = d.receive("03", "bienphong.ls", "BP-HN-LS", days_ago=20, name="Vi Thị Hạnh", birth_year=2001,
                     channel=ReceptionChannel.HANDED_BACK_AT_BORDER, reception_place="Cửa khẩu Chi Ma")
    services.person_update_declaration(user=d.users["bienphong.ls"], person=hanh.person,
                                       ethnicity=d.ethnicity("Nùng"), home_commune=d.commune("lang son", "dinh lap"))
    services.case_update_declaration(user=d.users["bienphong.ls"], case=hanh, destination_country="CN",
                                     purposes=[TraffickingPurpose.FORCED_MARRIAGE, TraffickingPurpose.FORCED_LABOUR])
    d.identify(hanh, "bienphong.ls", "CA-LS", "congan.ls", days_ago=3)

    # 4. Not a victim: he went to work abroad of his own will (the police found no trafficking).
    thang = d.receive("04", "bienphong.ls", "BP-HN-LS", days_ago=15, name="Nông Văn Thắng", sex="male",
                      birth_year=1995, channel=ReceptionChannel.HANDED_BACK_AT_BORDER,
                      reception_place="Cửa khẩu Quốc tế Hữu Nghị")
    services.person_update_declaration(user=d.users["bienphong.ls"], person=thang.person,
                                       ethnicity=d.ethnicity("Nùng"), home_commune=d.commune("lang son", "cao loc"))
    d.identify(thang, "bienphong.ls", "CA-LS", "congan.ls", IdentificationResult.NOT_VICTIM, days_ago=2)

    # 5. In support at the provincial social work centre (found there), with her daughter.
    hang = d.receive("05", "canbo.ls", "TTCTXH-LS", days_ago=35, name="Triệu Thị Hằng", birth_year=2000,
                     channel=ReceptionChannel.FOUND_IN_FACILITY, reception_place="Trung tâm Công tác xã hội tỉnh")
    services.person_update_declaration(user=d.users["canbo.ls"], person=hang.person, ethnicity=d.ethnicity("Dao"),
                                       home_commune=d.commune("lang son", "mau son"))
    services.case_add_child(user=d.users["canbo.ls"], case=hang, full_name="Triệu Thị Ngọc",
                            relationship=ChildRelationship.CHILD, birth_year=d.today.year - 3)
    services.consent_record(user=d.users["canbo.ls"], case=hang,
                            share_with=[SharingParty.POLICE, SharingParty.HEALTH, SharingParty.SOCIAL_AFFAIRS])
    d.identify(hang, "canbo.ls", "CA-LS", "congan.ls", days_ago=25)
    services.case_transition(user=d.users["canbo.ls"], case=hang, to_status=Status.IN_SUPPORT,
                             reason="Tiếp nhận vào Trung tâm, hỗ trợ nhu cầu thiết yếu và y tế.")


def _ha_noi(d: _Demo) -> None:
    # 6. Rescued by the Hà Nội police, back home and in monthly follow-up (visits on time).
    thu = d.receive("06", "canbo.hn", "TTBTXH-HN", days_ago=160, name="Nguyễn Thị Thu", birth_year=1998,
                    channel=ReceptionChannel.RESCUED, reception_place="Quận Hoàng Mai (cũ)")
    services.person_update_declaration(user=d.users["canbo.hn"], person=thu.person, ethnicity=d.ethnicity("Kinh"),
                                       home_commune=d.commune("ha noi", "thanh tri"), home_address_detail="Thôn Yên Xá")
    services.case_update_declaration(user=d.users["canbo.hn"], case=thu, destination_country="MY",
                                     purposes=[TraffickingPurpose.SEXUAL_EXPLOITATION],
                                     recruitment="Môi giới việc làm nhà hàng qua mạng xã hội.")
    services.consent_record(user=d.users["canbo.hn"], case=thu, recorded_on=d.ago(160),
                            share_with=[SharingParty.POLICE, SharingParty.SOCIAL_AFFAIRS, SharingParty.LEGAL_AID])
    d.identify(thu, "canbo.hn", "CA-HN", "congan.hn", days_ago=150)
    services.case_transition(user=d.users["canbo.hn"], case=thu, to_status=Status.IN_SUPPORT,
                             reason="Hỗ trợ tâm lý và pháp lý.")
    services.reintegration_plan_create(
        user=d.users["canbo.hn"], case=thu, starts_on=d.ago(100),
        family_assessment="Gia đình đồng ý đón về, mẹ làm nông nghiệp.", goals="Học nghề may, vay vốn.",
    )
    services.case_transition(user=d.users["canbo.hn"], case=thu, to_status=Status.FOLLOW_UP)
    for visited, findings in [(70, "Sức khỏe ổn định, đã đăng ký học nghề."),
                              (40, "Đang học nghề may, tâm lý tốt hơn."),
                              (8, "Đã có việc làm tại xưởng may.")]:
        services.followup_visit_record(user=d.users["canbo.hn"], case=thu, visited_on=d.ago(visited),
                                       visitors="Nguyễn Thị Thu Hà", place="Nhà riêng, xã Thanh Trì", findings=findings)

    # 7. Received by the shelter, identified, straight to follow-up (needs no more support).
    yen = d.receive("07", "nhatambinh.hn", "NNBY-HN", days_ago=90, name="Đỗ Thị Yến", birth_year=1996,
                    channel=ReceptionChannel.HOTLINE, reception_place="Đường dây nóng 111")
    services.person_update_declaration(user=d.users["nhatambinh.hn"], person=yen.person,
                                       home_commune=d.commune("ha noi", "hoang mai"))
    d.identify(yen, "nhatambinh.hn", "CA-HN", "congan.hn", days_ago=80)
    services.reintegration_plan_create(user=d.users["nhatambinh.hn"], case=yen, starts_on=d.ago(75))
    services.case_transition(user=d.users["nhatambinh.hn"], case=yen, to_status=Status.FOLLOW_UP,
                             reason="Về gia đình, không cần hỗ trợ thêm.")
    services.followup_visit_record(user=d.users["nhatambinh.hn"], case=yen, visited_on=d.ago(20),
                                   visitors="Phạm Thị Yến", place="Nhà riêng", findings="Ổn định.")


def _nghe_an(d: _Demo) -> None:
    # 8. Returned via Lạng Sơn, identified there, referred home to Nghệ An: follow-up visit overdue.
    phuong = d.receive("08", "bienphong.ls", "BP-HN-LS", days_ago=200, name="Lô Thị Phương", birth_year=2002,
                       channel=ReceptionChannel.HANDED_BACK_AT_BORDER, reception_place="Cửa khẩu Quốc tế Hữu Nghị")
    services.person_update_declaration(user=d.users["bienphong.ls"], person=phuong.person,
                                       ethnicity=d.ethnicity("Thái"), home_commune=d.commune("nghe an", "tuong duong"))
    services.consent_record(user=d.users["bienphong.ls"], case=phuong, recorded_on=d.ago(200),
                            share_with=[SharingParty.POLICE, SharingParty.SOCIAL_AFFAIRS, SharingParty.SOCIAL_CENTRE])
    d.identify(phuong, "bienphong.ls", "CA-LS", "congan.ls", days_ago=190)
    services.case_grant_access(user=d.users["bienphong.ls"], case=phuong, grantee_agency=d.agencies["TTCTXH-NA"],
                               actions=GRANT_FOR_SUPPORT, reason="Chuyển tuyến về địa phương hỗ trợ hòa nhập.")
    services.case_transition(user=d.users["canbo.na"], case=phuong, to_status=Status.IN_SUPPORT)
    services.reintegration_plan_create(user=d.users["canbo.na"], case=phuong, starts_on=d.ago(120),
                                       responsible_agency=d.agencies["TTCTXH-NA"], safe_escort=True)
    services.case_transition(user=d.users["canbo.na"], case=phuong, to_status=Status.FOLLOW_UP)
    services.followup_visit_record(user=d.users["canbo.na"], case=phuong, visited_on=d.ago(85),
                                   visitors="Hồ Thị Nga, cán bộ xã", place="Nhà riêng, xã Tương Dương",
                                   findings="Gia đình khó khăn, cần hỗ trợ vay vốn.")

    # 9. Closed: handed back through Hữu Nghị last year (verified by the Lạng Sơn police), received by
    #    the Nghệ An centre, reintegrated after the follow-up.
    xuan = d.receive("09", "canbo.na", "TTCTXH-NA", days_ago=330, name="Moong Thị Xuân", birth_year=1997,
                     channel=ReceptionChannel.OTHER, reception_place="Trung tâm Công tác xã hội tỉnh Nghệ An")
    services.person_update_declaration(user=d.users["canbo.na"], person=xuan.person,
                                       ethnicity=d.ethnicity("Khơ-mú"), home_commune=d.commune("nghe an", "muong xen"))
    d.identify(xuan, "canbo.na", "CA-LS", "congan.ls", days_ago=320)
    services.reintegration_plan_create(user=d.users["canbo.na"], case=xuan, starts_on=d.ago(300),
                                       ends_on=d.ago(30), visit_interval_months=3)
    services.case_transition(user=d.users["canbo.na"], case=xuan, to_status=Status.FOLLOW_UP)
    for visited in (210, 120, 35):
        services.followup_visit_record(user=d.users["canbo.na"], case=xuan, visited_on=d.ago(visited),
                                       visitors="Hồ Thị Nga", place="Nhà riêng", findings="Ổn định, có thu nhập.")
    services.case_close(user=d.users["canbo.na"], case=xuan, reason=ClosureReason.REINTEGRATED,
                        reason_detail="Hòa nhập tốt sau thời gian theo dõi.")


def _abroad_and_commune(d: _Demo) -> None:
    # 10. Received by the embassy in China; home province not known yet.
    d.receive("10", "daisuquan", "DSQ-BK", days_ago=4, name="Trần Thị Lan", birth_year=2005,
              channel=ReceptionChannel.RECEIVED_ABROAD, reception_place="Đại sứ quán Việt Nam tại Bắc Kinh",
              immediate_needs="Giấy tờ đi đường, vé về nước.")

    # 11. Self-reported to the ward, a duplicate of another file: closed.
    dup = d.receive("11", "xa.ls", "UBND-DD-LS", days_ago=12, name="Hoàng Thị Nhung",
                    date_of_birth=datetime.date(1999, 8, 14), channel=ReceptionChannel.SELF_REPORTED,
                    reception_place="UBND phường Đông Kinh")
    services.case_close(user=d.users["xa.ls"], case=dup, reason=ClosureReason.DUPLICATE,
                        reason_detail="Trùng hồ sơ của Đồn Biên phòng Hữu Nghị.")


# username, agency, days ago, hour, channel, kind, province, outcome, case opened (demo key), summary
CONTACTS = [
    ("nhatambinh.hn", "NNBY-HN", 90, 8, ContactChannel.HOTLINE_111, ContactKind.RESCUE_SUPPORT, "ha noi",
     ContactOutcome.CASE_OPENED, "07", "Người nhà báo chị bị giữ ở nơi làm việc, xin hỗ trợ đón về."),
    ("canbo.ls", "TTCTXH-LS", 40, 21, ContactChannel.HOTLINE_111, ContactKind.SUSPECTED_CASE, "lang son",
     ContactOutcome.REPORTED_TO_POLICE, None, "Nghi có người bị đưa sang biên giới; đã chuyển Công an tỉnh."),
    ("canbo.ls", "TTCTXH-LS", 25, 10, ContactChannel.HOTLINE_111, ContactKind.INFORMATION, "lang son",
     ContactOutcome.ANSWERED, None, "Hỏi về chế độ hỗ trợ cho người được tiếp nhận."),
    ("canbo.ls", "TTCTXH-LS", 9, 15, ContactChannel.MESSAGE, ContactKind.COUNSELLING, "lang son",
     ContactOutcome.FOLLOW_UP, None, "Nhắn tin qua Zalo xin tư vấn tâm lý; hẹn gọi lại."),
    ("xa.ls", "UBND-DD-LS", 6, 9, ContactChannel.WALK_IN, ContactKind.SUSPECTED_CASE, "lang son",
     ContactOutcome.REFERRED, None, "Người dân đến báo tin; đã chuyển Trung tâm Công tác xã hội tỉnh."),
    ("canbo.hn", "TTBTXH-HN", 30, 14, ContactChannel.HOTLINE_OTHER, ContactKind.REFERRAL, "nghe an",
     ContactOutcome.REFERRED, None, "Chuyển tiếp trường hợp ở Nghệ An cho Sở Y tế tỉnh."),
    ("canbo.hn", "TTBTXH-HN", 3, 11, ContactChannel.HOTLINE_111, ContactKind.INFORMATION, None,
     ContactOutcome.CUT_OFF, None, ""),
    ("canbo.na", "TTCTXH-NA", 18, 16, ContactChannel.EMAIL, ContactKind.INFORMATION, "nghe an",
     ContactOutcome.ANSWERED, None, "Thư hỏi thủ tục xác minh nạn nhân."),
]


def seed_contacts() -> bool:
    """Create a few demo contacts once (hotline calls, a walk-in, messages), through the contact service;
    one of them opened a demo case. No caller's identity. Returns False if the demo agencies have
    contacts already."""
    from .contacts import contact_record
    from .models import Contact

    if Contact.objects.filter(recording_agency__code__in={c[1] for c in CONTACTS}).exists():
        return False
    if not Case.objects.filter(intake_key__startswith=DEMO_KEY_PREFIX).exists():
        raise RuntimeError("Seed the demo cases first (victims.demo.seed_cases).")
    d = _Demo()
    for username, agency_code, days, hour, channel, kind, province, outcome, case_key, summary in CONTACTS:
        day = d.ago(days)
        contact_record(
            user=d.users[username], agency=d.agencies[agency_code],
            line="1800 1567" if channel == ContactChannel.HOTLINE_OTHER else "",
            occurred_at=timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, 15)),
            channel=channel, kind=kind, province=d.province(province) if province else None, outcome=outcome,
            case=Case.objects.get(intake_key=f"{DEMO_KEY_PREFIX}{case_key}") if case_key else None,
            duration_minutes=12, summary=summary,
        )
    return True
