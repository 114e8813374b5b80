"""Serializers of the reporting resources: published statistics tables (a suppressed cell carries its
text, never its value), programme activities, and the de-identified dataset's rows (codes only)."""

from rest_framework import serializers

from reporting.models import ActivityKind, ProgrammeActivity
from support.models.choices import Regime
from victims.models import TraffickingPurpose

# ---------------------------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------------------------


class StatisticsQuerySerializer(serializers.Serializer):
    """The dashboard's filters (reporting.forms.StatisticsFilterForm validates them, as on the page)."""

    period = serializers.CharField(required=False, help_text="A preset: `year-2025`, `half-2025-1`, `custom`…")
    start = serializers.DateField(required=False, help_text="With `period=custom`.")
    end = serializers.DateField(required=False, help_text="With `period=custom`.")
    province = serializers.IntegerField(required=False, help_text="National callers: one province's id.")
    agency_type = serializers.CharField(required=False, help_text="An agency type's code.")
    agency = serializers.IntegerField(required=False, help_text="Provincial callers: one agency's id.")
    on_date = serializers.DateField(required=False, help_text="Occupancy on this date (default: the period's end).")


class CellSerializer(serializers.Serializer):
    value = serializers.JSONField(allow_null=True, help_text="The figure; null when suppressed or not available.")
    text = serializers.CharField(help_text="As published: `<5` or `x` when suppressed.")
    suppressed = serializers.BooleanField()


class RowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    cells = CellSerializer(many=True)


COLUMN_KINDS = [("count", "count"), ("amount", "amount"), ("number", "number")]


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=COLUMN_KINDS)


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    counts = serializers.ChoiceField(choices=["persons", "receptions", "both", "other"])
    counts_label = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    columns = ColumnSerializer(many=True)
    rows = RowSerializer(many=True)
    total = RowSerializer(allow_null=True)


class GeographySerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["national", "province", "agency"])
    label = serializers.CharField()


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    label = serializers.CharField()


class StatisticsSerializer(serializers.Serializer):
    geography = GeographySerializer()
    period = PeriodSerializer()
    case_level = serializers.BooleanField(help_text="True: the caller may see every case behind the figures, "
                                                    "nothing is suppressed.")
    suppression_threshold = serializers.IntegerField()
    tables = TableSerializer(many=True)


def _row(row) -> dict:
    return {"key": row.key, "label": row.label,
            "cells": [{"value": None if hidden else value, "text": text, "suppressed": hidden}
                      for value, text, hidden in row.cells]}


def board_data(board, period, threshold: int) -> dict:
    """The published dashboard as JSON: the cells as the page shows them."""
    return {
        "geography": {"level": board.geography.level, "label": board.geography.label},
        "period": {"start": period.start, "end": period.end, "label": period.label},
        "case_level": board.case_level, "suppression_threshold": threshold,
        "tables": [{
            "key": table.key, "title": table.title, "counts": table.counts, "counts_label": table.counts_label,
            "note": table.note or "",
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in table.columns],
            "rows": [_row(row) for row in table.rows], "total": _row(table.total) if table.total else None,
        } for table in board.tables],
    }


# ---------------------------------------------------------------------------------------------
# Programme activities
# ---------------------------------------------------------------------------------------------

COUNT_FIELDS = ["participants", "trainees", "panels", "posters", "leaflets", "booklets"]


class ActivitySerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ProgrammeActivity
        fields = ["id", "agency", "province", "kind", "held_on", "title", *COUNT_FIELDS, "note", "created_at",
                  "updated_at"]
        read_only_fields = fields


class ActivityWriteSerializer(serializers.Serializer):
    """Record or correct an activity (reporting.services validates it as the form does)."""

    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    held_on = serializers.DateField()
    province = serializers.CharField(max_length=20, help_text="The province's code.")
    title = serializers.CharField(max_length=255)
    participants = serializers.IntegerField(min_value=0, max_value=10_000_000, default=0)
    trainees = serializers.IntegerField(min_value=0, max_value=10_000_000, default=0)
    panels = serializers.IntegerField(min_value=0, max_value=10_000_000, default=0)
    posters = serializers.IntegerField(min_value=0, max_value=10_000_000, default=0)
    leaflets = serializers.IntegerField(min_value=0, max_value=10_000_000, default=0)
    booklets = serializers.IntegerField(min_value=0, max_value=10_000_000, default=0)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# ---------------------------------------------------------------------------------------------
# The de-identified dataset
# ---------------------------------------------------------------------------------------------


class DatasetRowSerializer(serializers.Serializer):
    """A released row: CTDC's core fields, as codes; generalised values say so (`region:…`, `abroad`,
    `0–17`, `2021–2025`, `several`)."""

    gender = serializers.CharField(allow_blank=True, help_text="CTDC `gender`: female, male or empty (not recorded).")
    age_broad = serializers.CharField(allow_blank=True, help_text="CTDC `ageBroad` (or a wider band).")
    majority_status = serializers.ChoiceField(choices=["minor", "adult", ""], help_text="CTDC `majorityStatus`.")
    citizenship = serializers.CharField(allow_blank=True, help_text="CTDC `citizenship`: ISO code, region or `abroad`.")
    country_of_exploitation = serializers.CharField(allow_blank=True, help_text="CTDC `CountryOfExploitation`.")
    year_of_registration = serializers.CharField(help_text="CTDC `yearOfRegistration` (or a five-year span).")
    type_of_exploitation = serializers.ListField(
        child=serializers.ChoiceField(choices=[*TraffickingPurpose.values, "several"]),
        help_text="CTDC `is…Exploit` fields, as the list of types.")
    means_of_control = serializers.CharField(allow_null=True, help_text="Always null: recorded as free text only.")
    regimes_received = serializers.ListField(child=serializers.ChoiceField(choices=Regime.values))
    generalisation_level = serializers.IntegerField(min_value=0, max_value=2)


class DatasetNoteSerializer(serializers.Serializer):
    k = serializers.IntegerField()
    persons = serializers.IntegerField()
    released = serializers.IntegerField()
    withheld = serializers.IntegerField()
    released_exactly = serializers.IntegerField()
    generalised_level_1 = serializers.IntegerField()
    generalised_level_2 = serializers.IntegerField()
    standard = serializers.CharField()
