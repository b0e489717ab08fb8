import pytest


@pytest.fixture
def sku():
    return "A-1"
