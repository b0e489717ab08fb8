import gc as garbage

import pytest as pt
from unittest.mock import MagicMock

from helpers import SomeBase


class TestExternalBase(SomeBase):
    def setup_method(self):
        self.client = MagicMock()

    def test_a(self):
        garbage.collect()
