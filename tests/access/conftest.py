from tests.api.world import token, world  # noqa: F401  (the API matrix's world: tests/api/world.py)
