"""Helpers the runnable golden inputs import, as a project's own test helpers would be."""

import contextlib
import os
import unittest


class IntegrationBase(unittest.TestCase):
    """A ``unittest.TestCase`` the golden inputs import: from their module, its kind is unknown."""


@contextlib.contextmanager
def clear_env_var(name):
    """Remove ``name`` from the environment for the block; put it back afterwards."""
    old = os.environ.pop(name, None)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old
