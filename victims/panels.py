"""Extension point: panels that other apps add to the case page (`victims:case_detail`).

The case page belongs to the victims app, but support decisions, facility stays and later referrals
belong to other apps. They add a card to the page without the victims app importing them.

Contract for a panel
--------------------
    from victims.panels import CasePanel, register_case_panel

    # in your AppConfig.ready():
    register_case_panel(CasePanel(
        key="support",                            # unique; registering a key again replaces it
        template="support/_case_summary.html",    # renders the whole card (a <section class="card">)
        context="support.selectors.support_summary_for_case",  # a callable or its dotted path
        context_name="support_summary",           # the template reads the result under this name
        order=100,                                # cards are sorted by order, then key
    ))

- The context callable is called as `f(user, case)` (a selector: it takes the acting user and
  returns only what that user may see). Return None to hide the panel for this case; raise Http404
  or PermissionDenied when the user may not see it: the panel is left out, the page still answers.
- The template draws its own card, heading included (`<section class="card mb-3">` with an `h2`),
  in the main column of the page, after the follow-up and closure and before the sharing card;
  the page wraps it in `<div data-panel="<key>">` only.
- The template gets the case page's context plus `{context_name: result}`. Useful names there:
  `case` (the Case, with `identity_visible`), `identity_visible` (may this user see names and
  sensitive details of this case), `perms` (what the user may do on the case page), `request`.
- Keep it to a constant number of queries whatever the size of the case: the case page's query
  count is pinned (tests/victims/test_views_queries.py).
- The page writes the access log once per view; a panel does not need to.

Optional panels
---------------
Panels registered with `optional=True` and a dotted path are shown only when the path imports and
the template exists (for a module still being built). The two below are not optional:

- support:    `support.selectors.support_summary_for_case(user, case)` +
              `templates/support/_case_summary.html` (reads `support_summary`)
- facilities: `facilities.selectors.stays_for_case(user, case)` +
              `templates/facilities/_case_stays.html` (reads `stays`)
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CasePanel:
    key: str
    template: str
    context: Callable[..., Any] | str
    context_name: str = "panel_data"
    order: int = 100
    optional: bool = False


@dataclass(frozen=True)
class RenderedPanel:
    """A panel ready for the case page: the template `{% case_panel %}` renders with `context`."""

    key: str
    template: str
    context: dict


_PANELS: dict[str, CasePanel] = {}


def register_case_panel(panel: CasePanel) -> None:
    _PANELS[panel.key] = panel
    _resolve.cache_clear()


def unregister_case_panel(key: str) -> None:
    _PANELS.pop(key, None)
    _resolve.cache_clear()


def registered_panels() -> list[CasePanel]:
    return sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.key))


@lru_cache(maxsize=64)
def _resolve(panel: CasePanel) -> Callable | None:
    """The context callable, or None when an optional panel's code or template is not there yet."""
    try:
        function = import_string(panel.context) if isinstance(panel.context, str) else panel.context
        get_template(panel.template)
    except (ImportError, TemplateDoesNotExist):
        if not panel.optional:
            raise
        logger.debug("Case panel %s is not available yet", panel.key)
        return None
    return function


def panels_for(user, case) -> list[RenderedPanel]:
    """The panels this user sees on this case's page, in order."""
    rendered = []
    for panel in registered_panels():
        function = _resolve(panel)
        if function is None:
            continue
        try:
            value = function(user, case)
        except (Http404, PermissionDenied):
            continue
        if value is None:
            continue
        rendered.append(RenderedPanel(panel.key, panel.template, {panel.context_name: value}))
    return rendered


# The panels of the apps that ship with the product: not optional, so a missing selector or
# template fails the case page (and its tests) instead of hiding the panel.
register_case_panel(CasePanel(
    key="support", template="support/_case_summary.html",
    context="support.selectors.support_summary_for_case", context_name="support_summary", order=100,
))
register_case_panel(CasePanel(
    key="facilities", template="facilities/_case_stays.html",
    context="facilities.selectors.stays_for_case", context_name="stays", order=110,
))
