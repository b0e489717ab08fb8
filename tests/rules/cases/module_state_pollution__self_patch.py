"""trial's and testtools' `TestCase.patch(obj, attribute, value)` patches that attribute until
the test's cleanup (twisted's `SRVConnectorTests.setUp`: `self.patch(client, "theResolver",
FakeResolver())`): writes into the patched-in object, in any test of the class, go away with
it. Another attribute of the same module is not patched."""
from twisted.names import client
from twisted.trial import unittest


class FakeResolver:
    results = None


class PatchedInSetUp(unittest.TestCase):
    def setUp(self):
        self.patch(client, "theResolver", FakeResolver())

    def test_present(self):
        client.theResolver.results = []
        client.theResolver.failure = None
        client.other = 1  # expect: module_state_pollution


class PatchedInTheTest(unittest.TestCase):
    def test_other_attribute(self):
        self.patch(client, "theResolver", FakeResolver())
        client.theResolver.results = []
        client.other = 2  # expect: module_state_pollution


class NotPatched(unittest.TestCase):
    def test_present(self):
        client.theResolver.results = []  # expect: module_state_pollution
