"""A known population for the statistics tests: every figure of every table is known by hand.

Built through the app's own services, as the agencies would enter it (issue 14): receptions and
declarations, the police's identifications, the accompanying child, the duplicate merge of a person
received by several agencies, consent and sharing, stays, support, follow-up, closure, activities and
contacts. Only the agencies, memberships and the facility (registry data, not the population) come
from factories.

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
from accounts.roles import Action, Role
from facilities.choices import GenderPolicy
from facilities.services import stay_admit, stay_discharge
from reporting.services import activity_create
from support.models import Delivery
from support.services import delivery_record, loan_create, loan_update_status
from tests.facilities.factories import FacilityFactory
from tests.factories import AgencyFactory, MembershipFactory, province
from tests.support.factories import LAW53, decide_all, request_support
from victims.contacts import contact_record
from victims.duplicates import person_merge
from victims.models import (
    Case,
    ChildRelationship,
    ConfirmingDocumentType,
    DuplicateProposal,
    EthnicGroup,
    Person,
    ReceptionChannel,
)
from victims.services import (
    case_add_child,
    case_close,
    case_grant_access,
    case_register_reception,
    case_transition,
    case_update_declaration,
    consent_record,
    followup_visit_record,
    identification_record_outcome,
    person_update_declaration,
    reintegration_plan_create,
    verification_request,
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


def _register(user, agency, on, channel, person, *, dest="", purposes=(), **identity):
    """A reception through the reception service, then the declaration through the declaration services.

    `person` holds what is known at reception (full_name, sex, birth_year or date_of_birth); `identity`
    is the rest of the person's declaration (ethnicity, nationality, home_province, papers...)."""
    case = case_register_reception(user=user, agency=agency, reception_channel=channel, received_on=on, **person)
    if identity:
        person_update_declaration(user=user, person=case.person, **identity)
    if dest or purposes:
        case_update_declaration(user=user, case=case, destination_country=dest, purposes=list(purposes))
    return Case.objects.get(pk=case.pk)


def _identify(requester, police, case, outcome, on):
    """The receiving agency asks the police (verification_request) and the police record the outcome."""
    if requester is not None:
        verification_request(user=requester, case=case, police_agency=police.agency)
    final = outcome != "under_identification"
    identification_record_outcome(
        user=police.user, case=case, outcome=outcome,
        document_type=ConfirmingDocumentType.POLICE_CONFIRMATION if final else "",
        document_number="15/XN" if final else "", document_date=on + datetime.timedelta(days=5) if final else None,
        issuing_body="Công an tỉnh" if final else "",
    )


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

    # The receiving agencies' caseworkers, and a police officer who records the identifications.
    bp_user, xa_user = (_member(w.bp, Role.CASEWORKER, "st_bp_caseworker").user,
                        _member(w.xa, Role.CASEWORKER, "st_xa_caseworker").user)
    police = _member(w.ca, Role.CASEWORKER, "st_ca_caseworker")
    tt_user = users["centre_caseworker"].user
    hn_member = _member(w.tthn, Role.CASEWORKER, "st_hn_caseworker")
    hn_user = hn_member.user

    # Receptions and persons through the reception and declaration services. The 2025 (and 2024)
    # reception dates are in the past, which the service accepts as a historical reception.
    tay, kinh = EthnicGroup.objects.get(name="Tày"), EthnicGroup.objects.get(code="01")
    hoa = {"full_name": NAMES[0], "sex": "female", "birth_year": 2010}
    w.hoa_bp = _register(bp_user, w.bp, D(2025, 3, 1), ReceptionChannel.HANDED_BACK_AT_BORDER, hoa, dest="CN",
                         purposes=["forced_marriage"], ethnicity=tay, nationality="VN", home_province=ls,
                         id_paper_type="cccd", id_paper_number=PAPERS[0], home_address_detail=ADDRESSES[0])
    # The same woman received again by the LS centre and by the HN centre: each agency registers her
    # (a person of its own, with the home province she gives), and the department merges the pairs.
    w.hoa_tt = _register(tt_user, w.tt, D(2025, 3, 5), ReceptionChannel.FOUND_IN_FACILITY, hoa, home_province=ls)
    w.hoa_hn = _register(hn_user, w.tthn, D(2025, 4, 10), ReceptionChannel.OTHER, hoa, home_province=ls)
    w.lan_ca = _register(police.user, w.ca, D(2025, 5, 2), ReceptionChannel.RESCUED,
                         {"full_name": NAMES[1], "sex": "female", "birth_year": 1990},
                         dest="CN", purposes=["sexual_exploitation", "forced_labour"], ethnicity=kinh,
                         nationality="VN", home_province=ls)
    w.somsak_hn = _register(hn_user, w.tthn, D(2025, 6, 1), ReceptionChannel.SELF_REPORTED,
                            {"full_name": NAMES[2], "sex": "male", "birth_year": 2000}, purposes=["forced_labour"],
                            nationality="LA")
    w.mai_xa = _register(xa_user, w.xa, D(2025, 7, 1), ReceptionChannel.HOTLINE,
                         {"full_name": NAMES[3], "sex": "female", "date_of_birth": D(2008, 5, 20)},
                         nationality="VN", home_province=ls)
    w.old_tt = _register(tt_user, w.tt, D(2024, 11, 1), ReceptionChannel.SELF_REPORTED,
                         {"full_name": NAMES[4], "sex": "male", "birth_year": 1980}, nationality="VN",
                         home_province=ls)

    # The registrations proposed Hoa's pairs; the LS department merges them into the border post's person.
    reviewer = act_as(users["department_approver"].user, users["department_approver"])
    survivor = w.hoa_bp.person_id
    for case in (w.hoa_tt, w.hoa_hn):
        proposal = DuplicateProposal.objects.get(person_low_id=min(survivor, case.person_id),
                                                 person_high_id=max(survivor, case.person_id))
        person_merge(user=reviewer, proposal=proposal, survivor_id=survivor, reason="Cùng một người: họ tên, năm sinh, quê")
    del users["department_approver"].user.acting_membership  # unbound again

    # Identification: the agencies ask the police; the police record the outcome (Lan's case is theirs).
    _identify(bp_user, police, w.hoa_bp, "identified", D(2025, 3, 1))
    _identify(tt_user, police, w.hoa_tt, "identified", D(2025, 3, 5))
    _identify(None, police, w.lan_ca, "under_identification", D(2025, 5, 2))
    _identify(hn_user, police, w.somsak_hn, "not_victim", D(2025, 6, 1))

    # Her son came with her to the LS centre.
    w.son = case_add_child(user=tt_user, case=w.hoa_tt, full_name=NAMES[5], relationship=ChildRelationship.CHILD,
                           sex="male", birth_year=2020, nationality="VN").person
    cases = Case.objects.in_bulk([w.hoa_bp.pk, w.hoa_tt.pk, w.hoa_hn.pk, w.lan_ca.pk, w.somsak_hn.pk, w.mai_xa.pk,
                                  w.old_tt.pk])
    for name in ("hoa_bp", "hoa_tt", "hoa_hn", "lan_ca", "somsak_hn", "mai_xa", "old_tt"):
        setattr(w, name, cases[getattr(w, name).pk])
    w.hoa, w.lan, w.somsak, w.mai, w.old = (Person.objects.get(pk=c.person_id) for c in (
        w.hoa_bp, w.lan_ca, w.somsak_hn, w.mai_xa, w.old_tt))

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

    # Stays (services). The facility itself is registry data, not population: a factory, taking women and men.
    facility = FacilityFactory(owner_agency=w.tt, province=ls, gender_policy=GenderPolicy.MIXED)
    # Lan's case is the police's: with her consent they share it with the centre, which admits her.
    consent_record(user=police.user, case=w.lan_ca, share_with=["social_centre"], recorded_on=D(2025, 5, 2))
    case_grant_access(user=police.user, case=w.lan_ca, grantee_agency=w.tt, actions=[Action.CASE_VIEW],
                      reason="Tiếp nhận vào cơ sở")
    # Hoa 06/03–05/04 (31 days), Lan from 03/05 (current on 31/12/2025), the 2024 person 2024.
    for case, person, admitted, discharged in ((w.hoa_tt, w.hoa, D(2025, 3, 6), D(2025, 4, 5)),
                                                (w.lan_ca, w.lan, D(2025, 5, 3), None),
                                                (w.old_tt, w.old, D(2024, 11, 2), D(2024, 12, 1))):
        [stay] = stay_admit(user=tt_user, facility=facility, case=case, persons=[person], admitted_on=admitted,
                            admission_reason="Không có nơi ở an toàn")
        if discharged:
            stay_discharge(user=tt_user, stay=stay, discharged_on=discharged, destination="family")
    w.facility = facility

    # Follow-up (services): a plan from 06/04 (she is a minor: a safe escort), two visits to Hoa.
    # Closure of Somsak's case.
    reintegration_plan_create(user=tt_user, case=w.hoa_tt, starts_on=D(2025, 4, 6), ends_on=D(2027, 4, 5),
                              responsible_agency=w.tt, safe_escort=True)
    case_transition(user=tt_user, case=w.hoa_tt, to_status=Status.FOLLOW_UP, reason="Về gia đình")
    for day in (D(2025, 5, 6), D(2025, 6, 6)):
        followup_visit_record(user=tt_user, case=w.hoa_tt, visited_on=day, visitors="Cán bộ xã", place="Tại nhà",
                              findings="Ổn định")
    case_close(user=hn_user, case=w.somsak_hn, reason="not_a_victim", closed_on=D(2025, 6, 20))

    # Programme activities (services)
    ls_actor = act_as(caseworker, w.memberships["centre_caseworker"])
    activity_create(actor=ls_actor, kind="communication", held_on=D(2025, 4, 1), province=ls,
                    title="Truyền thông tại chợ biên giới", participants=120, leaflets=300)
    activity_create(actor=ls_actor, kind="training", held_on=D(2025, 8, 1), province=ls,
                    title="Tập huấn cán bộ xã", participants=30, trainees=30, booklets=30)
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
