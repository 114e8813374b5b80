"""Support test helpers: cases in a given identification state, policy items, requests."""

import datetime
from types import SimpleNamespace

from accounts.roles import Role
from support.models import EntitlementItem, PolicyVersion
from support.services import (
    DocumentInput,
    LineDecisionInput,
    LineInput,
    support_request_create,
    support_request_decide,
)
from tests.factories import province
from tests.victims.factories import CaseChildFactory, CaseFactory, PersonFactory, agency, member
from victims.models import ConfirmingDocumentType, IdentificationOutcome, IdentificationResult
from victims.workflow import Status

ND09, LAW53 = "ND-09-2013", "LAW-53-2024"
# Dates inside each version (application dates), and a confirmation shortly before each.
IN_ND09 = datetime.date(2025, 3, 10)
IN_LAW53 = datetime.date(2025, 9, 15)


def version(code: str) -> PolicyVersion:
    return PolicyVersion.objects.get(code=code)


def item(version_code: str, code: str) -> EntitlementItem:
    return EntitlementItem.objects.select_related("version").get(version__code=version_code, code=code)


def make_case(*, owner, result=IdentificationResult.IDENTIFIED, confirmed_on=None, received_on=None,
              nationality="VN", home="lang son", **person_fields):
    """A case owned by `owner` whose victim lives in `home`, with an identification outcome."""
    received_on = received_on or datetime.date(2025, 1, 10)
    person = PersonFactory(nationality=nationality, home_province=province(home) if home else None, **person_fields)
    status = {
        IdentificationResult.IDENTIFIED: Status.IDENTIFIED,
        IdentificationResult.NOT_VICTIM: Status.NOT_VICTIM,
        IdentificationResult.UNDER_IDENTIFICATION: Status.UNDER_IDENTIFICATION,
        None: Status.RECEIVED,
    }[result]
    case = CaseFactory(person=person, receiving_agency=owner, owning_agency=owner, received_on=received_on,
                       status=status, province=person.home_province or owner.jurisdiction)
    if result is not None:
        final = result != IdentificationResult.UNDER_IDENTIFICATION
        IdentificationOutcome.objects.create(
            case=case, outcome=result,
            document_type=ConfirmingDocumentType.POLICE_CONFIRMATION if final else "",
            document_number="15/XN-CAT" if final else "",
            document_date=(confirmed_on or received_on + datetime.timedelta(days=10)) if final else None,
            issuing_body="Công an tỉnh Lạng Sơn" if final else "",
            recorded_by=case.created_by, recorded_by_agency=owner,
        )
    return case


def add_child(case, **fields):
    fields.setdefault("birth_year", 2020)
    return CaseChildFactory(case=case, person=PersonFactory(full_name="Nguyễn Văn Bình", sex="male", **fields),
                            created_by=case.created_by).person


def lang_son():
    """A social centre and the department of Lạng Sơn, a caseworker and an approver."""
    centre = agency("social_centre", "lang son", code="TTCTXH-LS", name="Trung tâm Công tác xã hội tỉnh Lạng Sơn")
    department = agency("social_affairs_department", "lang son", code="SYT-LS", name="Sở Y tế tỉnh Lạng Sơn")
    return SimpleNamespace(
        centre=centre, department=department,
        caseworker=member(centre, Role.CASEWORKER, user__full_name="Vi Thị Lan"),
        approver=member(department, Role.APPROVER, user__full_name="Đặng Quốc Toàn"),
        director=member(centre, Role.APPROVER, user__full_name="Hoàng Thị Thu"),
    )


def request_support(world, case, lines, *, on=None, person=None, documents=(), stay=False, user=None, **kwargs):
    """Make a request with LineInputs given as (version_code, item_code, quantity[, amount]) tuples."""
    on = on or IN_LAW53
    inputs = []
    for spec in lines:
        if isinstance(spec, LineInput):
            inputs.append(spec)
            continue
        version_code, code, quantity, *rest = spec
        inputs.append(LineInput(item=item(version_code, code), quantity=quantity, amount=rest[0] if rest else None))
    docs = [DocumentInput(document_type=d, number="12/GCN") for d in documents]
    return support_request_create(
        user=user or world.caseworker, agency=kwargs.pop("agency", world.centre), case=case,
        person=person or case.person, application_date=on, lines=inputs, documents=docs, in_facility_stay=stay,
        **kwargs,
    )


def decide_all(user, request, decision="approve", reason="", **kwargs):
    lines = {line.pk: LineDecisionInput(decision=decision, reason=reason) for line in request.lines.all()}
    return support_request_decide(user=user, request=request, lines=lines, **kwargs)
