"""Choice lists of the case file (DOMAIN.md §2). Codes are stable; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class IdPaperType(models.TextChoices):
    NONE = "", _("No identity paper")
    CCCD = "cccd", _("Citizen identity card (CCCD)")
    CMND = "cmnd", _("Old identity card (CMND)")
    PASSPORT = "passport", _("Passport")
    OTHER = "other", _("Other paper")


class ReceptionChannel(models.TextChoices):
    HANDED_BACK_AT_BORDER = "handed_back_at_border", _("Handed back at the border")
    RESCUED = "rescued", _("Rescued")
    RECEIVED_ABROAD = "received_abroad", _("Received by a mission abroad or immigration")
    SELF_REPORTED = "self_reported", _("Self-reported")
    HOTLINE = "hotline", _("Reported through a hotline")
    FOUND_IN_FACILITY = "found_in_facility", _("Found in a social centre or facility")
    OTHER = "other", _("Other")


class TraffickingPurpose(models.TextChoices):
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Sexual exploitation")
    FORCED_LABOUR = "forced_labour", _("Forced labour")
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
    CHILD_SALE_ADOPTION = "child_sale_adoption", _("Child sale or adoption")
    ORGAN_REMOVAL = "organ_removal", _("Organ removal")
    COMMERCIAL_SURROGACY = "commercial_surrogacy", _("Commercial surrogacy")
    OTHER = "other", _("Other")


class ChildRelationship(models.TextChoices):
    CHILD = "child", _("Son or daughter")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Younger sibling")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    OTHER = "other", _("Other")


class SharingParty(models.TextChoices):
    POLICE = "police", _("Police")
    SOCIAL_AFFAIRS = "social_affairs", _("Social-affairs department")
    SOCIAL_CENTRE = "social_centre", _("Social centre or shelter")
    HEALTH = "health", _("Health services")
    LEGAL_AID = "legal_aid", _("Legal aid")
    PARTNER_ORGANISATION = "partner_organisation", _("Partner organisations")
    COMMUNE = "commune", _("Commune People's Committee")
    FAMILY = "family", _("Family")
    OTHER = "other", _("Other")


class IdentificationResult(models.TextChoices):
    IDENTIFIED = "identified", _("Identified as a victim")
    NOT_VICTIM = "not_victim", _("Not a victim")
    UNDER_IDENTIFICATION = "under_identification", _("Still under identification")


class ConfirmingDocumentType(models.TextChoices):
    POLICE_CONFIRMATION = "police_confirmation", _("Confirmation by the police")
    RESCUING_AGENCY_CONFIRMATION = "rescuing_agency_confirmation", _(
        "Confirmation by the rescuing agency"
    )
    COURT_DECISION = "court_decision", _("Court judgment or decision")
    FOREIGN_PAPERS = "foreign_papers", _("Papers from a foreign authority")
    OTHER = "other", _("Other")


class ClosureReason(models.TextChoices):
    REINTEGRATED = "reintegrated", _("Reintegrated into the community")
    NOT_A_VICTIM = "not_a_victim", _("Not identified as a victim")
    DECLINED_SUPPORT = "declined_support", _("Declined further support")
    MOVED_AWAY = "moved_away", _("Moved away or abroad")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    DECEASED = "deceased", _("Deceased")
    DUPLICATE = "duplicate", _("Duplicate or registered in error")
    OTHER = "other", _("Other")


# Hotline and other contacts (victims.models.contact.Contact.channel / .kind / .outcome): the one
# place of these lists, for the contact log and for statistics by channel and kind.
class ContactChannel(models.TextChoices):
    HOTLINE_111 = "hotline_111", _("Hotline 111")
    HOTLINE_OTHER = "hotline_other", _("Other hotline")
    WALK_IN = "walk_in", _("Walk-in")
    MESSAGE = "message", _("Message (SMS, Zalo, Facebook…)")
    EMAIL = "email", _("E-mail or letter")
    OTHER = "other", _("Other")


class ContactKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    COUNSELLING = "counselling", _("Counselling")
    SUSPECTED_CASE = "suspected_case", _("Report of a suspected case")
    RESCUE_SUPPORT = "rescue_support", _("Request for rescue or support")
    REFERRAL = "referral", _("Referral")


class ContactOutcome(models.TextChoices):
    ANSWERED = "answered", _("Answered, nothing more needed")
    REFERRED = "referred", _("Referred to another agency")
    REPORTED_TO_POLICE = "reported_to_police", _("Passed to the police or border guard")
    CASE_OPENED = "case_opened", _("A case was opened")
    FOLLOW_UP = "follow_up", _("To follow up")
    CUT_OFF = "cut_off", _("Cut off or silent")
