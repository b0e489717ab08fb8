# Regressions from scanning sympy's test suite.
import mpmath
from app.testing import conserve_mpmath_dps, preserve_settings, warns_deprecated
from sympy.combinatorics import Permutation
from sympy.ntheory.factor_ import factor_cache


def test_put_back_of_a_saved_value_is_not_a_change_of_its_own():
    old_print_cyclic = Permutation.print_cyclic
    Permutation.print_cyclic = False  # expect: module_state_pollution
    assert True
    Permutation.print_cyclic = old_print_cyclic


def test_put_back_inside_a_with_block():
    with warns_deprecated():
        old = Permutation.print_cyclic
        Permutation.print_cyclic = False  # expect: module_state_pollution
        Permutation.print_cyclic = old


def test_many_writes_to_one_target_are_reported_once():
    factor_cache.maxsize = 3  # expect: module_state_pollution
    for i in range(2, 10):
        factor_cache[5 * i] = 5  # expect: module_state_pollution
    factor_cache.maxsize = 5
    del factor_cache[40]
    factor_cache.maxsize = 1000


@conserve_mpmath_dps
def test_a_decorator_named_for_restoring_the_target():
    mpmath.mp.dps = 100


def test_a_context_manager_named_for_restoring_the_target():
    with conserve_mpmath_dps():
        mpmath.mp.dps = 50


@preserve_settings
def test_a_restoring_decorator_named_for_something_else():
    mpmath.mp.dps = 100  # expect: module_state_pollution


# Regressions from scanning gunicorn's and celery's/kombu's test suites.
import logging
import sys
from unittest import mock

from celery.backends import cassandra as backend


class AltArgs:
    def __init__(self, args):
        self.args = args
        self.orig = sys.argv

    def __enter__(self):
        sys.argv = self.args

    def __exit__(self, *exc):
        sys.argv = self.orig


class AltArgsWithoutRestore:
    def __enter__(self):
        sys.argv = ["x"]  # expect: module_state_pollution

    def __exit__(self, *exc):
        pass


def test_writes_into_a_replacement_go_away_with_it(monkeypatch):
    monkeypatch.setattr(backend, "cassandra", mock.Mock())
    backend.cassandra.cluster = mock.Mock()
    backend.cassandra.cluster.Cluster = object


@mock.patch("logging.getLogger")
def test_configuring_a_patched_function(get_logger):
    logging.getLogger.return_value = mock.Mock()


def test_configuring_a_mock_patched_in_elsewhere():
    backend.connect.return_value = 1
    backend.connect.side_effect = None


# Regressions from scanning CherryPy's test suite: request-locals are not module state.
import cherrypy
import flask


class Root:
    def index(self):
        cherrypy.response.headers["Content-Type"] = "text/plain"
        cherrypy.request.login = "user"
        flask.g.user = "user"
        del cherrypy.session
        cherrypy.config["tools.params.error"] = 422  # expect: module_state_pollution


# CPython's test_urllib: a mixin saves the class on self, another method puts it back.
import http.client


class FakeHTTPMixin:
    def fakehttp(self, fake):
        self._connection_class = http.client.HTTPConnection
        http.client.HTTPConnection = fake  # expect: module_state_pollution

    def unfakehttp(self):
        http.client.HTTPConnection = self._connection_class

    def unrelated(self):
        http.client.HTTPSConnection = self._connection_class  # expect: module_state_pollution
