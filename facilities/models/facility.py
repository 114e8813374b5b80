import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import AdministrativeUnit, Agency
from accounts.text import fold
from victims.text import CleanTextModel

from ..choices import (
    LICENCE_REQUIRED_TYPES,
    FacilityStatus,
    FacilityType,
    FundingSource,
    GenderPolicy,
    Service,
)
from .querysets import FacilityQuerySet


def history_trackers():
    return pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent()


@pghistory.track(*history_trackers(), append_only=True)
class Facility(CleanTextModel):
    """A social assistance facility or shelter (cơ sở trợ giúp xã hội) that can take in residents."""

    code = models.CharField(
        _("code"), max_length=20, unique=True,
        validators=[RegexValidator(r"^[A-Z0-9-]+$", _("Use capital letters, digits and hyphens."))],
        help_text=_("Short code, e.g. CS-LS-01."),
    )
    name = models.CharField(_("name"), max_length=255)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    type = models.CharField(_("type of facility"), max_length=30, choices=FacilityType.choices)
    owner_agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="facilities", verbose_name=_("owner agency"),
    )
    province = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, related_name="+", verbose_name=_("province"),
        limit_choices_to={"level": AdministrativeUnit.Level.PROVINCE},
    )
    # The address is confidential (shelters): shown only with facility.view_address.
    commune = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("commune / ward"), limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE},
    )
    address_detail = models.CharField(_("house, street, village"), max_length=255, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)

    rooms = models.PositiveSmallIntegerField(_("rooms"), default=0)
    beds = models.PositiveSmallIntegerField(
        _("beds"), default=0,
        help_text=_("Every resident takes one bed, accompanying children too."),
    )
    gender_policy = models.CharField(
        _("who is admitted"), max_length=20, choices=GenderPolicy.choices, default=GenderPolicy.WOMEN_ONLY,
    )
    accepts_children = models.BooleanField(_("children may stay with their parent"), default=True)
    services = ArrayField(
        models.CharField(max_length=30, choices=Service.choices), verbose_name=_("services offered"),
        default=list, blank=True,
    )
    staff_count = models.PositiveSmallIntegerField(_("number of staff"), default=0)
    staff_qualifications = models.TextField(
        _("staff qualifications"), max_length=2000, blank=True,
        help_text=_("E.g. 2 social workers, 1 psychologist, 1 nurse."),
    )
    funding_source = models.CharField(
        _("funding source"), max_length=30, choices=FundingSource.choices, default=FundingSource.STATE_BUDGET,
    )
    funding_detail = models.CharField(_("funding details"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=FacilityStatus.choices, default=FacilityStatus.ACTIVE,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FacilityQuerySet.as_manager()

    ADDRESS_FIELDS = frozenset({"commune", "address_detail"})

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name_folded", "pk"]
        indexes = [models.Index(fields=["province", "status"], name="facility_province_status")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def requires_licence(self) -> bool:
        return self.type in LICENCE_REQUIRED_TYPES

    def clean(self):
        errors: dict[str, list] = {}
        if self.province_id and self.province.level != AdministrativeUnit.Level.PROVINCE:
            errors.setdefault("province", []).append(ValidationError(_("Choose a province.")))
        if self.commune_id:
            if self.commune.level != AdministrativeUnit.Level.COMMUNE:
                errors.setdefault("commune", []).append(ValidationError(_("Choose a commune or ward.")))
            elif self.commune.parent_id != self.province_id:
                errors.setdefault("commune", []).append(
                    ValidationError(_("This commune is not in the chosen province."))
                )
        if len(set(self.services)) != len(self.services):
            errors.setdefault("services", []).append(ValidationError(_("Each service may be chosen once.")))
        if self.beds and self.rooms == 0:
            errors.setdefault("rooms", []).append(ValidationError(_("A facility with beds has at least one room.")))
        if errors:
            raise ValidationError(errors)
