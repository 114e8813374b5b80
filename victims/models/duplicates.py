"""Possible duplicates and merges of persons (victims.duplicates): who decided what, and how to undo it."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency

from ..text import CleanTextModel
from .person import Person, history_trackers


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("To review")
    REJECTED = "rejected", _("Not the same person")
    MERGED = "merged", _("Merged")


@pghistory.track(*history_trackers(), append_only=True)
class DuplicateProposal(CleanTextModel):
    """Two persons the matcher found alike, once per pair (the lower id first). A rejected pair is
    never proposed again (victims.matching leaves it out)."""

    person_low = models.ForeignKey(Person, models.CASCADE, related_name="+", verbose_name=_("person"))
    person_high = models.ForeignKey(Person, models.CASCADE, related_name="+", verbose_name=_("person"))
    score = models.PositiveSmallIntegerField(_("score"))
    reasons = ArrayField(models.CharField(max_length=30), verbose_name=_("reasons"), default=list)
    status = models.CharField(_("status"), max_length=20, choices=ProposalStatus.choices,
                              default=ProposalStatus.OPEN, db_index=True)
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("proposed by"))
    # The one-click request of an agency that found a possible match it cannot see.
    referral_requested_by = models.ForeignKey(
        Agency, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("referral requested by"),
    )
    referral_requested_at = models.DateTimeField(_("referral requested at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-score", "-proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person_low", "person_high"], name="duplicate_pair_unique"),
            models.CheckConstraint(condition=models.Q(person_low__lt=models.F("person_high")),
                                   name="duplicate_pair_ordered"),
        ]

    def __str__(self):
        return f"#{self.person_low_id} ~ #{self.person_high_id}"


@pghistory.track(*history_trackers(), append_only=True)
class PersonMerge(CleanTextModel):
    """`merged` was merged into `survivor`: who, when, why, and exactly which rows moved (to undo)."""

    survivor = models.ForeignKey(Person, models.PROTECT, related_name="+", verbose_name=_("surviving person"))
    merged = models.ForeignKey(Person, models.PROTECT, related_name="+", verbose_name=_("merged person"))
    proposal = models.ForeignKey(DuplicateProposal, models.PROTECT, null=True, blank=True,
                                 related_name="merges", verbose_name=_("possible duplicate"))
    # {"victims.case.person": [ids], ...}: the rows that pointed at `merged` and now point at `survivor`.
    moved = models.JSONField(default=dict, editable=False)
    reason = models.TextField(_("reason"), max_length=2000)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("merged by"))
    merged_at = models.DateTimeField(_("merged at"), default=timezone.now)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("undone by"))
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undo_reason = models.TextField(_("reason for undoing"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("merge of persons")
        verbose_name_plural = _("merges of persons")
        ordering = ["-merged_at", "-pk"]

    def __str__(self):
        return f"#{self.merged_id} → #{self.survivor_id}"
