"""The statistical scope: which receptions an actor's figures are computed from.

Statistics are aggregates, so their scope is a geography, not the case scope of `visible_to`:

- ministry roles (an agency of type `ministry`): national, filterable by province;
- a provincial social-affairs department (its manager, approver, statistician): its province, by
  agency and commune;
- any other agency (its manager, its approver): its own receptions and the cases it owns.

The geography of a reception is the province it was received in (the case's reception province, else
the receiving agency's province). `scoped_rows` is the only reader of victim-data models in
reporting/: everything the dashboards count is built from the querysets it returns, never from a
plain manager elsewhere (tests/onedoor/test_unscoped_reads.py holds it to that).

Persons are counted by `person_key`, the row's person. A merge (`victims.duplicates.person_merge`)
moves every row that points at the merged person (cases, child links, stays, requests, loans) to the
survivor, and an unmerge moves exactly those back; so the row's person already is the surviving one and
no Coalesce on `merged_into` is needed (tests/reporting/test_merged_persons.py holds it).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.db.models import Case as SqlCase
from django.db.models import F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.models import AdministrativeUnit, Agency
from accounts.roles import Action
from victims.scoping import SOCIAL_AFFAIRS_DEPARTMENT, AnyOf

MINISTRY = "ministry"
NATIONAL, PROVINCE, AGENCY = "national", "province", "agency"


@dataclass(frozen=True)
class Geography:
    """Where the actor's statistics reach: the whole country, one province, or one agency."""

    level: str
    province_id: int | None = None
    agency_id: int | None = None
    label: str = ""


@dataclass(frozen=True)
class Filters:
    start: datetime.date
    end: datetime.date
    province_id: int | None = None  # national level only
    agency_type: str = ""
    agency_id: int | None = None  # province level only
    on_date: datetime.date | None = None  # occupancy on this date (default: the period's end)


def statistics_geography(actor) -> Geography:
    """The actor's geography; PermissionDenied when the acting role has no statistics."""
    if actor is None or not actor.can(Action.STATISTICS_VIEW) or actor.agency is None:
        raise PermissionDenied(_("Your role does not allow this."))
    agency = actor.agency
    if agency.type.code == MINISTRY:
        return Geography(NATIONAL, label=_("National"))
    jurisdiction = agency.jurisdiction
    if (agency.type.code == SOCIAL_AFFAIRS_DEPARTMENT and jurisdiction is not None
            and jurisdiction.level == AdministrativeUnit.Level.PROVINCE):
        return Geography(PROVINCE, province_id=jurisdiction.pk, label=jurisdiction.name)
    return Geography(AGENCY, agency_id=agency.pk, label=agency.name)


def person_key(path: str = "person"):
    """The person a row counts as: the row's person (a merge has moved the row to the survivor)."""
    return F(f"{path}_id")


def agency_province(agency: str):
    """The province of the agency at `agency` (a path): its jurisdiction, or the jurisdiction's parent."""
    return SqlCase(
        When(**{f"{agency}__jurisdiction__level": AdministrativeUnit.Level.PROVINCE},
             then=F(f"{agency}__jurisdiction_id")),
        default=F(f"{agency}__jurisdiction__parent_id"),
        output_field=IntegerField(),
    )


def reception_province():
    """The province a reception counts in: the case's province received, else the agency's."""
    return Coalesce(F("reception_province_id"), agency_province("receiving_agency"))


def contact_province():
    """The province a contact counts in: the one recorded on it, else the recording agency's."""
    return Coalesce(F("province_id"), agency_province("recording_agency"))


def reception_commune():
    return SqlCase(
        When(receiving_agency__jurisdiction__level=AdministrativeUnit.Level.COMMUNE,
             then=F("receiving_agency__jurisdiction_id")),
        default=Value(None), output_field=IntegerField(),
    )


def scoped_rows(geography: Geography, filters: Filters) -> SimpleNamespace:
    """The rows behind every figure, as lazy querysets: cases in the geography, their receptions in
    the period (as facts: `reporting.facts`), and the support approved and delivered, loans, stays,
    follow-up visits and closures of those cases. Reads victim data in aggregate only: the
    callers select counts and codes, never a name.

    `contacts` (the contact log: hotline calls, walk-ins, messages) are in the period already and
    placed like receptions: the province recorded on the contact, else the recording agency's; at
    agency level the agency's own. A contact's geography is where it was recorded or is about, never
    who called: its caller fields are not selected by any statistic."""
    from facilities.models import Stay
    from support.models import Loan
    from victims.models import Case, CaseClosure, Contact

    from .facts import ReceptionFact, SupportFact, VisitFact

    cases = _in_geography(Case.objects, geography, filters)
    # Every case is in the national scope without filters: `case_id IN (every case)` would filter
    # nothing (the foreign keys are not null) and cost a hash of the whole case table per statement.
    # Asked of the query itself, so any condition added above restricts the related rows too.
    restricted = bool(cases.query.where)
    # The same cases read from their narrow facts (the case rows are wide: a province's 100,000).
    case_ids = _in_geography(ReceptionFact.objects, geography, filters).order_by().values("case_id")

    def of_cases(queryset, path: str):
        return queryset.filter(**{f"{path}__in": case_ids}) if restricted else queryset

    # Aggregates only: the models' default ordering would sort every row for nothing.
    return SimpleNamespace(
        cases=cases,
        # The receptions from the fact table (reporting.facts): the case's person and latest outcome
        # without a join, under the same geography and filters as `cases`.
        receptions=_in_geography(ReceptionFact.objects, geography, filters).filter(
            received_on__range=(filters.start, filters.end)).annotate(pkey=person_key("person")).order_by(),
        # Support approved and delivered, as facts: each with its person, item, date and amount.
        support=of_cases(SupportFact.objects.order_by(), "case_id"),
        loans=of_cases(Loan.objects.order_by(), "case_id"),
        stays=of_cases(Stay.objects.order_by(), "case_id"),
        visits=of_cases(VisitFact.objects.order_by(), "case_id"),  # with the person of their case
        closures=of_cases(CaseClosure.objects.order_by(), "case_id"),
        contacts=_scoped_contacts(Contact.objects.order_by(), geography, filters),
    )


def _in_geography(manager, geography: Geography, filters: Filters):
    """Cases, or their facts (the same field names), received or owned in the geography."""
    rows = manager.annotate(geo_province=reception_province(), geo_commune=reception_commune())
    if geography.level == PROVINCE:
        rows = rows.filter(received_in(geography.province_id))
    elif geography.level == AGENCY:
        rows = rows.filter(Q(receiving_agency_id=geography.agency_id) | Q(owning_agency_id=geography.agency_id))
    if filters.province_id and geography.level == NATIONAL:
        rows = rows.filter(received_in(filters.province_id))
    if filters.agency_type:
        rows = rows.filter(receiving_agency__type__code=filters.agency_type)
    if filters.agency_id and geography.level == PROVINCE:
        rows = rows.filter(receiving_agency_id=filters.agency_id)
    return rows


def received_in(province_id: int) -> Q:
    """`reception_province() = province_id`, written so that indexes serve it: the reception province
    recorded, or none recorded and an agency of the province (`agency_province`) received it. The
    computed form is evaluated on every case of the country (a province's dashboard at 1M: ~1 s)."""
    agencies = Agency.objects.filter(
        Q(jurisdiction__level=AdministrativeUnit.Level.PROVINCE, jurisdiction_id=province_id)
        | (~Q(jurisdiction__level=AdministrativeUnit.Level.PROVINCE) & Q(jurisdiction__parent_id=province_id))
    ).values("pk")
    return Q(reception_province_id=province_id) | (Q(reception_province_id__isnull=True)
                                                   & Q(AnyOf("receiving_agency_id", agencies)))


def _scoped_contacts(contacts, geography: Geography, filters: Filters):
    contacts = contacts.annotate(geo_province=contact_province()).filter(
        occurred_at__date__range=(filters.start, filters.end))
    if geography.level == PROVINCE:
        contacts = contacts.filter(geo_province=geography.province_id)
    elif geography.level == AGENCY:
        contacts = contacts.filter(recording_agency_id=geography.agency_id)
    if filters.province_id and geography.level == NATIONAL:
        contacts = contacts.filter(geo_province=filters.province_id)
    if filters.agency_type:
        contacts = contacts.filter(recording_agency__type__code=filters.agency_type)
    if filters.agency_id and geography.level == PROVINCE:
        contacts = contacts.filter(recording_agency_id=filters.agency_id)
    return contacts


def activity_rows(geography: Geography, filters: Filters):
    from .models import ProgrammeActivity

    rows = ProgrammeActivity.objects.filter(held_on__range=(filters.start, filters.end))
    if geography.level == PROVINCE:
        rows = rows.filter(province_id=geography.province_id)
    elif geography.level == AGENCY:
        rows = rows.filter(agency_id=geography.agency_id)
    if filters.province_id and geography.level == NATIONAL:
        rows = rows.filter(province_id=filters.province_id)
    if filters.agency_type:
        rows = rows.filter(agency__type__code=filters.agency_type)
    if filters.agency_id and geography.level == PROVINCE:
        rows = rows.filter(agency_id=filters.agency_id)
    return rows
