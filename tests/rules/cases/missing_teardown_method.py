import gc
import unittest
from unittest import mock
from unittest.mock import AsyncMock, MagicMock, Mock, create_autospec, patch

import pytest

_CLIENTS = []
_BY_NAME = {}
CURRENT = None


class TestSetupMethod:  # expect: missing_teardown_method
    def setup_method(self):
        self.session = MagicMock()
        self.client = Mock(spec=object)
        self.session = MagicMock()  # one entry per attribute

    def test_get(self):
        self.session.get.return_value = 1


class TestInTheTest:  # expect: missing_teardown_method
    def test_stores_on_self(self):
        self.api = mock.MagicMock()
        self.spec = create_autospec(dict)

    async def test_async(self):
        self.fetch = AsyncMock()


class TestPatchers:  # expect: missing_teardown_method
    def setup_method(self):
        self.patcher = patch("app.fetch")
        self.fetch = self.patcher.start()
        self.other = patch.object(unittest, "main").start()

    def teardown_method(self):
        patch.stopall()  # stopping the patchers does not drop the mocks


class TestMocker:  # expect: missing_teardown_method
    @pytest.fixture(autouse=True)
    def _mocks(self, mocker):
        self.fetch = mocker.patch("app.fetch")
        self.spy = mocker.spy(unittest, "main")

    def test_it(self):
        assert self.fetch is not None


class TestLocalThenSelf:  # expect: missing_teardown_method
    def test_it(self):
        client = MagicMock()
        self.client = client
        self.a, self.b = MagicMock(), Mock()


class TestTeardownReleasesOnlyOne:  # expect: missing_teardown_method
    def setup_method(self):
        self.kept = MagicMock()
        self.dropped = MagicMock()

    def teardown_method(self):
        del self.dropped


class TestGcCollectDoesNotRelease:  # expect: missing_teardown_method
    def setup_method(self):
        self.session = MagicMock()

    def teardown_method(self):
        gc.collect()  # frees nothing that self.session still references


class HelperBase:  # expect: missing_teardown_method
    def setup_method(self):
        self.service = MagicMock()


class TestUsesTheBase(HelperBase):
    def test_it(self):
        assert self.service


class TestClassLevel:  # expect: missing_teardown_method
    @classmethod
    def setup_class(cls):
        cls.shared = MagicMock()

    def test_it(self):
        assert self.shared


class TestModuleContainers:  # expect: missing_teardown_method
    def test_append(self):
        _CLIENTS.append(MagicMock())

    def test_item(self):
        _BY_NAME["a"] = MagicMock()

    def test_global(self):
        global CURRENT
        CURRENT = MagicMock()


class TestUnittestModuleContainer(unittest.TestCase):  # expect: missing_teardown_method
    def setUp(self):
        _CLIENTS.append(MagicMock())


class TestUnittestClassLevel(unittest.TestCase):  # expect: missing_teardown_method
    @classmethod
    def setUpClass(cls):
        cls.client = MagicMock()


@pytest.mark.skipif(True, reason="conditional: may run elsewhere")
class TestConditionallySkipped:  # expect: missing_teardown_method
    def setup_method(self):
        self.session = MagicMock()


class TestSuppressedAtTheAssignment:
    def setup_method(self):
        self.session = MagicMock()  # isolint: ignore[mock_retained_on_instance]


# ---- safe idioms: none of these may be reported ----------------------------------------


class TestLocalsOnly:
    def test_it(self):
        client = MagicMock()
        client.get.return_value = 1
        assert client.get() == 1

    def test_more(self):
        with patch("app.fetch") as fetch:
            fetch.return_value = 1
        AsyncMock()
        create_autospec(dict)

    @patch("app.fetch")
    def test_decorated(self, fetch):
        pass

    def test_mocker(self, mocker):
        mocker.patch("app.fetch")

    def test_not_mocks(self):
        self.value = 1
        self.items = []
        self.patcher = patch("app.fetch")
        self.replaced = patch("app.fetch", new=1).start()
        self.handle = open  # not a mock


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


class TestClassLevelReleased:
    @classmethod
    def setup_class(cls):
        cls.shared = MagicMock()

    @classmethod
    def teardown_class(cls):
        cls.shared = None


class TestModuleContainersCleared:
    def test_append(self):
        _CLIENTS.append(MagicMock())
        _BY_NAME["a"] = MagicMock()

    def teardown_method(self):
        _CLIENTS.clear()
        _BY_NAME.clear()


class TestLocalContainer:
    def test_it(self):
        clients = []
        clients.append(MagicMock())


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


def test_function_locals():
    session = MagicMock()
    assert session


@pytest.mark.skip(reason="regression (kombu): a skipped class is never instantiated")
class TestSkipped:
    def setup_method(self):
        self.session = MagicMock()
