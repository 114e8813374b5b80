"""Demo facilities (never for production): centres and shelters in the three demo provinces, with
residents, licences in every state, applications at every step and inspections.

Run after accounts.demo.seed_organisations() and victims.demo.seed_cases(). Everything goes through
the services (capacity locks, licensing workflow, history), with dates in the past. Idempotent.

    licences:     valid (Ngôi nhà Bình yên, renewed), replaced by a renewal (its first licence),
                  suspended (Hoa Sữa), revoked (Sen Hồng, closed), expired (Biên Cương)
    applications: granted, submitted and overdue (Biên Cương's renewal), appraised and awaiting the
                  decision (Hoa Sữa), returned after appraisal, refused
    stays:        a mother and her daughter; a stay past the maximum; one near it; one extended;
                  completed stays (to the family)
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import AdministrativeUnit, Agency, User
from victims import services as case_services
from victims.models import Case, ChildRelationship, ReceptionChannel

from . import services
from .choices import FacilityType, FundingSource, GenderPolicy, InspectionKind, Service
from .models import Facility, Licence

DEMO_KEY_PREFIX = "demo-facility-"
ALL_SERVICES = list(Service.values)
SHELTER_SERVICES = [Service.ACCOMMODATION, Service.ESSENTIAL_NEEDS, Service.PSYCHOLOGICAL, Service.LEGAL_AID,
                    Service.REINTEGRATION]


class _Demo:
    def __init__(self):
        self.today = timezone.localdate()
        self.agencies = {a.code: a for a in Agency.objects.all()}
        self.users = {u.username: u for u in User.objects.all()}

    def ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    @staticmethod
    def province(folded: str) -> AdministrativeUnit:
        return AdministrativeUnit.objects.provinces().get(name_folded__endswith=folded)

    def commune(self, province: str) -> AdministrativeUnit | None:
        return AdministrativeUnit.objects.communes().filter(parent=self.province(province)).order_by("code").first()

    def facility(self, user, **fields) -> Facility:
        province = fields.pop("province_name")
        return services.facility_create(
            user=self.users[user], province=self.province(province), commune=self.commune(province), **fields,
        )

    def licence(self, user, facility, *, submitted, appraised, decided, valid_until, number, services_=None,
                capacity=None, previous=None) -> Licence:
        application = services.licence_apply(
            user=self.users[user], facility=facility, applicant=facility.owner_agency.name,
            submitted_on=self.ago(submitted), proposed_services=services_ or SHELTER_SERVICES,
            proposed_capacity=capacity or facility.beds, previous_licence=previous,
            documents=["application_form", "establishment_papers", "staff_list", "premises", "operating_plan"],
        )
        services.application_appraise(user=self.users[user], application=application, appraised_on=self.ago(appraised),
                                      recommend=True, note="Hồ sơ đầy đủ; cơ sở vật chất và nhân sự đáp ứng yêu cầu.")
        services.application_decide(
            user=self.users[user], application=application, decided_on=self.ago(decided), granted=True,
            decision_number=f"{number.split('/')[0]}/QĐ-UBND", decision_signer="Phó Chủ tịch UBND tỉnh",
            licence_number=number, valid_until=self.ago(valid_until),
        )
        return Licence.objects.get(application=application)

    def case(self, key, user, agency, *, days_ago, name, child=None):
        case = Case.objects.filter(intake_key=f"{DEMO_KEY_PREFIX}{key}").first()
        if case is None:
            case = case_services.case_register_reception(
                user=self.users[user], agency=self.agencies[agency], reception_channel=ReceptionChannel.HANDED_BACK_AT_BORDER,
                received_on=self.ago(days_ago), full_name=name, sex="female", birth_year=self.today.year - 24,
                reception_place="Cửa khẩu Quốc tế Hữu Nghị", idempotency_key=f"{DEMO_KEY_PREFIX}{key}",
            )
            if child:
                case_services.case_add_child(user=self.users[user], case=case, full_name=child,
                                             relationship=ChildRelationship.CHILD, birth_year=self.today.year - 2)
        return case

    def admit(self, user, facility, case, *, days_ago, reason, with_children=True, room="", bed=""):
        persons = [case.person, *([link.person for link in case.children.all()] if with_children else [])]
        return services.stay_admit(
            user=self.users[user], facility=facility, case=case, persons=persons, admitted_on=self.ago(days_ago),
            admission_reason=reason, services=[Service.ESSENTIAL_NEEDS, Service.PSYCHOLOGICAL], room=room, bed=bed,
        )


@transaction.atomic
def seed_facilities() -> bool:
    """Create the demo facilities once (needs the demo organisations and cases). False if already there."""
    if Facility.objects.filter(code="CS-LS-01").exists():
        return False
    if not Agency.objects.filter(code="TTCTXH-LS").exists() or not User.objects.filter(username="canbo.ls").exists():
        raise RuntimeError("Seed the demo organisations first (accounts.demo.seed_organisations).")
    d = _Demo()
    _lang_son(d)
    _ha_noi(d)
    _nghe_an(d)
    return True


def _lang_son(d: _Demo) -> None:
    centre = d.facility(
        "lanhdao.ls", code="CS-LS-01", name="Cơ sở lưu trú – Trung tâm Công tác xã hội tỉnh Lạng Sơn",
        type=FacilityType.SOCIAL_WORK_CENTRE, owner_agency=d.agencies["TTCTXH-LS"], province_name="lang son",
        address_detail="Số 12 đường Bà Triệu", contact_person="Vi Thị Lan", phone="0205 3812 345",
        rooms=8, beds=20, gender_policy=GenderPolicy.MIXED, accepts_children=True, services=ALL_SERVICES,
        staff_count=14, staff_qualifications="4 công tác xã hội, 2 tâm lý, 2 điều dưỡng, 1 luật gia",
        funding_source=FundingSource.STATE_BUDGET,
    )
    # A mother and her daughter (the victims demo's case 5, in support at the centre).
    hang = Case.objects.filter(intake_key="demo-case-05").first()
    if hang is not None:
        d.admit("canbo.ls", centre, hang, days_ago=33, room="P3", bed="G5",
                reason="Tìm thấy tại Trung tâm; cần chỗ ở an toàn, chăm sóc y tế cho hai mẹ con.")
    # Past the maximum (120 days) with no extension yet: on the warning list in red.
    en = d.case("01", "canbo.ls", "TTCTXH-LS", days_ago=135, name="Lường Thị Én", child="Lường Văn Tú")
    d.admit("canbo.ls", centre, en, days_ago=130, room="P1", bed="G1",
            reason="Chờ xác minh địa chỉ gia đình; cần hỗ trợ tâm lý.")
    # Near the maximum.
    thom = d.case("02", "canbo.ls", "TTCTXH-LS", days_ago=112, name="Hà Thị Thơm")
    d.admit("canbo.ls", centre, thom, days_ago=110, room="P2", bed="G3", reason="Chưa liên lạc được gia đình.")
    # Extended by the provincial department.
    lua = d.case("03", "canbo.ls", "TTCTXH-LS", days_ago=128, name="Sầm Thị Lụa")
    (stay,) = d.admit("canbo.ls", centre, lua, days_ago=126, room="P2", bed="G4",
                      reason="Điều trị y tế dài ngày.")
    services.stay_extend(user=d.users["pheduyet.ls"], acting_agency=d.agencies["SYT-LS"], stay=stay,
                         new_ends_on=stay.ends_on + datetime.timedelta(days=30),
                         decided_on=d.ago(8), decision_number="45/QĐ-SYT",
                         reason="Đang điều trị tại bệnh viện tỉnh; chờ gia đình chuẩn bị đón về.")
    # A completed stay: discharged to the family.
    hoa = d.case("04", "canbo.ls", "TTCTXH-LS", days_ago=90, name="Nông Thị Hoa")
    (stay,) = d.admit("canbo.ls", centre, hoa, days_ago=88, reason="Cần chỗ ở tạm thời.")
    services.stay_discharge(user=d.users["canbo.ls"], stay=stay, discharged_on=d.ago(40), destination="family",
                            note="Gia đình đón về; chuyển theo dõi hồi gia.")

    # A licensed facility whose licence has expired; its renewal waits for the appraisal (overdue).
    border = d.facility(
        "lanhdao.ls", code="CS-LS-02", name="Nhà tạm lánh Biên Cương", type=FacilityType.VICTIM_SUPPORT_FACILITY,
        owner_agency=d.agencies["TTCTXH-LS"], province_name="lang son", address_detail="Thôn Pò Nhùng",
        rooms=3, beds=8, gender_policy=GenderPolicy.WOMEN_ONLY, services=SHELTER_SERVICES, staff_count=4,
        funding_source=FundingSource.INTERNATIONAL_DONOR, funding_detail="Dự án phòng, chống mua bán người",
    )
    expired = d.licence("pheduyet.ls", border, submitted=1840, appraised=1825, decided=1820, valid_until=20,
                        number="07/GP-UBND")
    services.licence_apply(
        user=d.users["pheduyet.ls"], facility=border, applicant=border.owner_agency.name, submitted_on=d.ago(15),
        proposed_services=SHELTER_SERVICES, proposed_capacity=8, documents=["application_form", "staff_list"],
        documents_note="Thiếu bản sao giấy tờ về cơ sở vật chất.", previous_licence=expired,
    )
    services.inspection_create(
        user=d.users["pheduyet.ls"], facility=centre, kind=InspectionKind.UNANNOUNCED, form="inspection",
        team="Thanh tra Sở Y tế tỉnh Lạng Sơn", scheduled_on=d.today + datetime.timedelta(days=10),
    )
    services.inspection_create(
        user=d.users["pheduyet.ls"], facility=centre, kind=InspectionKind.PLANNED, form="check",
        team="Đặng Quốc Toàn – Trưởng đoàn\nHà Minh Châu – Thành viên", inspected_on=d.ago(60),
        findings="Cơ sở bảo đảm chỗ ở, ăn uống; hồ sơ lưu trú đầy đủ.",
    )


def _ha_noi(d: _Demo) -> None:
    centre = _register(
        d, "pheduyet.hn", code="CS-HN-01", name="Trung tâm Bảo trợ xã hội số 1 Hà Nội",
        type=FacilityType.SOCIAL_PROTECTION_CENTRE, owner_agency=d.agencies["TTBTXH-HN"],
        province=d.province("ha noi"), commune=d.commune("ha noi"), address_detail="Số 5 phố Tây Sơn",
        rooms=12, beds=30, gender_policy=GenderPolicy.MIXED, services=ALL_SERVICES, staff_count=25,
        funding_source=FundingSource.STATE_BUDGET,
    )
    thu = Case.objects.filter(intake_key="demo-case-06").first()
    if thu is not None:
        (stay,) = d.admit("canbo.hn", centre, thu, days_ago=155, reason="Sau giải cứu, cần hỗ trợ tâm lý và pháp lý.")
        services.stay_discharge(user=d.users["canbo.hn"], stay=stay, discharged_on=d.ago(101), destination="family",
                                note="Về với gia đình tại Thanh Trì.")

    shelter = _register(
        d, "pheduyet.hn", code="CS-HN-02", name="Ngôi nhà Bình yên", type=FacilityType.VICTIM_SUPPORT_FACILITY,
        owner_agency=d.agencies["NNBY-HN"], province=d.province("ha noi"), commune=d.commune("ha noi"),
        address_detail="(địa chỉ bảo mật)", contact_person="Phạm Thị Yến", phone="024 3000 111",
        rooms=6, beds=12, gender_policy=GenderPolicy.WOMEN_ONLY, services=SHELTER_SERVICES, staff_count=9,
        staff_qualifications="Công tác xã hội, tư vấn tâm lý, luật gia",
        funding_source=FundingSource.MIXED, funding_detail="Hội LHPN Việt Nam và nhà tài trợ",
    )
    first = d.licence("pheduyet.hn", shelter, submitted=1500, appraised=1485, decided=1480, valid_until=60,
                      number="12/GP-UBND")
    d.licence("pheduyet.hn", shelter, submitted=200, appraised=195, decided=190, valid_until=-1600,
              number="31/GP-UBND", previous=first)  # the renewal: the first licence is replaced
    yen = Case.objects.filter(intake_key="demo-case-07").first()
    if yen is not None:
        (stay,) = d.admit("nhatambinh.hn", shelter, yen, days_ago=89, reason="Tiếp nhận qua đường dây nóng 111.")
        services.stay_discharge(user=d.users["nhatambinh.hn"], stay=stay, discharged_on=d.ago(76),
                                destination="family")
    services.inspection_create(
        user=d.users["pheduyet.hn"], facility=shelter, kind=InspectionKind.PLANNED, form="check",
        team="Lê Văn Hùng – Trưởng đoàn", inspected_on=d.ago(45),
        findings="Thiếu phương án phòng cháy chữa cháy; sổ theo dõi lưu trú chưa cập nhật.",
        required_actions="Xây dựng phương án PCCC; cập nhật sổ theo dõi.", follow_up_due=d.ago(5),
    )

    # A shelter whose licence is suspended; a new application appraised and awaiting the decision.
    hoa_sua = _register(
        d, "pheduyet.hn", code="CS-HN-03", name="Nhà tạm lánh Hoa Sữa", type=FacilityType.NGO_SHELTER,
        owner_agency=d.agencies["HLHPN-HN"], province=d.province("ha noi"), address_detail="Ngõ 8",
        rooms=2, beds=6, gender_policy=GenderPolicy.WOMEN_ONLY, services=SHELTER_SERVICES, staff_count=3,
        funding_source=FundingSource.INTERNATIONAL_DONOR,
    )
    licence = d.licence("pheduyet.hn", hoa_sua, submitted=700, appraised=690, decided=685, valid_until=-400,
                        number="18/GP-UBND", capacity=6)
    services.licence_suspend(user=d.users["pheduyet.hn"], licence=licence, on_date=d.ago(30), decision_number="77/QĐ-SYT",
                             reason="Không bảo đảm an toàn phòng cháy; tạm đình chỉ đến khi khắc phục.")
    other = _register(
        d, "pheduyet.hn", code="CS-HN-04", name="Mái ấm Ánh Dương", type=FacilityType.OTHER_SOCIAL_ASSISTANCE,
        owner_agency=d.agencies["HLHPN-HN"], province=d.province("ha noi"), address_detail="Thôn Đông",
        rooms=2, beds=5, services=SHELTER_SERVICES, funding_source=FundingSource.DOMESTIC_ORGANISATION,
    )
    application = services.licence_apply(user=d.users["pheduyet.hn"], facility=other, applicant="Hội LHPN Hà Nội",
                                         submitted_on=d.ago(6), proposed_services=SHELTER_SERVICES, proposed_capacity=5)
    services.application_appraise(user=d.users["pheduyet.hn"], application=application, appraised_on=d.ago(1),
                                  recommend=True, note="Đủ điều kiện, đề nghị cấp giấy phép.")


def _nghe_an(d: _Demo) -> None:
    _register(
        d, "pheduyet.na", code="CS-NA-01", name="Cơ sở lưu trú – Trung tâm Công tác xã hội tỉnh Nghệ An",
        type=FacilityType.SOCIAL_WORK_CENTRE, owner_agency=d.agencies["TTCTXH-NA"], province=d.province("nghe an"),
        address_detail="Đường Lê Mao", rooms=6, beds=15, gender_policy=GenderPolicy.MIXED, services=ALL_SERVICES,
        staff_count=10, funding_source=FundingSource.STATE_BUDGET,
    )
    sen = _register(
        d, "pheduyet.na", code="CS-NA-02", name="Mái ấm Sen Hồng", type=FacilityType.NGO_SHELTER,
        owner_agency=d.agencies["TTCTXH-NA"], province=d.province("nghe an"), address_detail="Xóm 4",
        rooms=2, beds=6, services=SHELTER_SERVICES, funding_source=FundingSource.INTERNATIONAL_DONOR,
    )
    licence = d.licence("pheduyet.na", sen, submitted=900, appraised=880, decided=875, valid_until=-500,
                        number="03/GP-UBND")
    services.licence_revoke(user=d.users["pheduyet.na"], licence=licence, on_date=d.ago(50), decision_number="21/QĐ-UBND",
                            reason="Vi phạm nghiêm trọng quy định về bảo mật thông tin nạn nhân.")
    # Applications at the other ends of the workflow: returned after appraisal, and refused.
    returned = services.licence_apply(user=d.users["pheduyet.na"], facility=sen, applicant="Nhóm thiện nguyện Sen Hồng",
                                      submitted_on=d.ago(40), proposed_services=SHELTER_SERVICES, proposed_capacity=6)
    services.application_appraise(user=d.users["pheduyet.na"], application=returned, appraised_on=d.ago(35),
                                  recommend=False, note="Chưa khắc phục các vi phạm dẫn đến thu hồi giấy phép.")
    refused = services.licence_apply(user=d.users["pheduyet.na"], facility=sen, applicant="Nhóm thiện nguyện Sen Hồng",
                                     submitted_on=d.ago(20), proposed_services=SHELTER_SERVICES, proposed_capacity=6)
    services.application_appraise(user=d.users["pheduyet.na"], application=refused, appraised_on=d.ago(17),
                                  recommend=True, note="Hồ sơ đầy đủ.")
    services.application_decide(user=d.users["pheduyet.na"], application=refused, decided_on=d.ago(14), granted=False,
                                decision_number="30/QĐ-UBND", decision_signer="Chủ tịch UBND tỉnh",
                                note="Cơ sở vật chất không bảo đảm an toàn cho trẻ em đi cùng.")


def _register(d: _Demo, username: str, **fields) -> Facility:
    """The demo has a department manager (who registers facilities) only in Lạng Sơn: the other
    provinces' registry rows are written directly, recorded as made by the department's approver."""
    import pghistory

    user = d.users[username]
    with pghistory.context(user=user.pk):
        facility = Facility(created_by=user, **fields)
        facility.full_clean()
        facility.save()
    return facility
