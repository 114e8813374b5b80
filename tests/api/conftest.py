from tests.api.world import token, world  # noqa: F401  (shared with tests/access and tests/onedoor)
