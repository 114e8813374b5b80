"""Hotline and other contacts (`victims.Contact`) by channel, by kind and, nationally, by province.

One statement per dashboard: the scoped contacts of the period (`reporting.scope.scoped_rows`) grouped
by GROUPING SETS ((channel), (kind), (province), ()). Only codes and counts leave the database: the
caller's name, phone and note and the summary are never selected, so no statistics page, XLSX or CSV
can carry them.

Channel and kind are two partitions of the same contacts, so they are two tables, each with its total:
suppression (`reporting.statistics.publish`) then protects each partition on its own, as for every
other table. A contact counts in the province recorded on it, else the recording agency's.
"""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _

from victims.models import ContactChannel, ContactKind, ContactOutcome

from .scope import NATIONAL, Filters, Geography, scoped_rows


def _counts(geography: Geography, filters: Filters) -> list[dict]:
    from .statistics import _fetch, _sql

    rows = scoped_rows(geography, filters).contacts.values(
        x_channel=F("channel"), x_kind=F("kind"), x_province=F("geo_province"), x_outcome=F("outcome"),
    )
    sql, params = _sql(rows)
    return _fetch(f"""WITH k AS ({sql})
    SELECT GROUPING(x_channel) AS g_channel, GROUPING(x_kind) AS g_kind, GROUPING(x_province) AS g_province,
      x_channel, x_kind, x_province, MAX(pu.name) AS province_name,
      COUNT(*) AS contacts, COUNT(*) FILTER (WHERE x_outcome = %s) AS cases_opened
    FROM k LEFT JOIN accounts_administrativeunit pu ON pu.id = k.x_province
    GROUP BY GROUPING SETS ((), (x_channel), (x_kind), (x_province))""", params + [ContactOutcome.CASE_OPENED])


def contact_tables(geography: Geography, filters: Filters) -> list:
    """The contacts tables of the dashboard: by channel, by kind and (national level) by province."""
    from .statistics import (
        OTHER,
        Column,
        Row,
        Table,
        _choice_rows,
        _dimension,
        _found_rows,
        _total,
        _values,
    )

    found = _counts(geography, filters)
    total = _total(found)
    columns = [Column("contacts", _("Contacts")), Column("cases_opened", _("of which a case was opened"))]
    note = _("Hotline calls, walk-ins and messages in the contact log, by date of contact; each contact once.")
    tables = [
        Table("contacts_channel", _("Contacts by channel"), OTHER, columns,
              _choice_rows(_dimension(found, "g_channel"), "x_channel", ContactChannel.choices, columns),
              total=Row(_("Total"), _values(total, columns)), note=note),
        Table("contacts_kind", _("Contacts by kind"), OTHER, columns,
              _choice_rows(_dimension(found, "g_kind"), "x_kind", ContactKind.choices, columns),
              total=Row(_("Total"), _values(total, columns))),
    ]
    if geography.level == NATIONAL:
        tables.append(Table("contacts_province", _("Contacts by province"), OTHER, columns,
                            _found_rows(_dimension(found, "g_province"),
                                        lambda r: r["province_name"] or _("Not recorded"), columns, "x_province"),
                            total=Row(_("National total"), _values(total, columns)), chart=""))
    return tables
