import gc
from unittest.mock import MagicMock, create_autospec

import pytest

from inventory import Client


class TestStock:  # safe: the mocks are locals, freed when each test returns
    def test_stock_count(self, sku):
        transport = MagicMock()
        transport.get.return_value = {"count": 3}
        assert Client(transport).stock(sku) == 3

    def test_stock_uses_url(self, sku):
        transport = create_autospec(dict, instance=True)
        transport.get.return_value = {"count": 0}
        Client(transport).stock(sku)
        transport.get.assert_called_once()


@pytest.mark.xdist_group(name="api_client")  # expect: inert_xdist_group
class TestStockCollected:  # safe: creates only locals; the gc.collect() is merely slow
    def teardown_method(self):
        gc.collect()

    def test_stock_count(self, sku):
        transport = MagicMock()
        transport.get.return_value = {"count": 5}
        assert Client(transport).stock(sku) == 5


@pytest.mark.xdist_group(name="api_client")
class TestNoMocks:  # safe: imports MagicMock above but creates none here
    def test_default_url(self):
        assert Client(None).transport is None
