"""Hotline and other contacts by channel and kind: the plug-in point for the Contact model (`dups`).

Until `victims.Contact` lands this answers None and the dashboards show no contacts table. When it
lands, replace the body of `contact_table` with one aggregate over the scoped contacts, e.g.

    rows = Contact.objects.visible_to_statistics(...)  # or a `contacts=` queryset added to
                                                      # reporting.scope.scoped_rows
    found = rows.values("channel", "kind").annotate(n=Count("pk"))  # GROUPING SETS ((channel), (kind), ())

and return a `reporting.statistics.Table` (counts=OTHER) built like the others; suppression,
charts, XLSX and CSV then follow without other changes.
"""

from __future__ import annotations


def contact_table(geography, filters):
    """The contacts table for the dashboard, or None while there is no Contact model."""
    return None
