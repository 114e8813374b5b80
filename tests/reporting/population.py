"""A known population for the statistics tests: every figure of every table is known by hand.

Lạng Sơn (LS): border post BP, police CA, social centre TT, a commune committee XA (in a commune of
Lạng Sơn), the department SYT. Hà Nội (HN): social centre TT-HN, department SYT-HN. The ministry BO.

Persons received in 2025 (reception province in brackets):
  hoa    female, born 2010 (14 at first reception: 12–15), Tày, VN, identified. Received three times:
         BP-LS 01/03 (border, to CN, forced marriage), TT-LS 05/03 (found in facility), TT-HN 10/04
         (other) -> 1 person, 3 receptions, 2 provinces, 3 agencies. Her son (born 2020) came with her.
  lan    female, born 1990 (34: 25–34), Kinh, VN, under identification. CA-LS 02/05 (rescued, to CN,
         sexual exploitation + forced labour).
  somsak male, born 2000 (24: 18–24), Lao, not a victim. TT-HN 01/06 (self-reported, internal, forced
         labour); closed 20/06 (not a victim).
  mai    female, born 20/05/2008 (17: 16–17), no ethnicity, VN, no outcome. XA-LS 01/07 (hotline).
and one received in 2024 (out of the period): TT-LS 01/11/2024.

Contacts (the contact log, through victims.contacts.contact_record), in 2025 unless said:
  c1 TT-LS  hotline 111,   suspected case,  province LS,   a case was opened (Hoa's at TT-LS)
  c2 TT-LS  hotline 111,   information,     no province (-> LS, the agency's), answered
  c3 TT-LS  message,       counselling,     province HN (-> counts in HN, not LS), referred
  c4 TT-HN  other hotline, rescue/support,  province HN,   passed to the police
  c5 TT-LS  walk-in,       information,     15/12/2024 (out of the period)
Every one with a caller's name and phone (CALLERS, PHONES), which no statistic may carry.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.utils import timezone

from accounts.actor import act_as
from accounts.models import AdministrativeUnit, AgencyType
from accounts.roles import Role
from reporting.services import activity_create
from support.models import Delivery
from support.services import delivery_record, loan_create, loan_update_status
from tests.facilities.factories import FacilityFactory, StayFactory
from tests.factories import AgencyFactory, MembershipFactory, province
from tests.support.factories import LAW53, decide_all, request_support
from tests.victims.factories import CaseChildFactory, CaseFactory, PersonFactory
from victims.contacts import contact_record
from victims.models import (
    CaseClosure,
    ConfirmingDocumentType,
    EthnicGroup,
    FollowUpVisit,
    IdentificationOutcome,
    ReceptionChannel,
    ReintegrationPlan,
)
from victims.workflow import Status

D = datetime.date
NAMES = ["Hứa Thị Phương Hoa", "Đinh Thị Lan Chi", "Somsak Phommavong", "Lục Thị Mai Anh", "Hà Văn Cũ",
         "Hứa Văn Tí"]
PAPERS = ["084210009999"]
ADDRESSES = ["Thôn Nà Phặc Kín"]
CALLERS = ["Bế Thị Gọi Điện", "Nông Văn Nhắn Tin", "Hoàng Thị Đến Trình", "Vi Văn Báo Tin", "Lò Thị Năm Cũ"]
PHONES = ["0912 345 601", "0912 345 602", "0912 345 603", "0912 345 604", "0912 345 605"]


def _agency(code, type_code, jurisdiction, name):
    return AgencyFactory(code=code, type=AgencyType.objects.get(code=type_code), jurisdiction=jurisdiction, name=name)


def _member(agency, role, username):
    return MembershipFactory(agency=agency, role=role, user__username=username)


def _case(person, agency, on, channel, *, dest="", purposes=(), outcome=None, status=Status.RECEIVED):
    case = CaseFactory(person=person, receiving_agency=agency, owning_agency=agency, received_on=on,
                       reception_channel=channel, destination_country=dest, purposes=list(purposes), status=status,
                       province=person.home_province or agency.jurisdiction)
    if outcome:
        final = outcome != "under_identification"
        IdentificationOutcome.objects.create(
            case=case, outcome=outcome, document_type=ConfirmingDocumentType.POLICE_CONFIRMATION if final else "",
            document_number="15/XN" if final else "", document_date=on + datetime.timedelta(days=5) if final else None,
            issuing_body="Công an tỉnh" if final else "", recorded_by=case.created_by, recorded_by_agency=agency,
        )
    return case


def build():
    ls, hn = province("lang son"), province("ha noi")
    commune = AdministrativeUnit.objects.communes().filter(parent=ls).order_by("code").first()
    w = SimpleNamespace(ls=ls, hn=hn, commune=commune)
    w.bp = _agency("BP-LS", "border_guard", ls, "Đồn Biên phòng Hữu Nghị")
    w.ca = _agency("CA-LS", "police", ls, "Công an tỉnh Lạng Sơn")
    w.tt = _agency("TT-LS", "social_centre", ls, "Trung tâm Công tác xã hội tỉnh Lạng Sơn")
    w.xa = _agency("XA-LS", "commune_committee", commune, "Ủy ban nhân dân xã biên giới")
    w.syt = _agency("SYT-LS", "social_affairs_department", ls, "Sở Y tế tỉnh Lạng Sơn")
    w.tthn = _agency("TT-HN", "social_centre", hn, "Trung tâm Công tác xã hội Hà Nội")
    w.sythn = _agency("SYT-HN", "social_affairs_department", hn, "Sở Y tế Hà Nội")
    w.bo = _agency("BO", "ministry", hn, "Cục Phòng, chống tệ nạn xã hội")

    users = {
        "ministry_analyst": _member(w.bo, Role.MINISTRY_ANALYST, "st_ministry"),
        "department_statistician": _member(w.syt, Role.STATISTICIAN, "st_dept_stat"),
        "department_manager": _member(w.syt, Role.AGENCY_MANAGER, "st_dept_manager"),
        "department_approver": _member(w.syt, Role.APPROVER, "st_dept_approver"),
        "centre_manager": _member(w.tt, Role.AGENCY_MANAGER, "st_centre_manager"),
        "centre_caseworker": _member(w.tt, Role.CASEWORKER, "st_centre_caseworker"),
        "centre_director": _member(w.tt, Role.APPROVER, "st_centre_director"),
        "hn_statistician": _member(w.sythn, Role.STATISTICIAN, "st_hn_stat"),
    }
    w.memberships = users
    w.users = {name: m.user for name, m in users.items()}

    tay, kinh = EthnicGroup.objects.get(name="Tày"), EthnicGroup.objects.get(code="01")
    w.hoa = PersonFactory(full_name=NAMES[0], sex="female", birth_year=2010, ethnicity=tay, nationality="VN",
                          home_province=ls, id_paper_type="cccd", id_paper_number=PAPERS[0],
                          home_address_detail=ADDRESSES[0])
    w.lan = PersonFactory(full_name=NAMES[1], sex="female", birth_year=1990, ethnicity=kinh, nationality="VN",
                          home_province=ls)
    w.somsak = PersonFactory(full_name=NAMES[2], sex="male", birth_year=2000, nationality="LA", home_province=None)
    w.mai = PersonFactory(full_name=NAMES[3], sex="female", birth_year=None, date_of_birth=D(2008, 5, 20),
                          nationality="VN", home_province=ls)
    w.old = PersonFactory(full_name=NAMES[4], sex="male", birth_year=1980, nationality="VN", home_province=ls)

    w.hoa_bp = _case(w.hoa, w.bp, D(2025, 3, 1), ReceptionChannel.HANDED_BACK_AT_BORDER, dest="CN",
                     purposes=["forced_marriage"], outcome="identified", status=Status.IDENTIFIED)
    w.hoa_tt = _case(w.hoa, w.tt, D(2025, 3, 5), ReceptionChannel.FOUND_IN_FACILITY, outcome="identified",
                     status=Status.IDENTIFIED)
    w.hoa_hn = _case(w.hoa, w.tthn, D(2025, 4, 10), ReceptionChannel.OTHER)
    w.lan_ca = _case(w.lan, w.ca, D(2025, 5, 2), ReceptionChannel.RESCUED, dest="CN",
                     purposes=["sexual_exploitation", "forced_labour"], outcome="under_identification",
                     status=Status.UNDER_IDENTIFICATION)
    w.somsak_hn = _case(w.somsak, w.tthn, D(2025, 6, 1), ReceptionChannel.SELF_REPORTED, purposes=["forced_labour"],
                        outcome="not_victim", status=Status.NOT_VICTIM)
    w.mai_xa = _case(w.mai, w.xa, D(2025, 7, 1), ReceptionChannel.HOTLINE)
    w.old_tt = _case(w.old, w.tt, D(2024, 11, 1), ReceptionChannel.SELF_REPORTED)
    w.son = PersonFactory(full_name=NAMES[5], sex="male", birth_year=2020, nationality="VN")
    CaseChildFactory(case=w.hoa_tt, person=w.son, created_by=w.hoa_tt.created_by)

    # Support (services): Hoa at the LS centre, all six regimes; her son regime 1; Lan regime 1.
    caseworker, director, approver = (w.users["centre_caseworker"], w.users["centre_director"],
                                      w.users["department_approver"])
    world = SimpleNamespace(caseworker=caseworker, centre=w.tt)
    on = D(2025, 9, 15)
    requests = request_support(world, w.hoa_tt, [
        (LAW53, "clothing_set", 2), (LAW53, "medical_care", 1, 1_000_000),
        (LAW53, "psychological_support", 1, 500_000), (LAW53, "legal_aid", 1, 0),
        (LAW53, "vocational_training", 1, 3_000_000), (LAW53, "hardship_allowance", 1),
    ], on=on, documents=["poor_household_certificate"])
    requests += request_support(world, w.hoa_tt, [(LAW53, "clothing_set", 1)], on=on, person=w.son)
    for request in requests:
        decide_all(approver if request.authority == "provincial_department" else director, request,
                   decision_date=D(2025, 9, 17))
    w.requests = requests
    lines = {(line.request.person_id, line.item.code): line for request in requests for line in request.lines.all()}
    for (person_id, code), amount in {(w.hoa.pk, "clothing_set"): None, (w.hoa.pk, "medical_care"): 1_000_000,
                                      (w.hoa.pk, "vocational_training"): 3_000_000, (w.son.pk, "clothing_set"): None}.items():
        line = lines[(person_id, code)]
        delivery_record(user=caseworker, agency=w.tt, line=line, delivered_on=D(2025, 9, 20),
                        method="in_kind" if amount is None else "cash", quantity=line.approved_quantity if amount is None else 0,
                        amount=line.approved_amount if amount is None else amount)
    w.lines = lines
    w.deliveries = list(Delivery.objects.filter(line__request__in=requests))
    loan = loan_create(user=caseworker, agency=w.tt, case=w.hoa_tt, lender="social_policy_bank", amount=20_000_000,
                       term_months=36, purpose="Chăn nuôi", applied_on=D(2025, 9, 25))
    loan_update_status(user=caseworker, loan=loan, status="approved")
    loan_update_status(user=caseworker, loan=loan, status="disbursed", disbursed_on=D(2025, 10, 5))

    # Stays: Hoa 06/03–05/04 (31 days), Lan from 03/05 (current on 31/12/2025), the 2024 person 2024.
    facility = FacilityFactory(owner_agency=w.tt, province=ls)
    StayFactory(facility=facility, case=w.hoa_tt, person=w.hoa, admitted_on=D(2025, 3, 6), discharged_on=D(2025, 4, 5),
                destination="family")
    StayFactory(facility=facility, case=w.lan_ca, person=w.lan, admitted_on=D(2025, 5, 3))
    StayFactory(facility=facility, case=w.old_tt, person=w.old, admitted_on=D(2024, 11, 2),
                discharged_on=D(2024, 12, 1), destination="family")
    w.facility = facility

    # Follow-up: two visits to Hoa, one in 2026 (out of the period). Closure of Somsak's case.
    plan = ReintegrationPlan.objects.create(case=w.hoa_tt, starts_on=D(2025, 4, 6), ends_on=D(2027, 4, 5),
                                            responsible_agency=w.tt, created_by=caseworker)
    for day in (D(2025, 5, 6), D(2025, 6, 6)):
        FollowUpVisit.objects.create(case=w.hoa_tt, plan=plan, visited_on=day, visitors="Cán bộ xã",
                                     place="Tại nhà", findings="Ổn định", recorded_by=caseworker)
    CaseClosure.objects.create(case=w.somsak_hn, reason="not_a_victim", closed_on=D(2025, 6, 20),
                               closed_by=w.somsak_hn.created_by)

    # Programme activities (services)
    ls_actor = act_as(caseworker, w.memberships["centre_caseworker"])
    activity_create(actor=ls_actor, kind="communication", held_on=D(2025, 4, 1), province=ls,
                    title="Truyền thông tại chợ biên giới", participants=120, leaflets=300)
    activity_create(actor=ls_actor, kind="training", held_on=D(2025, 8, 1), province=ls,
                    title="Tập huấn cán bộ xã", participants=30, trainees=30, booklets=30)
    hn_member = _member(w.tthn, Role.CASEWORKER, "st_hn_caseworker")
    activity_create(actor=act_as(hn_member.user, hn_member), kind="materials", held_on=D(2025, 10, 1),
                    province=hn, title="Phát tài liệu", panels=2, posters=50)

    # Contacts (services); the callers' names and phones must never reach a statistic.
    def at(day, hour=9):
        return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))

    hn_actor = act_as(hn_member.user, hn_member)
    w.contacts = [
        contact_record(user=user, agency=agency, occurred_at=when, channel=channel, kind=kind, province=where,
                       outcome=outcome, case=case, caller_name=CALLERS[i], caller_phone=PHONES[i],
                       caller_note="Người nhà")
        for i, (user, agency, when, channel, kind, where, outcome, case) in enumerate([
            (ls_actor, w.tt, at(D(2025, 3, 2)), "hotline_111", "suspected_case", ls, "case_opened", w.hoa_tt),
            (ls_actor, w.tt, at(D(2025, 6, 30), 23), "hotline_111", "information", None, "answered", None),
            (ls_actor, w.tt, at(D(2025, 8, 12)), "message", "counselling", hn, "referred", None),
            (hn_actor, w.tthn, at(D(2025, 11, 3)), "hotline_other", "rescue_support", hn, "reported_to_police", None),
            (ls_actor, w.tt, at(D(2024, 12, 15)), "walk_in", "information", None, "answered", None),
        ])
    ]
    del caseworker.acting_membership, hn_member.user.acting_membership  # unbound again for the tests
    return w
