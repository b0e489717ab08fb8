import gc as garbage

import pytest as pt
from unittest.mock import MagicMock

from helpers import SomeBase


class TestExternalBase(SomeBase):
    @pt.fixture(autouse=True)
    def _collect_garbage_after_test(self):
        yield
        garbage.collect()

    def test_a(self):
        MagicMock()
