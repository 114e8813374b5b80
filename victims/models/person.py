import re

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, GistIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.lookups import StartsWith
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AdministrativeUnit
from accounts.text import fold

from ..countries import is_country_code
from ..text import CleanTextModel
from .choices import IdPaperType, Sex
from .querysets import PersonQuerySet
from .reference import EthnicGroup

# The name search matches the start of any word of the folded name ("huong" and "thi huong" find
# "nguyen thi huong"; "uong" does not). Each of the first NAME_WORDS_INDEXED words starts a b-tree
# prefix range; a trigram index on the longer names (0.2 % of them) serves the words after those.
# A trigram index on every name was 90-130 ms at 1M for "nguyen thi huong", whose syllables are in
# most names; the prefix ranges read only the 3,497 names that start with it (bench/results.md).
NAME_WORDS_INDEXED = 4
LONGER_NAME = rf"^(?:[^ ]+ ){{{NAME_WORDS_INDEXED}}}"


class NameFromWord(models.Func):
    """The folded name from its n-th word on, NULL when it has fewer words (PostgreSQL's regular
    expression `substring`): what the b-tree of word n indexes."""

    function = "substring"
    output_field = models.TextField()

    def __init__(self, expression, n: int):
        super().__init__(expression, models.Value(rf"^(?:[^ ]+ ){{{n - 1}}}(.+)$"))


def name_search_q(folded: str, prefix: str = "") -> models.Q:
    """Persons (or rows whose `prefix` leads to a person) with a word of the name starting with the
    folded text: one condition per index of Person.Meta, so PostgreSQL reads them as a BitmapOr."""
    field = f"{prefix}name_folded"
    condition = models.Q(**{f"{field}__startswith": folded})
    for n in range(2, NAME_WORDS_INDEXED + 1):
        condition |= models.Q(StartsWith(NameFromWord(field, n), folded))
    return condition | models.Q(**{f"{field}__regex": LONGER_NAME, f"{field}__contains": f" {folded}"})


def history_trackers():
    """Snapshots on insert, update and delete. New instances per model: pghistory binds them."""
    return pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent()


ID_PAPER_FORMATS = {
    IdPaperType.CCCD: (re.compile(r"^\d{12}$"), _("A citizen identity card (CCCD) number has 12 digits.")),
    IdPaperType.CMND: (re.compile(r"^\d{9}$"), _("An old identity card (CMND) number has 9 digits.")),
    IdPaperType.PASSPORT: (
        re.compile(r"^[A-Z]\d{7}$"), _("A passport number is one letter followed by 7 digits."),
    ),
}
MIN_BIRTH_YEAR = 1900
ADULT_AGE = 18


@pghistory.track(*history_trackers(), append_only=True)
class Person(CleanTextModel):
    """Someone in a case file: the victim, or a child who came with them. Identity is sensitive."""

    full_name = models.CharField(_("full name"), max_length=200)
    other_names = models.CharField(
        _("other names"), max_length=255, blank=True,
        help_text=_("Names used abroad, nicknames, names in another language."),
    )
    name_folded = models.CharField(max_length=460, editable=False)
    # Keys for duplicate matching (victims.matching): the full name folded and cleaned of typing
    # residue, and the paper number without spaces, dashes or case.
    name_match = models.CharField(max_length=200, editable=False, blank=True, default="")
    id_paper_key = models.CharField(max_length=50, editable=False, blank=True, default="")
    # Merged into another person (victims.duplicates): the row is kept so the merge can be undone
    # exactly; a merged person has no cases, children or links of their own and is never listed.
    merged_into = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, editable=False, related_name="+",
        verbose_name=_("merged into"),
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), null=True, blank=True,
        help_text=_("When only the year is known."),
    )
    ethnicity = models.ForeignKey(
        EthnicGroup, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("ethnicity"),
    )
    nationality = models.CharField(
        _("nationality"), max_length=2, blank=True, default="VN",
        help_text=_("ISO country code; empty when stateless or unknown."),
    )
    id_paper_type = models.CharField(
        _("identity paper"), max_length=10, choices=IdPaperType.choices, blank=True, default="",
    )
    id_paper_number = models.CharField(_("identity paper number"), max_length=50, blank=True)
    home_province = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("home province"),
    )
    home_commune = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("home commune"),
    )
    home_address_detail = models.CharField(
        _("house, street, village"), max_length=255, blank=True,
    )
    abroad_address = models.CharField(
        _("address abroad"), max_length=500, blank=True,
        help_text=_("Only when the person has no home address in Viet Nam."),
    )
    language = models.CharField(_("language"), max_length=100, blank=True)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    # Shown only with case.view_identity (the history timeline redacts them too).
    SENSITIVE_FIELDS = frozenset({
        "full_name", "other_names", "name_folded", "name_match", "id_paper_key", "date_of_birth", "id_paper_type",
        "id_paper_number", "home_commune", "home_address_detail", "abroad_address",
    })

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [
            # The name search (name_search_q): a prefix range per word, trigrams for the longer names.
            models.Index(fields=["name_folded"], opclasses=["varchar_pattern_ops"], name="person_name_w1"),
            *(models.Index(OpClass(NameFromWord("name_folded", n), name="text_pattern_ops"), name=f"person_name_w{n}")
              for n in range(2, NAME_WORDS_INDEXED + 1)),
            GinIndex(fields=["name_folded"], opclasses=["gin_trgm_ops"], name="person_name_longer_trgm",
                     condition=models.Q(name_folded__regex=LONGER_NAME)),
            # The duplicate matcher (victims/matching.py): the paper key's b-tree, and one GiST index
            # per part of the table by whether the home province and birth year are known, each
            # walking the names nearest first (`name_match <-> q`) inside the province and years
            # (btree_gist). NULLs scatter in a multi-column GiST, hence the four partial indexes.
            models.Index(fields=["id_paper_key"], name="person_paper_key",
                         condition=~models.Q(id_paper_key="") & models.Q(merged_into__isnull=True)),
            GistIndex(fields=["home_province", "birth_year", "name_match"], name="person_match_known",
                      opclasses=["gist_int8_ops", "gist_int2_ops", "gist_trgm_ops"],
                      condition=models.Q(merged_into__isnull=True, home_province__isnull=False,
                                         birth_year__isnull=False)),
            GistIndex(fields=["birth_year", "name_match"], name="person_match_no_province",
                      opclasses=["gist_int2_ops", "gist_trgm_ops"],
                      condition=models.Q(merged_into__isnull=True, home_province__isnull=True,
                                         birth_year__isnull=False)),
            GistIndex(fields=["home_province", "name_match"], name="person_match_no_year",
                      opclasses=["gist_int8_ops", "gist_trgm_ops"],
                      condition=models.Q(merged_into__isnull=True, home_province__isnull=False,
                                         birth_year__isnull=True)),
            GistIndex(fields=["name_match"], name="person_match_unknown", opclasses=["gist_trgm_ops"],
                      condition=models.Q(merged_into__isnull=True, home_province__isnull=True,
                                         birth_year__isnull=True)),
        ]

    def __str__(self):
        # Never the name: a person rendered by accident (admin, logs, errors) shows no identity.
        # Names reach readers only through victims.readmodel.person_name.
        return f"#{self.pk}"

    def save(self, *args, **kwargs):
        self._derive()
        super().save(*args, **kwargs)

    def _derive(self):
        if self.date_of_birth:
            self.birth_year = self.date_of_birth.year
        if self.home_commune_id and not self.home_province_id:
            self.home_province_id = self.home_commune.parent_id
        self.id_paper_number = "".join((self.id_paper_number or "").split())
        if self.id_paper_type in (IdPaperType.PASSPORT, IdPaperType.CCCD, IdPaperType.CMND):
            self.id_paper_number = self.id_paper_number.upper()
        self.nationality = (self.nationality or "").upper()
        self.name_folded = fold(f"{self.full_name} {self.other_names}")
        from ..matching import match_name, paper_key

        self.name_match = match_name(self.full_name)
        self.id_paper_key = paper_key(self.id_paper_number)

    def clean(self):
        self._derive()
        errors: dict[str, list] = {}

        def error(field, message, **params):
            errors.setdefault(field, []).append(ValidationError(message, params=params or None))

        today = timezone.localdate()
        if self.date_of_birth and self.date_of_birth > today:
            error("date_of_birth", _("Date of birth cannot be in the future."))
        if self.birth_year is not None and not MIN_BIRTH_YEAR <= self.birth_year <= today.year:
            error("birth_year", _("Year of birth must be between %(min)s and %(max)s."),
                  min=MIN_BIRTH_YEAR, max=today.year)
        if self.nationality and not is_country_code(self.nationality):
            error("nationality", _("Choose a country by its two-letter ISO code."))

        if self.id_paper_type and not self.id_paper_number:
            error("id_paper_number", _("Enter the number of the identity paper."))
        elif self.id_paper_number and not self.id_paper_type:
            error("id_paper_type", _("Choose the type of identity paper."))
        elif self.id_paper_type in ID_PAPER_FORMATS:
            pattern, message = ID_PAPER_FORMATS[self.id_paper_type]
            if not pattern.match(self.id_paper_number):
                error("id_paper_number", message)

        if self.home_province_id and self.home_province.level != AdministrativeUnit.Level.PROVINCE:
            error("home_province", _("Choose a province."))
        if self.home_commune_id:
            if self.home_commune.level != AdministrativeUnit.Level.COMMUNE:
                error("home_commune", _("Choose a commune or ward."))
            elif self.home_commune.parent_id != self.home_province_id:
                error("home_commune", _("This commune is not in the chosen province."))
        has_home = bool(self.home_province_id or self.home_commune_id or self.home_address_detail)
        if self.abroad_address and has_home:
            error("abroad_address", _("Give either a home address in Viet Nam or an address abroad, not both."))
        if errors:
            raise ValidationError(errors)

    # Ages: with only a year of birth the exact age is unknown; protective rules treat a person who
    # may still be under 18 as a minor.
    def age_on(self, day) -> int | None:
        if self.date_of_birth:
            dob = self.date_of_birth
            return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
        if self.birth_year:
            return day.year - self.birth_year - 1  # the lower bound
        return None

    def is_minor_on(self, day) -> bool:
        age = self.age_on(day)
        return age is not None and age < ADULT_AGE

    @property
    def birth_display(self) -> str:
        if self.date_of_birth:
            return self.date_of_birth.strftime("%d/%m/%Y")
        return str(self.birth_year or "")

