import gc
import unittest
from gc import collect
from unittest import mock
from unittest.mock import AsyncMock, MagicMock, Mock, NonCallableMagicMock, create_autospec, patch

import mock as mock_backport
import pytest


class TestMagicMock:  # expect: missing_teardown_method
    def test_a(self):
        m = MagicMock()
        assert m


class TestEachFactory:  # expect: missing_teardown_method
    async def test_async(self):
        AsyncMock()

    def test_others(self):
        Mock()
        NonCallableMagicMock()
        create_autospec(dict)


class TestBackport:  # expect: missing_teardown_method
    def test_a(self):
        mock_backport.Mock()


class TestPatchDecorator:  # expect: missing_teardown_method
    @patch("app.fetch")
    def test_a(self, fetch):
        pass


@patch.object(unittest, "main")
class TestPatchClassDecorator:  # expect: missing_teardown_method
    def test_a(self, main):
        pass


class TestPatchContextManager:  # expect: missing_teardown_method
    def test_a(self):
        with mock.patch("app.fetch") as fetch:
            assert fetch


class TestPatchStart:  # expect: missing_teardown_method
    def setup_method(self):
        self.patcher = patch.multiple("app", fetch=mock.DEFAULT)
        self.patcher.start()

    def teardown_method(self):
        self.patcher.stop()  # stops the patch but never collects

    def test_a(self):
        pass


class TestMocker:  # expect: missing_teardown_method
    def test_a(self, mocker):
        mocker.patch("app.fetch")


class TestUnittestSetUp(unittest.TestCase):  # expect: missing_teardown_method
    def setUp(self):
        self.client = MagicMock()

    def test_a(self):
        pass


class TestCollectInSetupOnly:  # expect: missing_teardown_method
    def setup_method(self):
        gc.collect()

    def test_a(self):
        MagicMock()


# ---- safe idioms ------------------------------------------------------------------------


class TestImportOnly:
    def test_a(self):
        assert MagicMock is not None
        assert isinstance(object(), Mock) is False


class TestPatchWithNew:
    @patch("app.fetch", new=lambda: 1)
    def test_a(self):
        pass

    @patch.object(unittest, "main", lambda: None)
    def test_b(self):
        pass

    def test_c(self):
        with patch.dict("os.environ", {"A": "1"}):
            pass


class TestTeardownMethod:
    def teardown_method(self):
        gc.collect()

    def test_a(self):
        MagicMock()


class TestTeardownAlias:
    def teardown_method(self, method):
        collect()

    def test_a(self):
        MagicMock()


class TestUnittestTearDown(unittest.TestCase):
    def tearDown(self):
        gc.collect()

    def test_a(self):
        MagicMock()


class TestTeardownClass:
    @classmethod
    def teardown_class(cls):
        gc.collect()

    def test_a(self):
        MagicMock()


class TestTeardownCallsHelper:
    def teardown_method(self):
        self._release()

    def _release(self):
        gc.collect()

    def test_a(self):
        MagicMock()


class BaseCollects:
    def teardown_method(self):
        gc.collect()


class TestInheritsTeardown(BaseCollects):
    def test_a(self):
        MagicMock()


class TestAutouseFixture:
    @pytest.fixture(autouse=True)
    def _collect(self):
        yield
        gc.collect()

    def test_a(self):
        MagicMock()


class TestAddCleanup(unittest.TestCase):
    def setUp(self):
        self.addCleanup(gc.collect)

    def test_a(self):
        MagicMock()


class NotATestClass:
    def make(self):
        return MagicMock()


def test_function_level_mock_is_not_a_class():
    MagicMock()
