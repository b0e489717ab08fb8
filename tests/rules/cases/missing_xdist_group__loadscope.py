# settings: {"pytest": {"dist_mode": "loadscope", "dist_source": "pytest.ini [pytest] addopts"}}
# no findings expected: under --dist loadscope a class's tests already stay on one worker.
import pytest


class TestShared:
    @classmethod
    def setup_class(cls):
        cls.items = []

    def test_a(self):
        self.items.append(1)


@pytest.fixture(scope="class")
def conn():
    return object()


class TestUsesClassFixture:
    def test_a(self, conn):
        assert conn
