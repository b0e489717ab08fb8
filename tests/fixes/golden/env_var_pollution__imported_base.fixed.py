# runs with pytest
"""A test class whose base comes from another module may be a `unittest.TestCase` (it is
here): its methods take no fixtures, so nothing is rewritten."""
import os

from golden_helpers import IntegrationBase


class TestIntegration(IntegrationBase):
    def test_env(self):
        os.environ["ISOLINT_GOLDEN_BASE"] = "1"  # stays
        self.assertEqual(os.environ["ISOLINT_GOLDEN_BASE"], "1")
        del os.environ["ISOLINT_GOLDEN_BASE"]


class TestPlain:
    def test_env(self, monkeypatch):
        monkeypatch.setenv("ISOLINT_GOLDEN_PLAIN", "1")
        assert os.environ["ISOLINT_GOLDEN_PLAIN"] == "1"
