"""The actor: who acts, for which agency, in which role (a user and one active membership).

Scope and rights are those of the acting membership, never the union of all of a user's memberships
(least privilege). The browser's actor is built once per request by
`accounts.middleware.ActiveMembershipMiddleware` from the membership chosen in the header; an API
client's by its authentication. Switching membership is explicit and written to the access log.

Selectors and services take the actor. So that every existing reader gets least privilege without a
second code path, the actor *binds* its membership to its user object (`user.acting_membership`):
`victims.scoping.memberships_allowing`, the one function every scope is built from, then reads only
that membership. An unbound user (a shell, a Celery task acting for a stored user id, a unit test)
acts through all of its active memberships, as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from .roles import role_allows

UNBOUND = object()


@dataclass(frozen=True, eq=False)
class Actor:
    user: object  # accounts.models.User (bound to `membership`)
    membership: object | None  # accounts.models.Membership, or None: acts for no agency

    @property
    def agency(self):
        return self.membership.agency if self.membership else None

    @property
    def agency_id(self) -> int | None:
        return self.membership.agency_id if self.membership else None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    def can(self, action: str) -> bool:
        return bool(self.membership and self.membership.is_active and role_allows(self.membership.role, action))

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency or '—'} ({self.role or '—'})"


def act_as(user, membership) -> Actor:
    """The actor for `user` acting through `membership` (which must be one of the user's own)."""
    if membership is not None and membership.user_id != user.pk:
        raise ValueError("A user can only act through one of their own memberships.")
    user.acting_membership = membership
    user.scope_sets = {}  # victims.scoping's resolved ids for this binding (a request): never reused by another
    return Actor(user=user, membership=membership)


def acting_membership(user):
    """The membership this user object is bound to, or UNBOUND."""
    return getattr(user, "acting_membership", UNBOUND)


def as_user(who):
    """The User behind an actor or a user (for audit columns such as `created_by`)."""
    return who.user if isinstance(who, Actor) else who
