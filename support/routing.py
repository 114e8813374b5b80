"""Which agency holds a deciding authority for a case: the receiving body itself, the provincial
department of the case's province, the requesting facility, the commune of the victim's home, a
(historic) district. Which authority decides which item is data (EntitlementItem.deciding_authority)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import AdministrativeUnit, Agency

from .models import Authority

SOCIAL_AFFAIRS_DEPARTMENT = "social_affairs_department"
FACILITY_TYPES = ("social_centre", "victim_support_facility")
COMMUNE_COMMITTEE = "commune_committee"


def _no_agency(message, **params):
    return ValidationError({"lines": ValidationError(message, code="no_deciding_agency", params=params or None)})


def deciding_agency(authority: str, case, requesting_agency: Agency) -> Agency:
    active = Agency.objects.filter(is_active=True)
    if authority == Authority.RECEIVING_BODY:
        # Law 53/2024: the body that received the person gives these itself, without a provincial decision.
        return requesting_agency
    if authority == Authority.PROVINCIAL_DEPARTMENT:
        if case.province_id is None:
            raise _no_agency(_("The case has no province, so no provincial department can decide."))
        agency = active.filter(type__code=SOCIAL_AFFAIRS_DEPARTMENT, jurisdiction_id=case.province_id).order_by("pk").first()
        if agency is None:
            raise _no_agency(_("No provincial social-affairs department is registered for %(province)s."),
                             province=case.province.name)
        return agency
    if authority == Authority.FACILITY_DIRECTOR:
        if requesting_agency.type.code in FACILITY_TYPES:
            return requesting_agency
        raise _no_agency(_("This item is decided by the director of a support facility: "
                           "the facility caring for the person must request it."))
    if authority == Authority.COMMUNE_CHAIRMAN:
        commune_id = case.person.home_commune_id
        if requesting_agency.type.code == COMMUNE_COMMITTEE:
            return requesting_agency
        agency = commune_id and active.filter(type__code=COMMUNE_COMMITTEE, jurisdiction_id=commune_id).first()
        if not agency:
            raise _no_agency(_("This item is decided by the commune People's Committee of the person's home, "
                               "which is not recorded or not registered."))
        return agency
    if authority == Authority.DISTRICT_CHAIRMAN:
        commune = case.person.home_commune
        district_id = commune.parent_id if commune and commune.parent and \
            commune.parent.level == AdministrativeUnit.Level.DISTRICT else None
        agency = district_id and active.filter(jurisdiction_id=district_id).first()
        if not agency:
            raise _no_agency(_("This item is decided by a district People's Committee; there is no district "
                               "level since 1/7/2025 and none is registered for this case."))
        return agency
    raise _no_agency(_("Unknown deciding authority."))
