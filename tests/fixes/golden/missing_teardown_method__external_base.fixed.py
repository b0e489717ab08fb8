import gc as garbage

import pytest as pt
from unittest.mock import MagicMock

from helpers import SomeBase


class TestExternalBase(SomeBase):
    def setup_method(self):
        self.client = MagicMock()

    @pt.fixture(autouse=True)
    def _release_mocks_after_test(self):
        yield
        self.client = None

    def test_a(self):
        garbage.collect()
