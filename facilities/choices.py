"""Choice lists of facilities (DOMAIN.md §4). Codes are stable; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FacilityType(models.TextChoices):
    SOCIAL_PROTECTION_CENTRE = "social_protection_centre", _("Social protection centre")
    SOCIAL_WORK_CENTRE = "social_work_centre", _("Social work centre")
    VICTIM_SUPPORT_FACILITY = "victim_support_facility", _("Licensed victim support facility")
    OTHER_SOCIAL_ASSISTANCE = "other_social_assistance", _("Other social assistance facility")
    NGO_SHELTER = "ngo_shelter", _("NGO shelter")


# Facilities that need a licence (giấy phép) to operate; public centres are set up by a decision.
LICENCE_REQUIRED_TYPES = frozenset({
    FacilityType.VICTIM_SUPPORT_FACILITY, FacilityType.OTHER_SOCIAL_ASSISTANCE, FacilityType.NGO_SHELTER,
})
# Agency types that may own a facility.
OWNER_AGENCY_TYPES = frozenset({
    "social_centre", "victim_support_facility", "partner_organisation", "social_affairs_department",
})


class FacilityStatus(models.TextChoices):
    ACTIVE = "active", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class GenderPolicy(models.TextChoices):
    WOMEN_ONLY = "women_only", _("Women only")
    MEN_ONLY = "men_only", _("Men only")
    MIXED = "mixed", _("Women and men")


# Sexes of the victim a facility may admit (children of either sex stay with their parent).
GENDER_POLICY_ADMITS = {
    GenderPolicy.WOMEN_ONLY: frozenset({"female", "unknown"}),
    GenderPolicy.MEN_ONLY: frozenset({"male", "unknown"}),
    GenderPolicy.MIXED: frozenset({"female", "male", "unknown"}),
}


class FundingSource(models.TextChoices):
    STATE_BUDGET = "state_budget", _("State budget")
    INTERNATIONAL_DONOR = "international_donor", _("International donors")
    DOMESTIC_ORGANISATION = "domestic_organisation", _("Domestic organisations")
    MIXED = "mixed", _("Mixed sources")
    OTHER = "other", _("Other")


class Service(models.TextChoices):
    """What a facility offers (and is licensed for); the six regimes plus what a stay itself is."""

    ACCOMMODATION = "accommodation", _("Temporary accommodation")
    ESSENTIAL_NEEDS = "essential_needs", _("Essential needs")
    MEDICAL = "medical", _("Medical care")
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    LEGAL_AID = "legal_aid", _("Legal aid")
    EDUCATION_VOCATIONAL = "education_vocational", _("Education and vocational training")
    INTERPRETATION = "interpretation", _("Interpretation")
    REINTEGRATION = "reintegration", _("Preparation for return and reintegration")


class DischargeDestination(models.TextChoices):
    FAMILY = "family", _("Return to the family")
    OTHER_FACILITY = "other_facility", _("Another facility")
    INDEPENDENT_LIVING = "independent_living", _("Independent living")
    OTHER = "other", _("Other")


class ApplicationKind(models.TextChoices):
    NEW = "new", _("First licence")
    RENEWAL = "renewal", _("Renewal")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting appraisal")
    APPRAISED = "appraised", _("Appraised, awaiting decision")
    REJECTED = "rejected", _("Returned after appraisal")
    GRANTED = "granted", _("Licence granted")
    REFUSED = "refused", _("Licence refused")


class DossierDocument(models.TextChoices):
    APPLICATION_FORM = "application_form", _("Application form")
    ESTABLISHMENT_PAPERS = "establishment_papers", _("Establishment decision or charter")
    STAFF_LIST = "staff_list", _("Staff list with qualifications")
    PREMISES = "premises", _("Papers on the premises")
    OPERATING_PLAN = "operating_plan", _("Operating plan and services")
    FUNDING = "funding", _("Funding plan")
    OTHER = "other", _("Other documents")


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Replaced by a renewal")


class LicenceChangeKind(models.TextChoices):
    ISSUED = "issued", _("Issued")
    SUSPENDED = "suspended", _("Suspended")
    REINSTATED = "reinstated", _("Suspension lifted")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Replaced by a renewal")


class InspectionKind(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNANNOUNCED = "unannounced", _("Unannounced")


class InspectionForm(models.TextChoices):
    CHECK = "check", _("Check")
    INSPECTION = "inspection", _("Inspection")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Scheduled")
    COMPLETED = "completed", _("Completed")


class FollowUpStatus(models.TextChoices):
    NONE = "none", _("No action required")
    OPEN = "open", _("Actions required")
    IN_PROGRESS = "in_progress", _("Actions in progress")
    DONE = "done", _("Actions completed")


OPEN_FOLLOW_UP = frozenset({FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS})
