import unittest
from unittest import mock
from unittest.mock import AsyncMock, MagicMock, Mock, create_autospec, patch

import pytest


class TestSetupMethod:
    def setup_method(self):
        self.session = MagicMock()  # expect: mock_retained_on_instance
        self.client = Mock(spec=object)  # expect: mock_retained_on_instance
        self.session = MagicMock()  # reported once per attribute, at the first assignment

    def test_get(self):
        self.session.get.return_value = 1
        self.session = MagicMock()


class TestInTheTest:
    def test_stores_on_self(self):
        self.api = mock.MagicMock()  # expect: mock_retained_on_instance
        self.spec = create_autospec(dict)  # expect: mock_retained_on_instance

    async def test_async(self):
        self.fetch = AsyncMock()  # expect: mock_retained_on_instance


class TestPatchers:
    def setup_method(self):
        self.patcher = patch("app.fetch")
        self.fetch = self.patcher.start()  # expect: mock_retained_on_instance
        self.other = patch.object(unittest, "main").start()  # expect: mock_retained_on_instance
        patcher = patch("app.post")
        self.post = patcher.start()  # expect: mock_retained_on_instance

    def teardown_method(self):
        patch.stopall()  # stopping the patchers does not drop the mocks


class TestMocker:
    @pytest.fixture(autouse=True)
    def _mocks(self, mocker):
        self.fetch = mocker.patch("app.fetch")  # expect: mock_retained_on_instance
        self.obj = mocker.patch.object(unittest, "main")  # expect: mock_retained_on_instance
        self.spy = mocker.spy(unittest, "main")  # expect: mock_retained_on_instance
        self.plain = mocker.MagicMock()  # expect: mock_retained_on_instance

    def test_it(self):
        assert self.fetch is not None


class TestLocalThenSelf:
    def test_it(self):
        client = MagicMock()
        self.client = client  # expect: mock_retained_on_instance
        self.a, self.b = MagicMock(), Mock()  # expect: mock_retained_on_instance


class TestTeardownReleasesOnlyOne:
    def setup_method(self):
        self.kept = MagicMock()  # expect: mock_retained_on_instance
        self.dropped = MagicMock()

    def teardown_method(self):
        del self.dropped


class HelperBase:
    def setup_method(self):
        self.service = MagicMock()  # expect: mock_retained_on_instance


class TestUsesTheBase(HelperBase):
    def test_it(self):
        assert self.service


# ---- safe idioms: none of these may be reported ----------------------------------------


class TestReleasedInTeardown:
    def setup_method(self):
        self.a = MagicMock()
        self.b = MagicMock()
        self.c = MagicMock()
        self.d = MagicMock()

    def teardown_method(self):
        del self.a
        self.b = None
        delattr(self, "c")
        setattr(self, "d", None)

    def test_it(self):
        assert self.a


class TestDictCleared:
    def setup_method(self):
        self.a = MagicMock()

    def teardown_method(self):
        self.__dict__.clear()


class TestVarsCleared:
    def setup_method(self):
        self.a = MagicMock()

    def teardown_method(self):
        vars(self).clear()


class TestFixtureReleasesAfterYield:
    @pytest.fixture(autouse=True)
    def _client(self):
        self.client = MagicMock()
        yield
        del self.client

    def test_it(self):
        assert self.client


class TestReleasedByFinalizer:
    @pytest.fixture(autouse=True)
    def _client(self, request):
        self.client = MagicMock()
        request.addfinalizer(lambda: delattr(self, "client"))


class TestLocalsOnly:
    def test_it(self):
        client = MagicMock()
        client.get.return_value = 1
        assert client.get() == 1

    def test_not_mocks(self):
        self.value = 1
        self.items = []
        self.patcher = patch("app.fetch")
        self.replaced = patch("app.fetch", new=1).start()
        self.handle = open  # not a mock


class TestClassLevel:
    @classmethod
    def setup_class(cls):
        cls.shared = MagicMock()

    def setup_method(self):
        type(self).other = MagicMock()


class TestUnittestReleasesItsInstances(unittest.TestCase):
    def setUp(self):
        self.session = MagicMock()

    def test_it(self):
        self.fetch = patch("app.fetch").start()
        self.addCleanup(patch.stopall)


class NotATestClass:
    def setup_method(self):
        self.session = MagicMock()


class TestWithInit:
    def __init__(self):
        self.session = MagicMock()

    def setup_method(self):
        self.other = MagicMock()


def test_function_locals():
    session = MagicMock()
    assert session


@pytest.mark.skip(reason="regression (kombu): a skipped class is never instantiated")
class TestSkipped:
    def setup_method(self):
        self.session = MagicMock()


@pytest.mark.skipif(True, reason="conditional: may run elsewhere")
class TestConditionallySkipped:
    def setup_method(self):
        self.session = MagicMock()  # expect: mock_retained_on_instance
