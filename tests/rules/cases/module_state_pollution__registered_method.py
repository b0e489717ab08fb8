"""A method the class registers as a cleanup puts back what another method changed
(twisted's `ReactorBuilder.buildReactor` registers `self._unbuildReactor`, which sets the
global reactor's `__dict__`/`__class__` back): neither is reported. A registered cleanup
method that changes state nothing else in the class touches (botocore's
`logging.raiseExceptions = False` while closing a log file) is a change of its own."""
import logging
import unittest

from twisted.internet import reactor as global_reactor


class BuildsAReactor(unittest.TestCase):
    def unbuild(self, reactor):
        global_reactor.__dict__ = reactor.saved_dict
        global_reactor.__class__ = reactor.saved_class

    def build(self):
        reactor = object.__new__(type("R", (), {}))
        reactor.saved_dict = global_reactor.__dict__
        reactor.saved_class = global_reactor.__class__
        global_reactor.__dict__ = reactor.__dict__
        global_reactor.__class__ = reactor.__class__
        self.addCleanup(self.unbuild, reactor)
        return reactor

    def test_runs(self):
        self.build()


class ClosesALogFile(unittest.TestCase):
    def close_log_file(self):
        logging.raiseExceptions = False  # expect: module_state_pollution

    def test_logs(self):
        self.addCleanup(self.close_log_file)
