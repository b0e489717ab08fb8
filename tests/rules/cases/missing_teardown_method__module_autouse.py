# no findings expected: a module-level autouse fixture collects after its yield.
import gc
from unittest.mock import MagicMock

import pytest


@pytest.fixture(autouse=True)
def collect_garbage():
    yield
    gc.collect()


class TestCoveredByModuleFixture:
    def test_a(self):
        MagicMock()
