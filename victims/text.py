"""Text and date helpers for victim data: NFC, no NUL bytes, calendar months."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.text import nfc

NUL_MESSAGE = _("Text must not contain NUL characters.")


def clean_text(value: str) -> str:
    """NFC, trimmed; NUL bytes refused (PostgreSQL cannot store them and they hide attacks)."""
    if "\x00" in value:
        raise ValidationError(NUL_MESSAGE, code="null_characters")
    return nfc(value).strip()


def normalise_text_fields(instance: models.Model) -> dict[str, list[ValidationError]]:
    """NFC-normalise every text value of a model instance in place; return NUL and length errors."""
    errors: dict[str, list[ValidationError]] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        try:
            if isinstance(value, str) and isinstance(field, models.CharField | models.TextField):
                value = clean_text(value)
                setattr(instance, field.attname, value)
                if isinstance(field, models.TextField) and field.max_length:
                    # The database does not limit text columns: the model does.
                    MaxLengthValidator(field.max_length)(value)
            elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                setattr(instance, field.attname, [clean_text(v) for v in value])
        except ValidationError as error:
            errors[field.name] = [error]
    return errors


class CleanTextModel(models.Model):
    """Every char/text field is stored NFC-normalised and without NUL bytes, whatever the caller."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        errors = normalise_text_fields(self)
        if errors:
            raise ValidationError(errors)
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        errors = normalise_text_fields(self)
        exclude = set(exclude or ()) | set(errors)
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Calendar months; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
