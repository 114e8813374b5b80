from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .roles import MACHINE_ROLES, STAFF_ROLES, Role, role_allows
from .text import fold, nfc


class AdministrativeUnitQuerySet(models.QuerySet):
    def current(self):
        return self.filter(valid_to__isnull=True)

    def provinces(self):
        return self.filter(level=AdministrativeUnit.Level.PROVINCE)

    def communes(self):
        return self.filter(level=AdministrativeUnit.Level.COMMUNE)

    def search(self, query: str):
        """Diacritic-insensitive: 'ha noi' and 'Hà Nội' both find Hà Nội, 'dong' finds 'Đông'."""
        folded = fold(query)
        if not folded:
            return self
        return self.filter(name_folded__contains=folded)


class AdministrativeUnit(models.Model):
    """Province / commune (since 1/7/2025) and historic districts; codes as published by the GSO."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District (historic)")
        COMMUNE = "commune", _("Commune / ward")

    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=120)
    name_folded = models.CharField(max_length=120, editable=False)
    division_type = models.CharField(_("division type"), max_length=40, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="predecessors",
        verbose_name=_("successor"),
    )

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "name_folded"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="admin_unit_level_code_unique"),
        ]
        indexes = [
            GinIndex(fields=["name_folded"], opclasses=["gin_trgm_ops"], name="admin_unit_name_trgm"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def province(self):
        unit = self
        while unit.parent_id and unit.level != self.Level.PROVINCE:
            unit = unit.parent
        return unit


class AgencyType(models.Model):
    """Kinds of agency (border guard, police, ...). Data, because reforms rename and move them."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("Vietnamese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("agency type")
        verbose_name_plural = _("agency types")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


class Agency(models.Model):
    code = models.CharField(
        _("code"), max_length=20, unique=True,
        help_text=_("Short code used in case and document numbers, e.g. BP-LC-01."),
    )
    name = models.CharField(_("name"), max_length=255)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    type = models.ForeignKey(AgencyType, models.PROTECT, related_name="agencies", verbose_name=_("type"))
    jurisdiction = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, related_name="agencies", verbose_name=_("jurisdiction"),
        help_text=_("The province or commune the agency serves; empty for national bodies."),
        null=True, blank=True,
    )
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent agency"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The agency's public contact: shown to other agencies (e.g. when a possible duplicate is held
    # here), so only the office's own phone, e-mail and address, never a person's.
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name_folded"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    agencies = models.ManyToManyField(
        Agency, through="Membership", related_name="users", verbose_name=_("agencies")
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.username

    def active_memberships(self):
        return self.memberships.filter(is_active=True, agency__is_active=True).select_related(
            "agency", "agency__type", "agency__jurisdiction"
        )

    def can(self, action: str, agency: "Agency | None" = None) -> bool:
        """Whether the acting membership (accounts.actor), or for an unbound user any active
        membership, allows the action (optionally only in one agency)."""
        from .actor import UNBOUND, acting_membership

        bound = acting_membership(self)
        if bound is UNBOUND:
            memberships = self.active_memberships()
            if agency is not None:
                memberships = memberships.filter(agency=agency)
            return any(role_allows(m.role, action) for m in memberships)
        return bool(
            bound is not None and bound.is_active and bound.agency.is_active
            and (agency is None or bound.agency_id == getattr(agency, "pk", agency))
            and role_allows(bound.role, action)
        )

    @property
    def may_use_browser(self) -> bool:
        """False for accounts whose only roles are machine roles (the partner API)."""
        if self.is_superuser or self.is_staff:
            return True
        if not self.memberships.filter(role__in=MACHINE_ROLES).exists():
            return True
        return self.memberships.filter(is_active=True, role__in=STAFF_ROLES).exists()

    @property
    def requires_two_factor(self) -> bool:
        # Every browser session uses two factors; machine accounts never get one (may_use_browser).
        return True


class Membership(models.Model):
    user = models.ForeignKey(User, models.CASCADE, related_name="memberships", verbose_name=_("user"))
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="memberships", verbose_name=_("agency"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["agency__name_folded", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.agency}"

    def allows(self, action: str) -> bool:
        return self.is_active and role_allows(self.role, action)


class AccountLock(models.Model):
    """An account locked after too many failed sign-ins from any addresses (a password spray).

    Keyed by the typed username, folded, whether or not such an account exists: the answer to a
    locked sign-in must not tell which usernames are real. Only an agency manager of the user's
    agency or a system administrator unlocks it; who and why is kept.
    """

    username = models.CharField(_("username"), max_length=150, db_index=True)
    user = models.ForeignKey(
        User, models.CASCADE, null=True, blank=True, related_name="locks", verbose_name=_("user"),
    )
    failures = models.PositiveIntegerField(_("failed sign-ins"), default=0)
    locked_at = models.DateTimeField(_("locked at"), auto_now_add=True)
    unlocked_at = models.DateTimeField(_("unlocked at"), null=True, blank=True)
    unlocked_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unlocked by"),
    )
    unlock_note = models.CharField(_("reason for unlocking"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("locked account")
        verbose_name_plural = _("locked accounts")
        ordering = ["-locked_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["username"], condition=models.Q(unlocked_at__isnull=True), name="account_lock_one_open",
            ),
        ]

    def __str__(self):
        return f"{self.username} {self.locked_at:%Y-%m-%d %H:%M}"


class LoginFailure(models.Model):
    """One failed sign-in for a typed username (folded), from any address: counted for AccountLock."""

    username = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["username", "at"], name="login_failure_username_at")]

    def __str__(self):
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"


class PasswordResetAttempt(models.Model):
    """One password-reset request, for throttling per address and per account (a keyed digest of the
    e-mail address, never the address itself)."""

    address = models.GenericIPAddressField(null=True, blank=True)
    email_digest = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)
    sent = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["address", "at"], name="password_reset_address_at"),
            models.Index(fields=["email_digest", "at"], name="password_reset_email_at"),
        ]

    def __str__(self):
        return f"{self.address} {self.at:%Y-%m-%d %H:%M}"


# The official documents' numbering register lives with the document layer; imported so the app has it.
from accounts.documents.models import DocumentNumberRegister  # noqa: E402, F401

from .api_models import ApiClient, ApiScope, ApiToken, IdempotencyRecord, WebhookDelivery  # noqa: E402, F401
