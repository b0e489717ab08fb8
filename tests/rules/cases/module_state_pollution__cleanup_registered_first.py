"""A restore registered before the write: `self.addCleanup(operator.setitem, d, k, old)` /
`addCleanup(operator.delitem, d, k)` (Django's `override_db_setting`) puts the item back at
cleanup whatever happens after it. A write to another container, or to an imported
container through `operator.setitem` with no cleanup, still counts."""
import operator
import unittest
from contextlib import contextmanager

from django.db import connection
from app import REGISTRY


class ServerSideCursorsTests(unittest.TestCase):
    @contextmanager
    def override_db_setting(self, **kwargs):
        for setting in kwargs:
            original_value = connection.settings_dict.get(setting)
            if setting in connection.settings_dict:
                self.addCleanup(operator.setitem, connection.settings_dict, setting, original_value)
            else:
                self.addCleanup(operator.delitem, connection.settings_dict, setting)
            connection.settings_dict[setting] = kwargs[setting]
            yield

    def test_other_container(self):
        self.addCleanup(operator.delitem, connection.settings_dict, "NAME")
        connection.features.flags["x"] = 1  # expect: module_state_pollution

    def test_operator_write(self):
        operator.setitem(REGISTRY, "k", 1)  # expect: module_state_pollution
