import pytest
from django_otp import DEVICE_ID_SESSION_KEY

from tests.access.personas import client_for, personas  # noqa: F401  (shared fixtures)
from tests.factories import MembershipFactory, UserFactory, totp_device

PASSWORD = "Mat-khau-an-toan-2026"


@pytest.fixture
def staff_user(db):
    """A caseworker at a social centre in Lạng Sơn, with an enrolled authenticator."""
    membership = MembershipFactory(user__username="hoa.caseworker")
    user = membership.user
    user.device = totp_device(user)
    return user


@pytest.fixture
def signed_in(client):
    """Sign a user in with password and TOTP (as after both login steps); returns the client."""

    def sign_in(user):
        client.force_login(user)
        device = getattr(user, "device", None) or totp_device(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return sign_in


@pytest.fixture
def staff_client(signed_in, staff_user):
    return signed_in(staff_user)


@pytest.fixture
def outsider(db):
    """Signed-in-able user with no agency at all."""
    return UserFactory(username="outsider")


@pytest.fixture(scope="session")
def celery_worker_live(django_db_setup):
    """A real Celery worker (thread) consuming from the real Redis broker configured in settings.

    Started after the test database exists; tasks it runs see committed data only.
    """
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                      shutdown_timeout=10) as worker:
        yield worker
