"""The generator's steps: each turns one chunk of stories into rows of its tables.

A step is `step(gen, rng, stories)`; it writes with `gen.table(name).add(...)` and takes ids with
`gen.ids(name, n)`: chunk-local ids (0, 1, ... in the chunk; a case's id is final), made final when
the chunk is written, so use them only as values of id columns (and test them with `is None`). To add a kind of record (referrals, hotline contacts), write a step and append
it to STEPS: the others do not change, and each step has its own random stream, so the data the
existing steps make for a seed stays the same.
"""

import datetime
import functools

from victims.workflow import Status

from .names import draw, pick1, ri, weighted
from .plan import LAW_53_FROM, final_status

D = datetime.timedelta
MEANS = ["Giữ giấy tờ tùy thân", "Đe dọa, đánh đập", "Giam giữ, không cho liên lạc", "Ép nợ", "Lừa dối về việc làm"]
RECRUITMENT = ["Người quen giới thiệu việc làm lương cao", "Làm quen qua mạng xã hội", "Hứa hẹn kết hôn",
               "Môi giới xuất khẩu lao động", "Rủ đi chơi rồi đưa qua biên giới"]
NEEDS = ["Quần áo, ăn uống", "Khám sức khỏe", "Tư vấn tâm lý", "Hỗ trợ về quê", "Làm lại giấy tờ"]
PLACES = ["Cửa khẩu", "Trụ sở cơ quan", "Trung tâm", "Nhà văn hóa thôn", "Bến xe"]
FINDINGS = ["Sức khỏe ổn định, đã có việc làm", "Gia đình hỗ trợ tốt", "Cần hỗ trợ học nghề",
            "Tâm lý còn lo lắng, cần tư vấn thêm", "Đã đi học trở lại", "Kinh tế gia đình khó khăn"]
VILLAGES = ["Thôn", "Xóm", "Bản", "Tổ dân phố", "Ấp"]


def ts(moment: datetime.datetime) -> str:
    return f"{moment.isoformat(sep=' ')}+07"


def persons_and_cases(gen, rng, stories):
    """Victims (a duplicate is a second person row for the same human), their cases, accompanying
    children and consents."""
    from victims.matching import paper_key

    fold, match_name = _cached_text()

    person, case, child, consent = (gen.table(t) for t in (
        "victims_person", "victims_case", "victims_casechild", "victims_consent"))
    ethnic_ids = gen.ethnic_ids
    for s in stories:
        org = s.org
        dob, year = (s.birth[1], s.birth[1].year) if s.birth and s.birth[0] == "date" else (
            None, s.birth[1] if s.birth else None)
        commune = pick1(rng, gen.ref.communes[s.home_province_id]) if s.home_province_id and rng.random() < 0.85 else None
        paper = rng.random()
        paper_type, paper_no = ("cccd", f"{ri(rng, 10**11, 10**12 - 1):012d}") if paper < 0.45 else (
            ("cmnd", f"{ri(rng, 10**8, 10**9 - 1)}") if paper < 0.55 else (
                ("passport", f"C{ri(rng, 10**6, 10**7 - 1):07d}") if paper < 0.62 else ("", "")))
        if s.duplicate_of is not None and rng.random() < 0.3:
            paper_type, paper_no = "", ""
        minority = s.ethnic != "01"
        created = ts(s.created)
        person.add(
            s.person_id, s.full_name, s.other_names, fold(f"{s.full_name} {s.other_names}"), s.sex, dob, year,
            s.nationality, paper_type, paper_no,
            f"{pick1(rng, VILLAGES)} {ri(rng, 1, 20)}" if s.home_province_id else "",
            "" if s.home_province_id else "Không rõ địa chỉ ở nước ngoài",
            ("Tiếng Mông" if s.ethnic == "08" else "Tiếng dân tộc") if minority and rng.random() < 0.3 else "Tiếng Việt",
            minority and rng.random() < 0.1, created, created, org.caseworker_id, ethnic_ids.get(s.ethnic),
            commune, s.home_province_id, match_name(s.full_name), paper_key(paper_no),
        )
        status, changed = final_status(s)
        destination = gen.planner.pick(rng, gen.planner.destinations)
        purposes = [gen.planner.pick(rng, gen.planner.purposes)]
        if rng.random() < 0.12:
            extra = gen.planner.pick(rng, gen.planner.purposes)
            if extra not in purposes:
                purposes.append(extra)
        year_received = s.received.year
        number = gen.next_number(("case", org.id, year_received))
        from_day = s.received - D(days=ri(rng, 30, 2000))
        case.add(
            s.case_id, number.text(f"{org.code}-{year_received}-{{n:05d}}"), status, ts(changed),
            gen.planner.pick(rng, gen.planner.channels[org.type]), s.received,
            f"{pick1(rng, PLACES)} – {org.code}", destination, purposes,
            "Ép buộc ăn xin" if "other" in purposes else "", pick1(rng, MEANS), pick1(rng, RECRUITMENT),
            from_day, s.received - D(days=ri(rng, 1, 29)), pick1(rng, NEEDS), s.next_visit_due,
            f"syn-long-{gen.seed}-{s.case_id}" if s.long else "", created, ts(changed), org.caseworker_id,
            gen.destination_province(rng) if destination == "" else None, org.id, s.province_id, org.id,
            org.province_id, s.person_id, "",
        )
        consent_id = gen.ids("victims_consent", 1)
        given = rng.random() < 0.92
        consent.add(consent_id, given, ["police", "social_affairs", "social_centre"] if given else [], "",
                    s.received, "", "", None, "", created, s.case_id, org.caseworker_id, s.person_id)
        s.consent_id = consent_id if given else None
        for _ in range(s.children):
            child_id = gen.ids("victims_person", 1)
            family = s.full_name.split()[0]
            girl = rng.random() < 0.5
            name = gen.planner.name(rng, girl, s.ethnic == "08").split(maxsplit=1)[1]
            full = f"{family} {name}"
            born = s.received - D(days=ri(rng, 200, 365 * 10))
            person.add(child_id, full, "", fold(full), "female" if girl else "male", born, born.year, "VN",
                       "", "", "", "", "Tiếng Việt", False, created, created, org.caseworker_id,
                       ethnic_ids.get(s.ethnic), None, s.home_province_id, match_name(full), "")
            child.add(gen.ids("victims_casechild", 1), "child", "", created, s.case_id, org.caseworker_id,
                      child_id)


@functools.cache
def _cached_text():
    """The folded name and the match key of a name: pure functions of it, and names repeat."""
    from accounts.text import fold
    from victims.matching import match_name

    return functools.lru_cache(maxsize=1 << 17)(fold), functools.lru_cache(maxsize=1 << 17)(match_name)


def workflow(gen, rng, stories):
    """Status transitions, identification outcomes, closures and a few shares to a social centre
    (each the grant of an accepted referral: see `referrals`)."""
    tr, outcome, closure, grant = (gen.table(t) for t in (
        "victims_statustransition", "victims_identificationoutcome", "victims_caseclosure",
        "victims_caseaccessgrant"))
    for s in stories:
        s.grant = None
        previous = Status.RECEIVED
        for status, at in s.path:
            reason = "Đóng hồ sơ" if status == Status.CLOSED else ""
            tr.add(gen.ids("victims_statustransition", 1), previous, status, ts(at), reason,
                   s.org.caseworker_id, s.case_id)
            previous = status
        if s.outcome:
            police = gen.ref.of(s.org.province_id or s.province_id, "police")[0]
            outcome.add(gen.ids("victims_identificationoutcome", 1), s.outcome, "police_confirmation",
                        f"{ri(rng, 1, 999)}/XN-{police.code}", s.identified_at.date(), police.code, "", "",
                        ts(s.identified_at), s.case_id, police.caseworker_id, police.id, None)
        if s.closure:
            reason, at = s.closure
            closure.add(gen.ids("victims_caseclosure", 1), reason, "", at.date(), ts(at), s.case_id,
                        s.org.caseworker_id)
        if s.consent_id is not None and s.identified_at and rng.random() < 0.012:
            centre = gen.ref.of(s.province_id, "social_centre")
            if centre:
                at = s.identified_at + D(days=1)
                s.grant = (gen.ids("victims_caseaccessgrant", 1), centre[0], at)
                grant.add(s.grant[0], ["case.view", "case.view_identity"],
                          "Chuyển tuyến hỗ trợ", ts(at), None, None, s.case_id, s.org.caseworker_id,
                          centre[0].id, None, None, s.consent_id, "")


def support(gen, rng, stories):
    """Support requests under the policy version of their date, lines, decisions with their register
    numbers, and deliveries (payments) of what was approved."""
    req, line, decision, delivery = (gen.table(t) for t in (
        "support_supportrequest", "support_supportrequestline", "support_supportdecision", "support_delivery"))
    for s in stories:
        for k, applied in enumerate(s.supports):
            version = gen.versions[1 if applied >= LAW_53_FROM else 0]
            if applied < version["valid_from"]:
                continue  # before Decree 09/2013 took effect no rule set applies
            provincial = k % 2 == 1 or (not s.long and rng.random() < 0.25)
            authority = "provincial_department" if provincial else version["local_authority"]
            items = version["items"][authority]
            if not items:
                continue
            if authority == "provincial_department":
                deciding = s.approver_org
            elif authority == "facility_director":
                deciding = (gen.ref.of(s.province_id, "social_centre") or [s.approver_org])[0]
            else:
                deciding = s.org
            request_id = gen.ids("support_supportrequest", 1)
            created = datetime.datetime.combine(applied, datetime.time(9, ri(rng, 0, 59)))
            decided_on = applied + D(days=ri(rng, 1, 9))
            # Not yet decided: applied in the last days, and some overdue ones in the queue.
            pending = decided_on > gen.anchor or (applied > gen.anchor - D(days=180) and rng.random() < 0.1)
            r = rng.random()
            outcome = None if pending else ("approved" if r < 0.85 else ("partly_approved" if r < 0.95 else "rejected"))
            req.add(request_id, authority, applied, applied + D(days=9), s.stay is not None, "",
                    outcome or "pending", "", ts(created), ts(created if pending else datetime.datetime.combine(
                        decided_on, datetime.time(15))), s.case_id, deciding.id, s.person_id,
                    s.org.caseworker_id, s.org.id, None, version["id"])
            chosen = rng.sample(items, min(len(items), ri(rng, 1, 4)))
            approved_lines = []
            for n, item in enumerate(chosen):
                quantity = ri(rng, 5, 60) if item["unit"] == "per_day" else (
                    ri(rng, 1, 2) if item["unit"] == "per_item" else 1)
                unit_amount = item["amount"] if item["amount"] else 50_000 * ri(rng, 4, 99)
                amount = quantity * unit_amount
                if outcome is None:
                    status, aq, aa = "pending", None, None
                elif outcome == "rejected" or (outcome == "partly_approved" and n == 0 and len(chosen) > 1):
                    status, aq, aa = "rejected", 0, 0
                else:
                    status, aq, aa = "approved", quantity, amount
                line_id = gen.ids("support_supportrequestline", 1)
                line.add(line_id, quantity, unit_amount, amount, False, "", status, aq, aa, "",
                         item["id"], request_id, item["name"], item["basis"])
                if status == "approved":
                    approved_lines.append((line_id, item, aq, aa))
            if outcome is None:
                continue
            if outcome == "partly_approved" and len(approved_lines) == len(chosen):
                outcome = "approved"
            number = None if outcome == "rejected" else gen.next_number(("decision", deciding.id, decided_on.year))
            decided_at = datetime.datetime.combine(decided_on, datetime.time(15, ri(rng, 0, 59)))
            decision.add(gen.ids("support_supportdecision", 1), ts(decided_at), decided_on, outcome, "",
                         decided_on.year, number, number.text(f"{{n}}/QĐ-{deciding.code}") if number else "", "",
                         "not_needed" if number is None else "pending", "", None, deciding.id,
                         deciding.approver_id, request_id, "", "head", False)
            for line_id, item, aq, aa in approved_lines:
                if rng.random() < 0.8:
                    on = min(gen.anchor, decided_on + D(days=ri(rng, 0, 10)))
                    method = {"per_item": "in_kind", "one_off": "cash", "per_day": "in_kind"}.get(
                        item["unit"], "service")
                    delivery.add(gen.ids("support_delivery", 1), on, method, aq, aa, "Cán bộ tiếp nhận",
                                 "", "", "", ts(datetime.datetime.combine(on, datetime.time(16))), "",
                                 deciding.id, deciding.caseworker_id, line_id)


def stays(gen, rng, stories):
    stay = gen.table("facilities_stay")
    for s in stories:
        if s.stay is None:
            continue
        centres = gen.ref.of(s.province_id, "social_centre") + gen.ref.of(s.province_id, "victim_support_facility")
        centres = [c for c in centres if c.facility_id]
        if not centres:
            continue
        centre = pick1(rng, centres)
        admitted = s.stay
        law53 = admitted >= LAW_53_FROM
        max_days = 120 if law53 else 60
        out = admitted + D(days=ri(rng, 7, max_days))
        discharged = out if out <= gen.anchor else None
        at = ts(datetime.datetime.combine(admitted, datetime.time(10)))
        stay.add(gen.ids("facilities_stay", 1), admitted, "Tiếp nhận sau bàn giao",
                 ["accommodation", "essential_needs", "medical", "psychological"],
                 f"P{ri(rng, 1, 20)}", f"G{ri(rng, 1, 3)}", "LAW-53-2024" if law53 else "ND-09-2013",
                 max_days, admitted + D(days=max_days), discharged, "family" if discharged else "", "", "",
                 at, at, None, centre.caseworker_id, s.case_id, None,
                 centre.caseworker_id if discharged else None, centre.facility_id, s.person_id, None)


def followup(gen, rng, stories):
    plan, visit = gen.table("victims_reintegrationplan"), gen.table("victims_followupvisit")
    for s in stories:
        if not s.followups:
            continue
        communes = gen.ref.of(s.province_id, "commune_committee") or [s.org]
        responsible = pick1(rng, communes)
        plan_id = gen.ids("victims_reintegrationplan", 1)
        start = s.followups[0]
        at = ts(datetime.datetime.combine(start, datetime.time(9)))
        plan.add(plan_id, start, start + D(days=730), 1, "Gia đình đồng ý đón về", "Hỗ trợ học nghề, theo dõi hằng tháng",
                 False, at, s.case_id, s.org.caseworker_id, responsible.id)
        for v in s.visits:
            visit.add(gen.ids("victims_followupvisit", 1), v, "Cán bộ xã", "Tại gia đình", pick1(rng, FINDINGS),
                      v + D(days=30), ts(datetime.datetime.combine(v, datetime.time(14))), s.case_id,
                      responsible.caseworker_id, plan_id)


def access_log(gen, rng, stories):
    """Who opened each case: its caseworker, the provincial approver, now and then a grantee."""
    log = gen.table("victims_accesslog")
    for s in stories:
        for _ in range(ri(rng, 0, 4)):
            org = s.org if rng.random() < 0.6 else s.approver_org
            user = org.caseworker_id if org is s.org else org.approver_id
            at = s.created + D(days=ri(rng, 0, 400), minutes=ri(rng, 0, 600))
            if at.date() > gen.anchor:
                continue
            log.add(gen.ids("victims_accesslog", 1), "victims.case", str(s.case_id), "case.view", ts(at),
                    f"{rng.getrandbits(64):016x}", org.id, user)


REFERRAL_REASONS = ["Đề nghị tiếp nhận, hỗ trợ tâm lý và nơi ở tạm thời", "Đề nghị hỗ trợ y tế",
                    "Đề nghị hỗ trợ học nghề, tạo việc làm", "Đề nghị hỗ trợ về nơi cư trú"]
SERVICES = [("shelter", 30), ("psychological", 25), ("medical", 20), ("education", 10), ("return_home", 10),
            ("legal_aid", 5)]
ANSWER_DAYS = 5  # settings.REFERRAL_ANSWER_WORKING_DAYS, as calendar days


def referrals(gen, rng, stories):
    """Referrals to the province's social centre: the accepted one behind each share made by
    `workflow` (its grant), and others still waiting for an answer (sent in the last weeks, the
    case still open) or declined."""
    from victims.workflow import Status as S

    referral = gen.table("victims_referral")
    services = weighted(SERVICES)
    for s in stories:
        if s.grant is not None:
            grant_id, centre, at = s.grant
            sent = at - D(hours=ri(rng, 2, 48))
            referral.add(gen.ids("victims_referral", 1), s.case_id, s.org.id, centre.id, pick1(rng, REFERRAL_REASONS),
                         [draw(rng, services)], "normal", "", ["identity"], "accepted",
                         s.org.caseworker_id, ts(sent), (sent + D(days=ANSWER_DAYS)).date(), centre.caseworker_id,
                         ts(at), "", None, None, "", grant_id, s.consent_id, "")
            continue
        if s.consent_id is None or not s.identified_at or rng.random() >= 0.04:
            continue
        centre = gen.ref.of(s.province_id, "social_centre")
        if not centre:
            continue
        centre = centre[0]
        still_open = final_status(s)[0] != S.CLOSED
        sent = s.identified_at + D(days=ri(rng, 1, 20), hours=ri(rng, 1, 8))
        recent = sent.date() > gen.anchor - D(days=60)
        if sent.date() > gen.anchor:
            continue
        pending = still_open and (recent or rng.random() < 0.3)
        answered = None if pending else ts(sent + D(days=ri(rng, 1, ANSWER_DAYS)))
        referral.add(gen.ids("victims_referral", 1), s.case_id, s.org.id, centre.id, pick1(rng, REFERRAL_REASONS),
                     [draw(rng, services) for _ in range(ri(rng, 1, 2))], "urgent" if rng.random() < 0.15 else "normal",
                     "", ["identity"] if rng.random() < 0.7 else [], "pending" if pending else "declined",
                     s.org.caseworker_id, ts(sent), (sent + D(days=ANSWER_DAYS)).date(),
                     None if pending else centre.caseworker_id, answered,
                     "" if pending else "Không đủ chỗ, đề nghị chuyển cơ sở khác", None, None, "", None,
                     s.consent_id, "")


CONTACT_CHANNELS = [("hotline_111", 55), ("hotline_other", 15), ("walk_in", 10), ("message", 15), ("email", 2),
                    ("other", 3)]
CONTACT_KINDS = [("information", 35), ("counselling", 25), ("suspected_case", 20), ("rescue_support", 15),
                 ("referral", 5)]
CONTACT_OUTCOMES = {
    "information": [("answered", 80), ("follow_up", 10), ("cut_off", 10)],
    "counselling": [("answered", 70), ("follow_up", 20), ("referred", 10)],
    "suspected_case": [("reported_to_police", 60), ("referred", 20), ("follow_up", 15), ("cut_off", 5)],
    "rescue_support": [("reported_to_police", 50), ("referred", 30), ("follow_up", 20)],
    "referral": [("referred", 90), ("answered", 10)],
}
CONTACT_SUMMARIES = ["Hỏi về chính sách hỗ trợ nạn nhân", "Người nhà báo tin mất liên lạc ở nước ngoài",
                     "Tư vấn về việc làm ở nước ngoài", "Báo tin nghi có người bị lừa bán qua biên giới",
                     "Đề nghị hỗ trợ đưa người về nước"]
CALLER_NOTES = ["Người thân", "Nạn nhân", "Hàng xóm", "Cán bộ thôn", ""]


CONTACT_TABLES = {id(pairs): weighted(pairs) for pairs in (CONTACT_CHANNELS, CONTACT_KINDS, *CONTACT_OUTCOMES.values())}


def _weighted(rng, pairs):
    return draw(rng, CONTACT_TABLES[id(pairs)])


def contacts(gen, rng, stories):
    """The contact log: calls to the hotlines (111 first), messages and walk-ins, recorded by the
    province's social centre or department, about one in three stories' time and place; a call that
    opened a case points to it (made the day before the reception)."""
    contact = gen.table("victims_contact")
    for s in stories:
        n = ri(rng, 0, 1) if rng.random() < 0.4 else 0
        if rng.random() < 0.04:
            n += 1  # the call that opened this case
            opened = True
        else:
            opened = False
        for k in range(n):
            centre = gen.ref.of(s.province_id, "social_centre")
            org = centre[0] if centre and rng.random() < 0.6 else s.approver_org
            channel = _weighted(rng, CONTACT_CHANNELS)
            if opened and k == n - 1:
                kind, outcome, case_id = "rescue_support", "case_opened", s.case_id
                at = datetime.datetime.combine(s.received - D(days=1), datetime.time(ri(rng, 6, 22), ri(rng, 0, 59)))
            else:
                kind = _weighted(rng, CONTACT_KINDS)
                outcome, case_id = _weighted(rng, CONTACT_OUTCOMES[kind]), None
                at = s.created + D(days=ri(rng, -300, 300), minutes=ri(rng, 0, 900))
            if at.date() > gen.anchor:
                continue
            note = pick1(rng, CALLER_NOTES)
            contact.add(gen.ids("victims_contact", 1), ts(at), channel,
                        "18001567" if channel == "hotline_other" else "", kind, s.province_id, outcome,
                        ri(rng, 1, 40) if channel in ("hotline_111", "hotline_other") else None,
                        pick1(rng, CONTACT_SUMMARIES), case_id, "", "", note, org.id, org.caseworker_id,
                        ts(at), ts(at))


STEPS = [persons_and_cases, workflow, support, stays, followup, access_log, referrals, contacts]

# The columns each step writes, in the order of its `add` calls.
COLUMNS = {
    "victims_person": "id full_name other_names name_folded sex date_of_birth birth_year nationality id_paper_type "
                      "id_paper_number home_address_detail abroad_address language interpreter_needed created_at "
                      "updated_at created_by_id ethnicity_id home_commune_id home_province_id name_match id_paper_key",
    "victims_case": "id case_number status status_changed_at reception_channel received_on reception_place "
                    "destination_country purposes purpose_other means_of_control recruitment trafficked_from "
                    "trafficked_until immediate_needs next_visit_due intake_key created_at updated_at created_by_id "
                    "destination_province_id owning_agency_id province_id receiving_agency_id reception_province_id "
                    "person_id health_notes",
    "victims_casechild": "id relationship relationship_note created_at case_id created_by_id person_id",
    "victims_consent": "id given share_with share_with_detail recorded_on guardian_name guardian_relationship "
                       "withdrawn_on note created_at case_id recorded_by_id person_id",
    "victims_statustransition": "id from_status to_status at reason by_id case_id",
    "victims_identificationoutcome": "id outcome document_type document_number document_date issuing_body scan "
                                     "note recorded_at case_id recorded_by_id recorded_by_agency_id request_id",
    "victims_caseclosure": "id reason reason_detail closed_on created_at case_id closed_by_id",
    "victims_caseaccessgrant": "id actions reason granted_at expires_at revoked_at case_id granted_by_id "
                               "grantee_agency_id grantee_user_id revoked_by_id consent_id consent_override_reason",
    "support_supportrequest": "id authority application_date due_date in_facility_stay note status submission_key "
                              "created_at updated_at case_id deciding_agency_id person_id requested_by_id "
                              "requesting_agency_id supersedes_id version_id",
    "support_supportrequestline": "id quantity unit_amount amount extension_requested note status approved_quantity "
                                  "approved_amount decision_reason item_id request_id item_name legal_basis",
    "support_supportdecision": "id decided_at decision_date outcome note year number document_number pdf pdf_status "
                               "pdf_error pdf_rendered_at agency_id decided_by_id request_id signer_title "
                               "signing_authority recorded_from_register",
    "support_delivery": "id delivered_on method quantity amount delivered_by_name receipt_number receipt_scan note "
                        "recorded_at submission_key delivered_by_agency_id recorded_by_id line_id",
    "facilities_stay": "id admitted_on admission_reason services room bed policy_code max_stay_days ends_on "
                       "discharged_on destination destination_detail discharge_note created_at updated_at "
                       "accompanying_id admitted_by_id case_id destination_facility_id discharged_by_id facility_id "
                       "person_id transferred_from_id",
    "victims_reintegrationplan": "id starts_on ends_on visit_interval_months family_assessment goals safe_escort "
                                 "created_at case_id created_by_id responsible_agency_id",
    "victims_followupvisit": "id visited_on visitors place findings next_visit_on created_at case_id "
                             "recorded_by_id plan_id",
    "victims_accesslog": "id object_type object_id action at request_id agency_id user_id",
    "victims_referral": "id case_id sender_agency_id receiving_agency_id reason services urgency note shared_parts "
                        "status sent_by_id sent_at due_on answered_by_id answered_at answer_reason ended_by_id "
                        "ended_at end_reason grant_id consent_id consent_override_reason",
    "victims_contact": "id occurred_at channel line kind province_id outcome duration_minutes summary case_id "
                       "caller_name caller_phone caller_note recording_agency_id recorded_by_id created_at "
                       "updated_at",
}
